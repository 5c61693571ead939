// Shared by the batch tests: shipped scenarios loaded with overrides, and a swarm whose tightened
// assertions fail in several different ways over seeds 1..12 (claims lost, p99 over budget per
// type, both), so grouping has something to group.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

}  // namespace backbeat::testing
