#include "sim/harness/agent_host.h"

namespace backbeat::sim {

AgentHost::AgentHost(Clock& run_clock, int index, std::string agent_id, const AgentGroup& group)
    : run_clock_(run_clock), group_(group) {
  outcome_.index = index;
  outcome_.agent_id = std::move(agent_id);
  outcome_.group = group.name;
  outcome_.backbeat_enabled = group.backbeat_enabled;
  logger_.prefix = "[" + outcome_.agent_id + "] ";
}

AgentHost::~AgentHost() {
  if (transport_ != nullptr) transport_->remove_connection_listener(listener_);
}

Status AgentHost::boot(const std::string& cluster_id, const std::string& node_id, Clock& clock,
                       Transport& transport) {
  BackbeatConfig config;
  config.enabled = group_.backbeat_enabled;
  config.cluster_id = group_.cluster_id.empty() ? cluster_id : group_.cluster_id;
  config.agent_id = outcome_.agent_id;
  config.nats_url = "nats://harness";
  config.claim_state_words = group_.claim_state_words;
  // The seed's host skips a disabled integration: the agent runs without the core.
  if (!config.enabled) return Status::ok();
  auto created = Integration::create(config, node_id, logger_, clock, transport);
  if (!created) return created.status();
  integration_ = std::move(created).value();
  BeatClient& client = integration_->beat_client();
  client.on_beat([this](const BeatFrame& f) { on_beat(f); });
  client.on_sync_change([this](bool degraded) { on_sync_change(degraded); });
  listener_ = transport.add_connection_listener([this](ConnectionEvent e) { on_connection(e); });
  transport_ = &transport;
  return integration_->start();
}

void AgentHost::release_core() {
  if (transport_ != nullptr) transport_->remove_connection_listener(listener_);
  transport_ = nullptr;
  integration_.reset();
}

void AgentHost::crash() {
  if (!integration_) return;
  ++outcome_.crashes;
  add_client_counters(integration_->beat_client(), outcome_);
  close_windows();
  release_core();
}

void AgentHost::judge_sync(std::int64_t pulse_beat) {
  judged_ = true;
  if (!group_.backbeat_enabled) return;  // no core: nothing to judge (in_sync_at_end stays)
  if (!integration_) {
    outcome_.in_sync_at_end = false;
    return;
  }
  const BeatClient& client = integration_->beat_client();
  // One beat of slack: the last frame may still be on the wire when the run ends.
  outcome_.in_sync_at_end =
      pulse_beat < 0 || (!client.local_degradation() && client.current_beat() >= pulse_beat - 1);
}

void AgentHost::stop(std::int64_t pulse_beat) {
  if (!integration_) return;
  judge_sync(pulse_beat);
  (void)integration_->stop();
  if (transport_ != nullptr) transport_->remove_connection_listener(listener_);
  transport_ = nullptr;
}

AgentOutcome AgentHost::finish(std::int64_t pulse_beat) {
  close_windows();
  if (!judged_) judge_sync(pulse_beat);
  if (integration_) {
    add_client_counters(integration_->beat_client(), outcome_);
    release_core();
  }
  if (awaiting_resync_since_) {
    // Never resynced before the end: report the whole wait.
    const Duration took = run_clock_.now() - *awaiting_resync_since_;
    if (!outcome_.longest_resync || took > *outcome_.longest_resync) outcome_.longest_resync = took;
    awaiting_resync_since_.reset();
  }
  return outcome_;
}

void AgentHost::close_windows() {
  const Time now = run_clock_.now();
  if (degraded_since_) outcome_.degradation_windows.push_back({*degraded_since_, now});
  if (disconnected_since_) outcome_.disconnect_windows.push_back({*disconnected_since_, now});
  degraded_since_.reset();
  disconnected_since_.reset();
}

void AgentHost::await_resync() {
  // From the moment the agent could hear the pulse again (scenarios/README.md,
  // "Resynchronisation"): a later call means it could not hear in between.
  awaiting_resync_since_ = run_clock_.now();
}

void AgentHost::on_beat(const BeatFrame& frame) {
  const bool synthetic = frame.metadata && frame.metadata->contains("synthetic");
  if (synthetic || !awaiting_resync_since_ || !integration_) return;
  if (integration_->beat_client().local_degradation()) return;
  const Duration took = run_clock_.now() - *awaiting_resync_since_;
  if (!outcome_.longest_resync || took > *outcome_.longest_resync) outcome_.longest_resync = took;
  awaiting_resync_since_.reset();
  if (resync_listener_) resync_listener_(took);
}

void AgentHost::on_sync_change(bool degraded) {
  const Time now = run_clock_.now();
  if (degraded) {
    degraded_since_ = now;
  } else if (degraded_since_) {
    outcome_.degradation_windows.push_back({*degraded_since_, now});
    degraded_since_.reset();
  }
  if (sync_listener_) sync_listener_(degraded);
}

void AgentHost::on_connection(ConnectionEvent event) {
  const Time now = run_clock_.now();
  if (event == ConnectionEvent::kDisconnected) {
    if (!disconnected_since_) disconnected_since_ = now;
    return;
  }
  if (disconnected_since_) {
    outcome_.disconnect_windows.push_back({*disconnected_since_, now});
    disconnected_since_.reset();
  }
  if (event == ConnectionEvent::kReconnected) await_resync();
}

}  // namespace backbeat::sim
