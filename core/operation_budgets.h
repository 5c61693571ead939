// OperationBudgets: what the integration knows about its operations' beat budgets, beyond the
// seed: each operation's budget (the static table, or adapted from history), its budget warning,
// and per type the history of completion times (a BeatHistogram plus the estimator's window) and
// tallies of budgets, overruns and warnings. Memory is bounded: per active operation, and per
// type for at most kMaxTypes types (later types keep their static budget and are not recorded).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/adaptive_budget.h"
#include "core/beat_histogram.h"
#include "core/budget_warning.h"
#include "core/recent_beats.h"

namespace backbeat {

struct BudgetPolicy {
  std::map<std::string, int> table;  // static beats per type; missing: the estimated beats
  AdaptiveBudgetSettings adaptive;
  BudgetWarningSettings warnings;

  // kInvalidArgument naming the bad entry or setting.
  Status validate() const;
};

// One operation's budget, fixed when it starts.
struct OperationBudget {
  std::string type;
  int budget_beats = 1;
  int static_budget_beats = 1;  // what the static table gives (equal when not adapted)
  bool adapted = false;         // budget_beats came from history
  bool warned = false;          // its budget warning went out
};

// Per type, over the integration's life.
struct BudgetTally {
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t overruns = 0;           // completed after more beats than the budget
  std::uint64_t warnings = 0;           // budget warnings sent
  std::uint64_t false_alarms = 0;       // warned, then completed within the budget
  std::int64_t budget_beats_total = 0;  // sum of the budgets given at start
};

class OperationBudgets {
 public:
  static constexpr std::size_t kMaxTypes = 64;

  explicit OperationBudgets(BudgetPolicy policy = {});
  // Replaces the policy; history stays, the adapted budgets are recomputed on next completion.
  // Errors: BudgetPolicy::validate's (the old policy stays).
  Status set_policy(BudgetPolicy policy);
  const BudgetPolicy& policy() const { return policy_; }

  // A new operation: fixes and returns its budget.
  const OperationBudget& on_start(const std::string& id, const std::string& type,
                                  int estimated_beats);
  // True once per operation: on the first call where `beats_passed` reached its warning beat
  // and not its budget, with warnings enabled.
  bool take_warning(const std::string& id, std::int64_t beats_passed);
  // The operation ended after `beats` beats; a completion feeds the history and the estimator.
  // Unknown ids are ignored.
  void on_end(const std::string& id, std::int64_t beats, bool completed);
  // Forgets every operation for which `keep(id)` is false (the integration dropped it).
  template <typename Keep>
  void forget_unless(Keep keep) {
    std::erase_if(operations_, [&](const auto& entry) { return !keep(entry.first); });
  }

  const OperationBudget* find(const std::string& id) const;
  // The budget a new operation of `type` would get now.
  int budget_for(const std::string& type, int estimated_beats) const;
  const BeatHistogram* history(const std::string& type) const;
  const BudgetTally* tally(const std::string& type) const;

  // Per type that has ended an operation, by name: {"completed", "histogram":
  // BeatHistogram::to_json(), "budget":
  // {"static", "current", "adaptive", "mean_given"}, "overruns", "warnings", "false_alarms"};
  // an empty object before any operation ended.
  nlohmann::ordered_json to_json() const;

 private:
  struct TypeState {
    explicit TypeState(int window) : recent(static_cast<std::size_t>(window)) {}
    BeatHistogram histogram;
    RecentBeats recent;
    int static_budget = 0;   // from the last start
    int adapted_budget = 0;  // the estimator's current budget; 0: none yet
    BudgetTally tally;
  };

  int static_budget(const std::string& type, int estimated_beats) const;
  TypeState* state(const std::string& type);

  BudgetPolicy policy_;
  std::map<std::string, TypeState> types_;
  std::map<std::string, OperationBudget> operations_;
};

}  // namespace backbeat
