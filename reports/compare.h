// Comparing two runs: per operation type side by side (budget, p95, p99, over-budget share,
// verdict) with deltas, and the assertions whose verdict changed.
//
// Inputs are run summaries (run.json, or the "summary" of report.json), so any run directory
// written by `run --out` can be compared, older ones included.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace backbeat::reports {

// Reads a run summary from a run directory (report.json, else run.json) or from a file holding
// either. kInvalidArgument naming the path and what was expected on anything else.
Result<nlohmann::json> load_run_summary(const std::string& path);

struct TypeComparison {
  std::string type;
  bool in_a = false, in_b = false;
  std::optional<double> budget_a, budget_b, p95_a, p95_b, p99_a, p99_b;
  std::optional<double> over_share_a, over_share_b;  // over_budget / completed
  std::string verdict_a = "none", verdict_b = "none";
};

struct AssertionChange {
  std::string name;
  std::string a;  // "pass", "fail" or "absent"
  std::string b;
  std::optional<double> measured_a, measured_b;
};

struct Comparison {
  std::string label_a, label_b;
  std::string verdict_a, verdict_b;
  std::vector<TypeComparison> types;
  std::vector<AssertionChange> changes;  // assertions whose result differs (or are one-sided)
};

// How much worse a percentile of beats-to-complete may get from A to B before it counts as a
// regression: `beats` whole beats, or when `percent` is set, that share of A's value.
struct Tolerance {
  double beats = 0;
  std::optional<double> percent;

  double allowed(double a) const { return percent ? a * *percent / 100.0 : beats; }
  std::string describe() const;  // "0 beats", "10% of A"
};

// "2" (beats) or "10%" (of A's value); kInvalidArgument saying what was expected.
Result<Tolerance> parse_tolerance(const std::string& text);

// What got worse from A to B, one sentence each: an assertion that passed in A and fails in B,
// and p95 or p99 beats-to-complete of a type measured in both that grew by more than `tolerance`.
// Assertions or types only one side has are not regressions (compare lists them).
std::vector<std::string> regressions(const Comparison& c, const Tolerance& tolerance);

Comparison compare_runs(const nlohmann::json& a, const nlohmann::json& b, std::string label_a,
                        std::string label_b);
std::string comparison_text(const Comparison& c);
nlohmann::json comparison_json(const Comparison& c);

}  // namespace backbeat::reports
