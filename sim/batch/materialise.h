// Materialise: a scenario and a seed written out as a scenario whose every seed-derived choice is
// explicit, so that it can be edited piece by piece (`shrink`) and still mean the same run.
//
// Made explicit: the swarm's drawn faults (kind, time, duration, every parameter the kind reads),
// every fault's random target subset ("random:P%" becomes the agents it drew, "agents:1,7,12"),
// each workload entry's random agent subset, and the seed. The materialised document loads with
// the ordinary loader and, run with the same seed, gives the original run's fingerprint: the
// streams it no longer draws from ("faults", "workload-selectors") feed nothing else, and every
// other stream is named by the seed alone (sim/kernel/random.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"
#include "sim/world/fault_plan.h"

namespace backbeat::sim::batch {

// The document of `sc` (after overrides) with the choices of a run with `seed` made explicit, and
// "seed" set to `seed`. `sc` must have loaded (it is valid).
nlohmann::json materialise(const scenario::Scenario& sc, std::uint64_t seed);

// One planned fault as a scenario file writes it: kind, at, duration (clipped to the run's end, as
// the injector clips it) and the parameters its kind reads; random targets as the agents drawn.
nlohmann::json fault_json(const PlannedFault& fault, Duration run);

}  // namespace backbeat::sim::batch
