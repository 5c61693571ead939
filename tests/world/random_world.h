// Random but valid worlds for the tests that run many of them: cluster shapes, drift models,
// workloads and a swarm fault mix, all drawn from one seed (the same seed, the same world).
#pragma once

#include <cstdint>

#include "sim/world/world_config.h"

namespace backbeat::sim::testing {

// Two to six minutes of 1..15 agents on 1..3 servers, 1..2 pulse nodes, any drift model, a
// random workload and 0..7 swarm faults of the default mix. Golden fingerprints depend on it
// (tests/world/determinism_swarm_test.cc): change it on purpose only.
WorldConfig random_world(std::uint64_t seed);

}  // namespace backbeat::sim::testing
