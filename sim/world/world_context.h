// WorldContext: the pieces of one run that the world's parts share (kernel, trace, randomness,
// NATS, pulse, agents). Owned by run_world(); parts hold a reference for the run's lifetime.
#pragma once

#include <memory>
#include <vector>

#include "core/clock.h"
#include "sim/kernel/kernel.h"
#include "sim/kernel/random.h"
#include "sim/kernel/trace.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

class SimNats;
class Topology;
class Pulse;
class SimAgent;
class Workload;
class Timeline;

struct WorldContext {
  const WorldConfig& config;
  Kernel& kernel;
  Clock& clock;  // the kernel's time as a Clock (KernelClock), for the harness parts
  TraceRecorder& trace;
  Seeds seeds;
  Topology& topology;
  SimNats& nats;
  Pulse* pulse = nullptr;
  Workload* workload = nullptr;
  Timeline* timeline = nullptr;  // null unless the run records a timeline (sim/world/timeline.h)
  std::vector<std::unique_ptr<SimAgent>> agents;
  std::vector<std::string> derived_options;

  // Agent indices a selector names; random fractions draw from `rng`.
  std::vector<int> resolve(const Selector& selector, RandomStream& rng) const;
};

}  // namespace backbeat::sim
