// The shrinker: from a failing run (a scenario and a seed) to a small scenario that still fails
// the same assertions (`backbeat-sim shrink`, issue 14).
//
// It materialises the run (materialise.h) and then edits the document one kind of piece at a
// time, keeping an edit only when the edited scenario still fails every target assertion:
//   1. faults: ddmin over the faults (ddmin.h);
//   2. duration: the shortest run that still fails, from just after the last fault ends
//      (bisection, whole seconds): the run ends shortly after the failure shows;
//   3. each remaining fault: its times rounded to whole seconds, its duration, its targets (ddmin
//      over the agents it hits) and each parameter it reads (factor, probability, latency, ppm,
//      ...), bisected toward the value that does nothing (factor 1, probability 0, ...);
//   4. agents: whole groups, then single agents (ddmin), renumbering the agents that stay;
//   5. workload: operation types (ddmin), then each type's count or rate, halved;
//   6. the duration once more.
// Every candidate is one deterministic run; a batch of candidates runs on `jobs` threads, and
// the first still-failing candidate in a fixed order is kept, so the result (and the log, run
// counts included) is the same for any number of jobs. A candidate the loader refuses counts as
// passing (it is never kept) and costs no run.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::batch {

struct ShrinkOptions {
  // Failing assertion results (by name, as the report shows them) that must keep failing; empty:
  // every assertion result the input run fails.
  std::vector<std::string> assertions;
  int max_runs = 2000;  // candidates run, at most; when reached, the smallest failure so far
  int jobs = 1;
  // Between batches, on the calling thread: the pass, and the runs used so far.
  std::function<void(const std::string& pass, int runs)> on_progress;
  std::function<bool()> stop;  // polled between runs (Ctrl-C): ends with the smallest so far
};

// One candidate tried: which pass, what it changed, whether it still failed, runs used so far.
struct ShrinkStep {
  std::string pass;
  std::string change;
  bool still_fails = false;
  bool loaded = true;  // false: the loader refused it (not run)
  int runs = 0;
};

// The size of a scenario, for the before/after table.
struct ScenarioShape {
  std::size_t faults = 0;
  int agents = 0;
  std::size_t groups = 0;
  Duration duration{};
  std::vector<std::string> workload;  // per entry: "dht_store 200" or "pubsub_sync 1/beat"
};
ScenarioShape shape_of(const WorldConfig& world);

struct ShrinkResult {
  nlohmann::json materialised;       // the input, every seed-derived choice explicit
  nlohmann::json minimal;            // the smallest still-failing scenario found
  std::vector<std::string> failing;  // the target assertions (all fail in `minimal`)
  std::vector<ShrinkStep> log;
  int runs = 0;
  bool budget_exhausted = false;
  bool stopped = false;
};

// Shrinks the run of `sc` with `seed`. kInvalidArgument when the run does not fail, or fails none
// of options.assertions (the message names the assertions that do fail). kInternal if the final
// scenario does not fail (never expected: it is re-run to make sure).
Result<ShrinkResult> shrink(const scenario::Scenario& sc, std::uint64_t seed,
                            const ShrinkOptions& options);

// The names of the assertion results the run of `sc` with its seed fails; a result that failed
// with nothing to measure is named "NAME (nothing measured)", so that a shrink keeps failing the
// way the input failed.
std::vector<std::string> failing_assertions(const scenario::Scenario& sc);

}  // namespace backbeat::sim::batch
