#include "sim/world/sim_agent.h"

#include <fmt/format.h>

#include "sim/kernel/hash.h"
#include "sim/world/timeline.h"

namespace backbeat::sim {

SimAgent::SimAgent(WorldContext& world, int index, const AgentGroup& group, int server)
    : world_(world),
      index_(index),
      group_(group),
      server_(server),
      slow_factor_(group.slow_factor),
      host_(world.clock, index, fmt::format("{}{}", group.agent_id_prefix, index), group),
      kind_sync_(world.trace.kind("agent.sync")) {
  // libp2p-looking node ids, so notes read like the seed's ("12D3KooW...").
  node_id_ = fmt::format("12D3KooW{:016x}", mix64(world.seeds.derive("node-id", index)));
  NodeClockOptions clock;
  clock.offset = group.clock_offset;
  clock.skew_ppb = ppm_to_ppb(group.clock_skew_ppm);
  clock_ = std::make_unique<NodeClock>(world.kernel, clock);
  host_.set_sync_listener([this](bool degraded) {
    world_.trace.record(world_.kernel.now(), node(), kind_sync_,
                        fnv1a64(degraded ? "degraded" : "resynced"));
    if (world_.timeline != nullptr) {
      world_.timeline->on_node(
          node(), degraded ? TimelineEvent::kDegradationEntered : TimelineEvent::kDegradationLeft);
    }
  });
  host_.set_resync_listener([this](Duration took) {
    if (world_.timeline != nullptr) {
      world_.timeline->on_node(node(), TimelineEvent::kResync, {}, 0,
                               fmt::format("back on the beat after {:.3f} s", to_seconds(took)));
    }
  });
}

SimAgent::~SimAgent() = default;

void SimAgent::boot() {
  if (!group_.backbeat_enabled) return;  // no core, so no BACKBEAT connection either
  connection_ = &world_.nats.connect(node(), server_, group_.link_latency, group_.link_jitter);
  // The loader validated ids; nothing else can fail here.
  (void)host_.boot(world_.config.cluster.cluster_id, node_id_, *clock_, *connection_);
  // The scenario's budgets (validated by the loader) for the new core; a restart starts with no
  // history, as a restarted process would.
  (void)host_.integration()->set_budget_policy(world_.config.budget_policy());
  (void)host_.integration()->set_admission(world_.config.admission);
}

void SimAgent::crash() {
  if (host_.integration() == nullptr) return;
  host_.crash();
  world_.nats.drop_connection(*connection_);
  connection_ = nullptr;
  world_.trace.record(world_.kernel.now(), node(), kind_sync_, fnv1a64("crash"));
  if (world_.timeline != nullptr) world_.timeline->on_node(node(), TimelineEvent::kAgentCrashed);
}

}  // namespace backbeat::sim
