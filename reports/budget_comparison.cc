#include "reports/budget_comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/budget_warning.h"
#include "core/nearest_rank.h"

namespace backbeat::reports {
namespace {

struct Sums {
  BudgetColumn column;
  std::int64_t budget_total = 0;
};

void judge(Sums& s, int budget, std::int64_t beats, double share) {
  bool overrun = beats > budget;
  bool warned = budget_warning_fires(budget, share, beats);
  s.column.overruns += overrun ? 1 : 0;
  s.column.warnings += warned ? 1 : 0;
  s.column.false_alarms += warned && !overrun ? 1 : 0;
  s.budget_total += budget;
}

BudgetComparisonRow row_of(std::string type, const std::vector<sim::OperationOutcome>& ops,
                           double share) {
  BudgetComparisonRow row;
  row.type = std::move(type);
  Sums fixed, adaptive;
  std::vector<std::int64_t> beats;
  for (const sim::OperationOutcome& op : ops) {
    if (op.result != sim::OperationOutcome::Result::kCompleted) continue;
    judge(fixed, op.static_budget_beats, op.beats(), share);
    judge(adaptive, op.budget_beats, op.beats(), share);
    beats.push_back(op.beats());
  }
  row.completed = beats.size();
  std::sort(beats.begin(), beats.end());
  row.p99 = nearest_rank(beats, 99);
  auto mean = [&](const Sums& s) {
    return beats.empty() ? 0.0
                         : static_cast<double>(s.budget_total) / static_cast<double>(beats.size());
  };
  row.fixed = fixed.column;
  row.fixed.mean_budget = mean(fixed);
  row.adaptive = adaptive.column;
  row.adaptive.mean_budget = mean(adaptive);
  return row;
}

std::string change(double from, double to) {
  if (from == 0) return to == 0 ? "0%" : "n/a";
  return fmt::format("{:+.0f}%", (to - from) / from * 100.0);
}

}  // namespace

std::optional<BudgetComparison> compare_budgets(const sim::WorldConfig& config,
                                                const std::vector<sim::OperationOutcome>& ops) {
  if (!config.adaptive_budgets.enabled) return std::nullopt;
  BudgetComparison c;
  c.warning_share = config.budget_warnings.share;
  std::map<std::string, std::vector<sim::OperationOutcome>> by_type;
  for (const sim::OperationOutcome& op : ops) by_type[op.type].push_back(op);
  for (const auto& [type, list] : by_type) c.rows.push_back(row_of(type, list, c.warning_share));
  c.rows.push_back(row_of("all", ops, c.warning_share));
  return c;
}

nlohmann::json budget_comparison_json(const BudgetComparison& c) {
  auto column = [](const BudgetColumn& b) {
    return nlohmann::json{{"overruns", b.overruns},
                          {"warnings", b.warnings},
                          {"false_alarms", b.false_alarms},
                          {"mean_budget", b.mean_budget}};
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const BudgetComparisonRow& r : c.rows) {
    rows.push_back({{"type", r.type},
                    {"completed", r.completed},
                    {"p99", r.p99 ? nlohmann::json(*r.p99) : nlohmann::json(nullptr)},
                    {"static", column(r.fixed)},
                    {"adaptive", column(r.adaptive)}});
  }
  return {{"warning_share", c.warning_share}, {"rows", rows}};
}

std::string budget_comparison_markdown(const BudgetComparison& c) {
  std::string md = fmt::format(
      "## Budgets: static table vs adaptive (same operations)\n\n"
      "Completed operations judged against the table's budget and against the budget their "
      "agent gave them; warnings at {:g}% of the budget.\n\n"
      "| type | completed | p99 beats | overruns static → adaptive | false alarms static → "
      "adaptive | mean budget static → adaptive |\n|---|--:|--:|---|---|---|\n",
      c.warning_share * 100);
  auto out = std::back_inserter(md);
  for (const BudgetComparisonRow& r : c.rows) {
    fmt::format_to(
        out, "| {} | {} | {} | {} → {} ({}) | {} → {} | {:.2f} → {:.2f} ({}) |\n", r.type,
        r.completed, r.p99 ? std::to_string(*r.p99) : "-", r.fixed.overruns, r.adaptive.overruns,
        change(static_cast<double>(r.fixed.overruns), static_cast<double>(r.adaptive.overruns)),
        r.fixed.false_alarms, r.adaptive.false_alarms, r.fixed.mean_budget, r.adaptive.mean_budget,
        change(r.fixed.mean_budget, r.adaptive.mean_budget));
  }
  return md;
}

}  // namespace backbeat::reports
