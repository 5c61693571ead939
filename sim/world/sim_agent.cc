#include "sim/world/sim_agent.h"

#include <fmt/format.h>

#include "sim/kernel/hash.h"

namespace backbeat::sim {

SimAgent::SimAgent(WorldContext& world, int index, const AgentGroup& group, int server)
    : world_(world),
      index_(index),
      group_(group),
      server_(server),
      slow_factor_(group.slow_factor),
      kind_sync_(world.trace.kind("agent.sync")) {
  // libp2p-looking node ids, so notes read like the seed's ("12D3KooW...").
  node_id_ = fmt::format("12D3KooW{:016x}", mix64(world.seeds.derive("node-id", index)));
  outcome_.index = index;
  outcome_.agent_id = fmt::format("chorus:agent-{}", index);
  outcome_.group = group.name;
  NodeClockOptions clock;
  clock.offset = group.clock_offset;
  clock.skew_ppb = ppm_to_ppb(group.clock_skew_ppm);
  clock_ = std::make_unique<NodeClock>(world.kernel, clock);
}

SimAgent::~SimAgent() = default;

void SimAgent::boot() {
  connection_ = &world_.nats.connect(node(), server_, group_.link_latency, group_.link_jitter);
  BackbeatConfig config;
  config.cluster_id = world_.config.cluster.cluster_id;
  config.agent_id = outcome_.agent_id;
  config.nats_url = "nats://sim:4222";
  config.claim_state_words = group_.claim_state_words;
  auto created = Integration::create(config, node_id_, logger_, *clock_, *connection_);
  if (!created) return;  // the loader validated ids; nothing else can fail here
  integration_ = std::move(created).value();
  BeatClient& client = integration_->beat_client();
  client.on_beat([this](const BeatFrame& f) { on_beat(f); });
  client.on_sync_change([this](bool degraded) { on_sync_change(degraded); });
  connection_->add_connection_listener([this](ConnectionEvent e) { on_connection(e); });
  (void)integration_->start();
}

void SimAgent::crash() {
  if (!integration_) return;
  ++outcome_.crashes;
  fold_counters();
  Time now = world_.kernel.now();
  if (degraded_since_) outcome_.degradation_windows.push_back({*degraded_since_, now});
  if (disconnected_since_) outcome_.disconnect_windows.push_back({*disconnected_since_, now});
  degraded_since_.reset();
  disconnected_since_.reset();
  integration_.reset();
  world_.nats.drop_connection(*connection_);
  connection_ = nullptr;
  world_.trace.record(now, node(), kind_sync_, fnv1a64("crash"));
}

void SimAgent::fold_counters() {
  if (integration_) add_client_counters(integration_->beat_client(), outcome_);
}

void SimAgent::await_resync() {
  awaiting_resync_since_ = world_.kernel.now();
}

void SimAgent::on_beat(const BeatFrame& frame) {
  bool synthetic = frame.metadata && frame.metadata->contains("synthetic");
  if (synthetic || !awaiting_resync_since_ || !integration_) return;
  if (integration_->beat_client().local_degradation()) return;
  Duration took = world_.kernel.now() - *awaiting_resync_since_;
  if (!outcome_.longest_resync || took > *outcome_.longest_resync) outcome_.longest_resync = took;
  awaiting_resync_since_.reset();
}

void SimAgent::on_sync_change(bool degraded) {
  Time now = world_.kernel.now();
  world_.trace.record(now, node(), kind_sync_, fnv1a64(degraded ? "degraded" : "resynced"));
  if (degraded) {
    degraded_since_ = now;
  } else if (degraded_since_) {
    outcome_.degradation_windows.push_back({*degraded_since_, now});
    degraded_since_.reset();
  }
}

void SimAgent::on_connection(ConnectionEvent event) {
  Time now = world_.kernel.now();
  if (event == ConnectionEvent::kDisconnected) {
    disconnected_since_ = now;
    return;
  }
  if (disconnected_since_) {
    outcome_.disconnect_windows.push_back({*disconnected_since_, now});
    disconnected_since_.reset();
  }
  if (event == ConnectionEvent::kReconnected) await_resync();
}

AgentOutcome SimAgent::finish(std::int64_t pulse_beat) {
  Time now = world_.kernel.now();
  if (degraded_since_) outcome_.degradation_windows.push_back({*degraded_since_, now});
  if (disconnected_since_) outcome_.disconnect_windows.push_back({*disconnected_since_, now});
  degraded_since_.reset();
  disconnected_since_.reset();
  outcome_.in_sync_at_end = false;
  if (integration_) {
    const BeatClient& client = integration_->beat_client();
    // One beat of slack: the last frame may still be on the wire when the run ends.
    outcome_.in_sync_at_end =
        !client.local_degradation() && client.current_beat() >= pulse_beat - 1;
    fold_counters();
    integration_.reset();
  }
  if (awaiting_resync_since_) {
    // Never resynced before the end: report the whole wait.
    Duration took = now - *awaiting_resync_since_;
    if (!outcome_.longest_resync || took > *outcome_.longest_resync) outcome_.longest_resync = took;
  }
  return outcome_;
}

}  // namespace backbeat::sim
