// RunSummary: the machine-readable result of one run, as `backbeat-sim run --json` prints it and
// as run.json stores it in a run directory.
//
// Fields (stable; add, never rename): scenario, source, description, seed, fingerprint (16 hex
// digits), verdict ("pass"/"fail"), expected_verdict, expected_failing (names, or null when the
// scenario does not name them), as_expected, expectation_mismatches [text], interrupted, assertions
// [{name, measured (null when there was nothing to measure), bound, comparison, unit, pass,
// detail}], sim_time_s, wall_time_s, events, trace_records, derived_options [...], operations
// {type: {started, completed, failed, lost, unfinished, over_budget, budget_beats, beats {p50, p95,
// p99, max}}}, claims {...}, agents {...}, messages {...}, faults [...].
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/scenario/assertion.h"
#include "sim/scenario/scenario.h"
#include "sim/world/outcome.h"
#include "sim/world/timeline_window.h"

namespace backbeat::sim::scenario {

struct RunReport {
  const Scenario* scenario = nullptr;
  const RunOutcome* outcome = nullptr;
  std::vector<AssertionResult> results;
  double wall_time_s = 0;    // measured by the caller; never inside the simulation
  bool interrupted = false;  // stopped early (Ctrl-C): the verdict covers a partial run
  // The timeline around the first failing observation, when the run kept one (report.html).
  const TimelineWindow* timeline_window = nullptr;

  bool passed() const;
};

// How the run differs from the scenario's `expect`: the verdict, and, when the scenario names its
// failing assertions, each assertion that fails but is not named, is named but passes, or is
// named but not in the run. Empty when the run is as expected.
std::vector<std::string> expectation_mismatches(const RunReport& report);

// Every derived option a run prints: the world's derived_options plus the scenario's own.
std::vector<std::string> derived_options(const Scenario& scenario, const RunOutcome& outcome);

nlohmann::json run_summary_json(const RunReport& report);

// Per-type beats-to-complete percentiles and counts (nearest rank), shared by text and JSON.
struct TypeSummary {
  std::string type;
  std::size_t started = 0, completed = 0, failed = 0, lost = 0, unfinished = 0, over_budget = 0;
  std::size_t cut_off = 0;  // cut off at the deadline beat (also counted in over_budget)
  std::size_t shed = 0;     // shed by the agent's admission (never ran)
  int budget_beats = 0;
  // The agents' budget features (core/operation_budgets.h), over completed operations: warned
  // ones, warned ones that then completed within budget, ones whose budget the agent adapted
  // (differs from the static table's), and the mean budget they were given.
  std::size_t budget_warnings = 0, false_alarms = 0, adapted = 0;
  double mean_budget = 0;
  bool has_beats = false;
  std::int64_t p50 = 0, p95 = 0, p99 = 0, max = 0;
};
std::vector<TypeSummary> summarize_types(const WorldConfig& config, const RunOutcome& outcome);

}  // namespace backbeat::sim::scenario
