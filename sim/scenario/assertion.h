// Assertions: the checks that turn a RunOutcome into a verdict.
//
// Each assertion of a scenario evaluates to one or more results {name, measured, bound, pass}
// (a per-type assertion gives one result per operation type). The verdict passes when every
// result passes. Beats are converted from virtual time at the scenario's initial tempo.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::sim::scenario {

struct AssertionSpec {
  enum class Kind {
    kBeatsWithinBudget,          // pP of beats-to-complete per type <= budget (or `beats`)
    kFailureRateAtMost,          // (failed + lost) / (completed + failed + lost) <= max
    kNoClaimLost,                // claims.lost == 0
    kAgentsInSyncWithin,         // longest resync <= beats, and every agent in sync at the end
    kDegradationAtMost,          // longest local-degradation window <= beats
    kBarReports,                 // conditions over the reverb's bar reports
    kCompletedAtLeast,           // completed >= count, or completed/started >= fraction
    kOverBudgetShareAtMost,      // completed-over-budget / completed <= max
    kNonconformingClaimsAtMost,  // claims failing contract validation at the reverb <= max
    kWorkflowBeatsWithin         // pP of a workflow template's instance beats <= beats
  };
  Kind kind = Kind::kNoClaimLost;
  std::string name;                    // optional label replacing the generated name
  std::vector<std::string> types;      // per-type kinds: empty = every type in the workload
  std::vector<std::string> workflows;  // kWorkflowBeatsWithin: empty = every workflow template
  double percentile = 95;              // kBeatsWithinBudget, kWorkflowBeatsWithin
  std::optional<double> beats;         // kBeatsWithinBudget (bound override), in-sync, degradation,
                                       // kWorkflowBeatsWithin (the bound)
  double max = 0;                      // rate / share / count maxima
  std::optional<double> count;         // kCompletedAtLeast
  std::optional<double> fraction;      // kCompletedAtLeast
  // kBarReports (each present condition is one result)
  std::optional<double> min_agents_reporting;  // fraction of the cluster's agents, per bar
  std::optional<double> max_abs_tempo_drift_ms;
  std::optional<double> min_reports;
  int skip_first_bars = 1;  // the first bar starts before agents have found the beat
};

const char* assertion_kind_name(AssertionSpec::Kind kind);
std::optional<AssertionSpec::Kind> parse_assertion_kind(std::string_view name);
std::vector<std::string> assertion_kind_names();

struct AssertionResult {
  std::string name;                // e.g. "p95_beats[dht_store] <= budget"
  std::optional<double> measured;  // absent when there was nothing to measure
  double bound = 0;
  std::string comparison;  // "<=" or ">="
  std::string unit;        // "beats", "ms", "" ...
  bool pass = false;
  std::string detail;  // why, when not obvious from the numbers
};

// Evaluates every spec against `outcome` of a run of `config`.
std::vector<AssertionResult> evaluate_assertions(const std::vector<AssertionSpec>& specs,
                                                 const WorldConfig& config,
                                                 const RunOutcome& outcome);

// The budget the verdict uses for `type`: the budget table, else the first workload entry's
// estimated_beats, else 0.
int budget_for(const WorldConfig& config, const std::string& type);

// Operation types in the workload, in order of first appearance.
std::vector<std::string> workload_types(const WorldConfig& config);

}  // namespace backbeat::sim::scenario
