// Report: the model every report of a run is rendered from (report.json, report.md, report.html).
//
// Built from the scenario, the RunOutcome and the assertion results (a scenario::RunReport), it
// holds plain values only: per-type distributions of beats-to-complete with their budget and
// verdict, per-agent health summaries, message and claim accounting, bar reports, fault,
// disconnect and degradation windows (merged across agents), and the tempo timeline. Times are
// seconds since the start of the run. The renderers are pure functions of this model, so the
// same run always renders byte-identical files (no wall clock, no locale).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/budget_comparison.h"
#include "reports/performance_analytics.h"
#include "reports/workflow_report.h"
#include "sim/scenario/admission_summary.h"
#include "sim/scenario/run_summary.h"
#include "sim/world/outcome.h"
#include "sim/world/timeline_window.h"

namespace backbeat::reports {

namespace scenario = sim::scenario;

// Beats-to-complete of one operation type.
struct TypeDistribution {
  std::string type;
  int budget_beats = 0;
  std::size_t started = 0, completed = 0, failed = 0, lost = 0, unfinished = 0, over_budget = 0;
  // Completed operations: beats -> count, ascending.
  std::map<std::int64_t, std::uint64_t> histogram;
  std::optional<std::int64_t> p50, p95, p99, max;  // nearest rank (sim/scenario/percentile.h)
  double verdict_percentile = 95;                  // the percentile the verdict judges
  std::optional<std::int64_t> verdict_measured;    // that percentile's value
  std::string verdict = "none";  // "pass", "fail" (an assertion about this type), "none"
  // Budget warnings the agents sent for completed operations, and those that were false alarms
  // (completed within the budget); the mean budget the agents gave completed operations.
  std::size_t budget_warnings = 0, false_alarms = 0;
  double mean_budget = 0;
};

struct AgentHealth {
  int index = 0;
  std::string agent_id;
  std::string group;
  std::size_t disconnects = 0;
  double disconnected_s = 0;
  std::size_t degradations = 0;
  double degraded_s = 0;
  std::uint64_t reconnects = 0, crashes = 0, errors = 0;
  std::uint64_t frames_accepted = 0, synthetic_beats = 0, skipped_beats = 0;
  std::uint64_t claims_published = 0, claims_failed = 0;
  std::int64_t final_beat = 0;
  double measured_bpm = 0;
  std::string tempo_drift;
  bool in_sync_at_end = true;
  std::optional<double> longest_resync_s;
};

// A window on the timeline; for merged agent windows, `agents` counts the agents involved.
struct Window {
  std::string kind;  // fault kind, "disconnect" or "degradation"
  std::string label;
  double start_s = 0;
  double end_s = 0;
  std::size_t agents = 0;
};

struct BarRow {
  double at_s = 0;
  std::int64_t from_beat = 0, to_beat = 0;
  std::int64_t agents_reporting = 0, on_time_reviews = 0;
  double tempo_drift_ms = 0;
  std::int64_t issues = 0;  // sum of issue counts
  std::string issue_text;   // what they were: "2 late_claims (warning), 1 duplicate_claims (info)"
};

struct TempoPoint {
  double at_s = 0;
  std::int64_t beat_index = 0;
  double advertised_bpm = 0, measured_bpm = 0, drift_ms = 0;
};

struct Report {
  nlohmann::json summary;  // the run summary (sim/scenario/run_summary.h), as `run --json` prints
  std::string scenario;
  std::string description;
  std::uint64_t seed = 0;
  std::string fingerprint;
  bool passed = false;
  bool interrupted = false;
  std::string expected_verdict;
  double tempo_bpm = 0;
  double sim_time_s = 0;
  std::size_t agent_count = 0;
  std::vector<sim::scenario::AssertionResult> assertions;
  std::vector<TypeDistribution> types;
  std::vector<AgentHealth> agents;
  std::map<std::string, sim::MessageAccounting> messages;
  sim::ClaimAccounting claims;
  std::vector<BarRow> bars;
  std::vector<Window> faults;        // as the fault injector recorded them
  std::vector<Window> disconnects;   // union over agents of their disconnect windows
  std::vector<Window> degradations;  // union over agents of their degradation windows
  std::vector<TempoPoint> tempo;
  std::optional<BudgetComparison> budget_comparison;  // when the scenario adapts budgets
  std::vector<TypeAnalytics> analytics;               // per type with completions
  std::vector<WorkflowTemplateReport> workflows;      // per workflow template; empty: none
  // Per type and priority, when the agents limit concurrent operations (the summary's
  // "admission" holds the same rows).
  std::vector<sim::scenario::AdmissionRow> admission;
  // The timeline around the first failing observation, when the run recorded one (run --out).
  std::optional<sim::TimelineWindow> timeline_window;
};

// `run` must have scenario and outcome set.
Report build_report(const sim::scenario::RunReport& run);

// A live run (its summary says "mode": "live"): wall-clock times and no fingerprint.
bool is_live(const Report& report);
// The clock a run's times are on, as the reports name it: "wall-clock" or "virtual".
const char* clock_name(const Report& report);

// Merges possibly overlapping windows into their union, ascending; `agents` of a merged window
// is the number of input windows it absorbed.
std::vector<Window> merge_windows(std::vector<Window> windows);

// report.json: {"format": "backbeat.report.v1", "summary": ..., "types": [...], ...}; its schema
// is reports/report.schema.json.
nlohmann::json report_json(const Report& report);
// report.md: a compact summary for terminals and pull requests.
std::string report_markdown(const Report& report);
// report.html: one self-contained page (inline CSS, SVG and a small script; no network).
std::string report_html(const Report& report);
// report.html's swimlanes (reports/swimlane.cc): the pulse, the servers, the faults and the first
// agents that failed, over the report's timeline window; empty without one.
std::string swimlane_section(const Report& report);

}  // namespace backbeat::reports
