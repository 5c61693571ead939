#include "core/operation_budgets.h"

#include <fmt/format.h>

namespace backbeat {

Status BudgetPolicy::validate() const {
  for (const auto& [type, beats] : table) {
    if (type.empty()) return Status::invalid_argument("budget table: an empty type");
    if (beats < 1) {
      return Status::invalid_argument(
          fmt::format("budget table: {}: expected at least 1 beat, got {}", type, beats));
    }
  }
  if (Status s = adaptive.validate(); !s) return s;
  return warnings.validate();
}

OperationBudgets::OperationBudgets(BudgetPolicy policy) : policy_(std::move(policy)) {}

Status OperationBudgets::set_policy(BudgetPolicy policy) {
  if (Status s = policy.validate(); !s) return s;
  policy_ = std::move(policy);
  for (auto& [type, st] : types_) {
    st.adapted_budget = 0;
    RecentBeats resized(static_cast<std::size_t>(policy_.adaptive.window));
    for (std::int64_t beats : st.recent.sorted()) resized.add(beats);
    st.recent = resized;
  }
  return Status::ok();
}

int OperationBudgets::static_budget(const std::string& type, int estimated_beats) const {
  auto it = policy_.table.find(type);
  return it != policy_.table.end() ? it->second : estimated_beats;
}

OperationBudgets::TypeState* OperationBudgets::state(const std::string& type) {
  auto it = types_.find(type);
  if (it != types_.end()) return &it->second;
  if (types_.size() >= kMaxTypes) return nullptr;
  return &types_.emplace(type, TypeState(policy_.adaptive.window)).first->second;
}

int OperationBudgets::budget_for(const std::string& type, int estimated_beats) const {
  int fixed = static_budget(type, estimated_beats);
  if (!policy_.adaptive.applies_to(type)) return fixed;
  auto it = types_.find(type);
  if (it == types_.end() || it->second.adapted_budget <= 0) return fixed;
  return it->second.adapted_budget;
}

const OperationBudget& OperationBudgets::on_start(const std::string& id, const std::string& type,
                                                  int estimated_beats) {
  OperationBudget budget;
  budget.type = type;
  budget.static_budget_beats = static_budget(type, estimated_beats);
  budget.budget_beats = budget_for(type, estimated_beats);
  auto known = types_.find(type);
  budget.adapted = policy_.adaptive.applies_to(type) && known != types_.end() &&
                   known->second.adapted_budget > 0;
  if (TypeState* st = state(type)) {
    st->static_budget = budget.static_budget_beats;
    ++st->tally.started;
    st->tally.budget_beats_total += budget.budget_beats;
  }
  return operations_.insert_or_assign(id, std::move(budget)).first->second;
}

bool OperationBudgets::take_warning(const std::string& id, std::int64_t beats_passed) {
  if (!policy_.warnings.enabled) return false;
  auto it = operations_.find(id);
  if (it == operations_.end() || it->second.warned) return false;
  OperationBudget& op = it->second;
  if (beats_passed < budget_warning_beat(op.budget_beats, policy_.warnings.share) ||
      beats_passed > op.budget_beats) {
    return false;
  }
  op.warned = true;
  if (TypeState* st = state(op.type)) ++st->tally.warnings;
  return true;
}

void OperationBudgets::on_end(const std::string& id, std::int64_t beats, bool completed) {
  auto it = operations_.find(id);
  if (it == operations_.end()) return;
  OperationBudget op = std::move(it->second);
  operations_.erase(it);
  TypeState* st = state(op.type);
  if (st == nullptr) return;
  if (!completed) {
    ++st->tally.failed;
    return;
  }
  ++st->tally.completed;
  bool overrun = beats > op.budget_beats;
  if (overrun) ++st->tally.overruns;
  if (op.warned && !overrun) ++st->tally.false_alarms;
  st->histogram.add(beats);
  st->recent.add(beats);
  if (policy_.adaptive.applies_to(op.type)) {
    st->adapted_budget = next_adaptive_budget(policy_.adaptive, op.static_budget_beats,
                                              st->adapted_budget, st->recent);
  }
}

const OperationBudget* OperationBudgets::find(const std::string& id) const {
  auto it = operations_.find(id);
  return it == operations_.end() ? nullptr : &it->second;
}

const BeatHistogram* OperationBudgets::history(const std::string& type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : &it->second.histogram;
}

const BudgetTally* OperationBudgets::tally(const std::string& type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : &it->second.tally;
}

nlohmann::ordered_json OperationBudgets::to_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [type, st] : types_) {
    const BudgetTally& t = st.tally;
    if (t.completed + t.failed == 0) continue;  // history is of operations that ended
    double mean_given =
        t.started == 0 ? 0.0
                       : static_cast<double>(t.budget_beats_total) / static_cast<double>(t.started);
    out[type] = {{"completed", t.completed},
                 {"histogram", st.histogram.to_json()},
                 {"budget",
                  {{"static", st.static_budget},
                   {"current", budget_for(type, st.static_budget)},
                   {"adaptive", policy_.adaptive.applies_to(type)},
                   {"mean_given", mean_given}}},
                 {"overruns", t.overruns},
                 {"warnings", t.warnings},
                 {"false_alarms", t.false_alarms}};
  }
  return out;
}

}  // namespace backbeat
