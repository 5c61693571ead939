// Budget profiles (a planned feature of the seed): named tables of beat budgets per operation type,
// selected by configuration (CHORUS_BACKBEAT_BUDGET_PROFILE) instead of one table per deployment.
// Three are built in, derived from the seed's "Beat Budget Guidelines" (the table below):
// - dev: each row's low end (a local network: few peers, no replication lag);
// - prod: each row's high end (the seed's recommendation for a real cluster);
// - high-latency: twice the high end (slow or distant peers; the seed lists network latency
//   first among the factors that lengthen an operation).
// No profile (the default) keeps the current behaviour: each type's explicit budget, else its
// estimated beats. Hosts add user tables (a scenario's, or one `tune` wrote); a user table may not
// reuse a built-in name, so a name always means the same table within a run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace backbeat {

inline constexpr std::string_view kEnvBudgetProfile = "CHORUS_BACKBEAT_BUDGET_PROFILE";

using BudgetTable = std::map<std::string, int>;  // beats per operation type

// The seed's "Beat Budget Guidelines" row for an operation type, in beats.
struct BudgetGuideline {
  int low = 0;
  int high = 0;
};
// By the table's names (peer_discovery, dht_store, dht_retrieve, pubsub_sync, leader_election,
// task_coordination) and the seed's own type string "election" (its Leader Election row).
std::optional<BudgetGuideline> budget_guideline(std::string_view type);

struct BudgetProfile {
  std::string name;
  std::string description;  // one line, for start-up output and docs
  BudgetTable table;
  bool builtin = false;
};

inline constexpr int kMaxProfileBudgetBeats = 1000;  // the same cap as a scenario's budgets
inline constexpr std::size_t kMaxBudgetProfiles = 64;

// 1..64 characters of [A-Za-z0-9_-] (a profile name travels in environment variables and file
// names).
bool is_budget_profile_name(std::string_view name);
// kInvalidArgument naming the first bad row: a type of 1..128 characters of [A-Za-z0-9_:-] and
// 1..kMaxProfileBudgetBeats beats.
Status validate_budget_table(const BudgetTable& table);

// dev, prod, high-latency (see above), in that order.
const std::vector<BudgetProfile>& builtin_budget_profiles();

// The built-in profiles plus a host's user tables, by name.
class BudgetProfiles {
 public:
  BudgetProfiles();  // the built-ins
  // kInvalidArgument for a malformed name or table, a built-in's or an existing name, or more
  // than kMaxBudgetProfiles profiles.
  Status add(std::string name, BudgetTable table, std::string description = "user table");
  const BudgetProfile* find(std::string_view name) const;
  // Every profile's name, built-ins first, then user tables in the order added.
  std::vector<std::string> names() const;

 private:
  std::vector<BudgetProfile> profiles_;
};

// The budget table an operation sees with a profile selected: the explicit rows win, the
// profile fills the other types in `types` (rows for types not listed are left out).
BudgetTable budgets_with_profile(const BudgetTable& explicit_rows, const BudgetTable& profile,
                                 const std::vector<std::string>& types);

}  // namespace backbeat
