// Shared by the batch tests: shipped scenarios loaded with overrides, and a swarm whose tightened
// assertions fail in several different ways over seeds 1..12 (claims lost, p99 over budget per
// type, both), so grouping has something to group.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/batch/sweep.h"
#include "sim/batch/sweep_result.h"
#include "sim/scenario/loader.h"

namespace backbeat::testing {

inline sim::scenario::Scenario load_shipped(const std::string& name,
                                            const std::vector<std::string>& sets = {}) {
  sim::scenario::LoadResult r = sim::scenario::load_scenario_file(
      std::string(BACKBEAT_SCENARIOS_DIR) + "/" + name + ".json", sets);
  if (!r.ok()) {
    ADD_FAILURE() << r.errors.front().to_string();
    return {};
  }
  return std::move(*r.scenario);
}

inline const std::vector<std::string>& tight_swarm_sets() {
  static const std::vector<std::string> sets = {
      R"(assertions=[{"kind":"agents_in_sync_within","beats":2},{"kind":"no_claim_lost"},)"
      R"({"kind":"beats_within_budget","percentile":99}])"};
  return sets;
}

// The shipped scenario `name` (with `sets`) swept over seeds 1..last on two jobs.
inline sim::batch::ScenarioSweep sweep_of(const std::string& name,
                                          const std::vector<std::string>& sets,
                                          std::uint64_t last) {
  sim::scenario::Scenario sc = load_shipped(name, sets);
  sim::batch::SweepOptions options;
  options.last_seed = last;
  options.jobs = 2;
  return sim::batch::aggregate(sim::batch::sweep_target(sc, name, sets, 1, last),
                               sim::batch::run_seeds(sc, options).records);
}

}  // namespace backbeat::testing
