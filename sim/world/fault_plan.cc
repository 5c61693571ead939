#include "sim/world/fault_plan.h"

#include <algorithm>

#include "sim/harness/agent_selection.h"
#include "sim/world/fault_kinds.h"
#include "sim/world/pulse.h"

namespace backbeat::sim {
namespace {

std::vector<FaultSpec> draw_swarm(const WorldConfig& config, RandomStream& rng) {
  const SwarmConfig& swarm = config.swarm;
  std::vector<FaultSpec::Kind> kinds = swarm.kinds;
  if (kinds.empty()) {
    for (const FaultKind& k : fault_kinds()) {
      if (k.in_swarm_mix) kinds.push_back(k.kind);
    }
  }
  // Drop kinds this cluster cannot host.
  std::erase_if(kinds, [&](FaultSpec::Kind k) {
    const FaultKind& kind = fault_kind(k);
    return config.pulse.nodes < kind.min_pulse_nodes ||
           config.cluster.nats_servers < kind.swarm_min_nats_servers;
  });
  std::vector<FaultSpec> out;
  if (kinds.empty()) return out;
  Duration run = config.duration;
  Duration beat = beat_duration(config.pulse.tempo_bpm);
  for (int i = 0; i < swarm.faults; ++i) {
    FaultSpec f;
    f.kind = kinds[rng.uniform_u64(kinds.size())];
    f.at = rng.uniform_duration(run / 10, run * 8 / 10);
    f.duration = rng.uniform_duration(beat / 2, beat * 4);
    f.targets.kind = Selector::Kind::kRandomFraction;
    f.targets.fraction = rng.uniform(0.05, 0.3);
    f.factor = rng.uniform(1.5, 4.0);
    f.latency = rng.uniform_duration(Duration{}, std::chrono::milliseconds(200));
    f.probability = rng.uniform(0.01, 0.3);
    f.delay = rng.uniform_duration(std::chrono::milliseconds(10), std::chrono::seconds(2));
    f.server =
        static_cast<int>(rng.uniform_u64(static_cast<std::uint64_t>(config.cluster.nats_servers)));
    f.gap = rng.uniform_duration(-std::chrono::seconds(2), std::chrono::seconds(20));
    f.ppm = rng.uniform(-200.0, 200.0);
    f.offset =
        rng.uniform_duration(-std::chrono::milliseconds(100), std::chrono::milliseconds(100));
    if (f.kind == FaultSpec::Kind::kPartition) {
      f.targets.fraction = rng.uniform(0.05, 0.3);
    }
    out.push_back(f);
  }
  return out;
}

std::vector<int> resolve_targets(const WorldConfig& config, const FaultSpec& f, RandomStream& rng) {
  const FaultKind& kind = fault_kind(f.kind);
  std::vector<int> out;
  auto add_agents_on = [&](int server) {
    Selector on_server;
    on_server.kind = Selector::Kind::kServer;
    on_server.server = server;
    std::vector<int> behind = select_agents(config, on_server, rng);
    out.insert(out.end(), behind.begin(), behind.end());
  };
  if (kind.aim == FaultKind::Aim::kServer) {
    add_agents_on(f.server);
  } else if (kind.targets_agents() && !cuts_off_targets_only(f)) {
    // A partition between servers: cut off are the agents on the side the pulse (server 0) is
    // not on.
    const bool pulse_inside = std::find(f.servers.begin(), f.servers.end(), 0) != f.servers.end();
    for (int s = 0; s < config.cluster.nats_servers; ++s) {
      const bool inside = std::find(f.servers.begin(), f.servers.end(), s) != f.servers.end();
      if (inside != pulse_inside) add_agents_on(s);
    }
    std::sort(out.begin(), out.end());
  } else if (kind.targets_agents()) {
    out = select_agents(config, f.targets, rng);
  }
  return out;
}

}  // namespace

std::vector<PlannedFault> plan_faults(const WorldConfig& config, RandomStream& rng) {
  std::vector<PlannedFault> plan;
  for (const FaultSpec& f : config.faults) plan.push_back({f, false, {}});
  if (config.swarm.enabled) {
    for (const FaultSpec& f : draw_swarm(config, rng)) plan.push_back({f, true, {}});
  }
  for (PlannedFault& p : plan) p.targets = resolve_targets(config, p.spec, rng);
  return plan;
}

}  // namespace backbeat::sim
