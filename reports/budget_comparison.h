// BudgetComparison: the scenario's static budget table against the agents' adaptive budgets, on
// the same operations. Budgets observe operations and do not change how long they take, so one
// run holds both answers: each completed operation's beats judged against the budget its agent
// gave it (adaptive) and against the table's (static). Warnings are judged the same way for both
// columns, by the rule the agents use (core/budget_warning.h), at the scenario's warning share.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::reports {

struct BudgetColumn {
  std::size_t overruns = 0;      // completed after more beats than the budget
  std::size_t warnings = 0;      // reached the warning share of the budget
  std::size_t false_alarms = 0;  // warned, then completed within the budget
  double mean_budget = 0;        // beats, over completed operations
};

struct BudgetComparisonRow {
  std::string type;  // "all" for the total row
  std::size_t completed = 0;
  std::optional<std::int64_t> p99;  // beats to complete (the same under both budgets)
  BudgetColumn fixed;               // the static table
  BudgetColumn adaptive;            // what the agents gave
};

struct BudgetComparison {
  double warning_share = 0.8;
  std::vector<BudgetComparisonRow> rows;  // per type by name, then "all"
};

// Only when the scenario enables adaptive budgets.
std::optional<BudgetComparison> compare_budgets(const sim::WorldConfig& config,
                                                const std::vector<sim::OperationOutcome>& ops);

nlohmann::json budget_comparison_json(const BudgetComparison& comparison);
// A markdown table: one row per measure and type, static and adaptive side by side.
std::string budget_comparison_markdown(const BudgetComparison& comparison);

}  // namespace backbeat::reports
