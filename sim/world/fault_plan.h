// The fault plan: every fault a run will inject, decided before the run starts. The scenario's
// faults come first, in file order, then (in swarm mode) the mix drawn from the seed; each with the
// agents it acts on resolved. The draws and the random target subsets come from one stream (the
// run's "faults" stream), in that order, so the plan is a pure function of the config and that
// stream: the fault injector schedules it, and `shrink` writes it out as explicit faults
// (sim/batch/materialise.h).
#pragma once

#include <vector>

#include "sim/kernel/random.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

struct PlannedFault {
  FaultSpec spec;
  bool drawn = false;        // drawn by the swarm, not written in the scenario
  std::vector<int> targets;  // agents it cuts off or acts on (see FaultInjector), ascending
};

// Draws and resolves the faults of a run of `config` from `rng` (the run's "faults" stream).
std::vector<PlannedFault> plan_faults(const WorldConfig& config, RandomStream& rng);

}  // namespace backbeat::sim
