#include "core/integration.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/contracts/field_rules.h"

namespace backbeat {

Result<std::unique_ptr<Integration>> Integration::create(const BackbeatConfig& config,
                                                         std::string node_id, Logger& logger,
                                                         Clock& clock, Transport& transport,
                                                         BeatClientConfig client_tuning) {
  if (!config.enabled) return Status::failed_precondition("BACKBEAT integration is disabled");
  if (Status s = config.validate(); !s) return s;
  client_tuning.cluster_id = config.cluster_id;
  client_tuning.agent_id = config.agent_id;
  client_tuning.claim_state_words = config.claim_state_words;
  if (Status s = client_tuning.validate(); !s) return s;
  return std::unique_ptr<Integration>(
      new Integration(config, std::move(node_id), logger, clock, transport, client_tuning));
}

Integration::Integration(const BackbeatConfig& config, std::string node_id, Logger& logger,
                         Clock& clock, Transport& transport, BeatClientConfig client_config)
    : config_(config),
      node_id_(std::move(node_id)),
      logger_(logger),
      client_(std::make_unique<BeatClient>(std::move(client_config), clock, transport)),
      beat_budgets_(std::make_unique<BeatBudgets>(*client_)) {}

Status Integration::start() {
  if (started_) return Status::failed_precondition("BACKBEAT integration already started");
  if (!callbacks_registered_) {
    client_->on_beat([this](const BeatFrame& frame) { on_beat(frame); });
    client_->on_downbeat([this](const BeatFrame& frame) { on_downbeat(frame); });
    callbacks_registered_ = true;
  }
  if (Status s = client_->start(); !s) {
    return Status(s.code(), "failed to start BACKBEAT client: " + s.message());
  }
  started_ = true;
  logger_.info(fmt::format("🎵 CHORUS BACKBEAT integration started - cluster={} agent={}",
                           config_.cluster_id, config_.agent_id));
  return Status::ok();
}

Status Integration::stop() {
  if (!started_) return Status::failed_precondition("BACKBEAT integration not started");
  started_ = false;
  beat_budgets_->cancel_all(Status::failed_precondition("BACKBEAT integration stopped"));
  shed_waiting(admission_.shed_all(), client_->current_beat());
  if (Status s = client_->stop(); !s) {
    logger_.warn("BACKBEAT shutdown warning: " + s.message());
    return s;
  }
  logger_.info("🎵 CHORUS BACKBEAT integration stopped");
  return Status::ok();
}

Status Integration::check_new_operation(const std::string& operation_id,
                                        const std::string& operation_type,
                                        int estimated_beats) const {
  if (!started_) return Status::failed_precondition("BACKBEAT integration not started");
  if (Status s = check_operation_id(operation_id); !s) return s;
  if (operation_type.empty()) return Status::invalid_argument("operation type: empty");
  if (estimated_beats < 1) {
    return Status::invalid_argument(
        fmt::format("estimated beats: expected at least 1, got {}", estimated_beats));
  }
  if (operations_.contains(operation_id) || admission_.is_waiting(operation_id)) {
    return Status::invalid_argument(fmt::format("operation {} already active", operation_id));
  }
  return Status::ok();
}

Status Integration::start_p2p_operation(const std::string& operation_id,
                                        const std::string& operation_type, int estimated_beats,
                                        nlohmann::json data) {
  if (Status s = check_new_operation(operation_id, operation_type, estimated_beats); !s) return s;
  P2POperation operation;
  operation.id = operation_id;
  operation.type = operation_type;
  operation.start_beat = client_->current_beat();
  operation.estimated_beats = estimated_beats;
  operation.start_time = client_->clock().now();
  operation.data = std::move(data);
  auto [it, inserted] = operations_.emplace(operation_id, std::move(operation));
  budgets_.on_start(operation_id, operation_type, estimated_beats);
  return emit_operation_status(it->second);
}

Status Integration::update_p2p_operation_phase(const std::string& operation_id,
                                               OperationPhase phase, int peer_count) {
  auto it = operations_.find(operation_id);
  if (it == operations_.end()) {
    return Status::not_found(fmt::format("operation {} not found", operation_id));
  }
  it->second.phase = phase;
  it->second.peer_count = peer_count;
  Status s = emit_operation_status(it->second);
  admit_waiting();  // a completed or failed phase frees its slot
  return s;
}

Status Integration::complete_p2p_operation(const std::string& operation_id, int peer_count) {
  auto it = operations_.find(operation_id);
  if (it == operations_.end()) {
    return Status::not_found(fmt::format("operation {} not found", operation_id));
  }
  P2POperation operation = std::move(it->second);
  operations_.erase(it);
  operation.phase = OperationPhase::kCompleted;
  operation.peer_count = peer_count;
  budgets_.on_end(operation.id, operation.beats_passed(client_->current_beat()), true);
  Status published = emit_operation_status(operation);
  workflows_.on_end(operation.id, client_->current_beat(), true);
  admit_waiting();
  return published;
}

Status Integration::fail_p2p_operation(const std::string& operation_id, const std::string& reason) {
  auto it = operations_.find(operation_id);
  if (it == operations_.end()) {
    return Status::not_found(fmt::format("operation {} not found", operation_id));
  }
  P2POperation operation = std::move(it->second);
  operations_.erase(it);
  operation.phase = OperationPhase::kFailed;
  budgets_.on_end(operation.id, operation.beats_passed(client_->current_beat()), false);
  logger_.warn(fmt::format("P2P operation {} failed: {}", operation.id, reason));
  StatusClaim claim;
  claim.task_id = operation.id;
  claim.state = ClaimState::kFailed;
  claim.beats_left = 0;
  claim.progress = 0.0;
  claim.notes = fmt::format("P2P operation failed: {} (type: {})", reason, operation.type);
  annotate_workflow(operation.id, claim);
  Status published = client_->emit_status_claim(std::move(claim));
  workflows_.on_end(operation.id, client_->current_beat(), false);
  admit_waiting();
  return published;
}

Status Integration::emit_operation_status(const P2POperation& operation) {
  std::int64_t beat = client_->current_beat();
  StatusClaim claim;
  claim.task_id = operation.id;
  switch (operation.phase) {
    case OperationPhase::kCompleted:
      claim.state = ClaimState::kCompleted;
      claim.beats_left = 0;
      claim.progress = 1.0;
      break;
    case OperationPhase::kFailed:
      claim.state = ClaimState::kFailed;
      claim.beats_left = 0;
      claim.progress = 0.0;
      break;
    default:
      claim.state = ClaimState::kExecuting;
      claim.beats_left = operation.beats_left(beat);
      claim.progress = operation.progress(beat);
      break;
  }
  claim.notes =
      fmt::format("P2P {}: {} (peers: {}, node: {})", operation.type,
                  operation_phase_name(operation.phase), operation.peer_count, short_node_id());
  annotate_workflow(operation.id, claim);
  return client_->emit_status_claim(std::move(claim));
}

Status Integration::emit_health_status() {
  std::uint64_t errors_now = client_->error_total();
  bool new_errors = errors_now > errors_at_last_health_;
  errors_at_last_health_ = errors_now;
  StatusClaim claim;
  claim.task_id = std::string(kHealthTaskId);
  claim.beats_left = 0;
  claim.progress = 1.0;
  if (new_errors) {
    claim.state = ClaimState::kFailed;
  } else if (!operations_.empty()) {
    claim.state = ClaimState::kExecuting;
  } else {
    claim.state = ClaimState::kIdle;  // "waiting" in legacy words
  }
  claim.notes = fmt::format("CHORUS P2P {}: connected={}, operations={}, tempo={:g} BPM, node={}",
                            new_errors ? "unhealthy" : "healthy", client_->connected(),
                            operations_.size(), client_->current_tempo_bpm(), short_node_id());
  return client_->emit_status_claim(std::move(claim));
}

void Integration::on_beat(const BeatFrame& frame) {
  if (!started_) return;
  if (logger_.info_enabled()) {
    logger_.info(fmt::format("🥁 BACKBEAT beat received - beat={} phase={} tempo={:g} window={}",
                             frame.beat_index, beat_phase_name(frame.phase), frame.tempo_bpm,
                             frame.window_id));
  }
  workflows_.on_beat(frame.beat_index);
  for (const auto& [id, operation] : operations_) {
    // A failed publish is already counted and recorded by the client; keep reporting the rest.
    if (budgets_.take_warning(id, operation.beats_passed(frame.beat_index))) {
      (void)emit_budget_warning(operation);
    } else {
      (void)emit_operation_status(operation);
    }
  }
  on_beat_admission(frame.beat_index);
  if (frame.beat_index % kHealthClaimEveryBeats == 0) (void)emit_health_status();
}

void Integration::on_downbeat(const BeatFrame& frame) {
  if (!started_) return;
  if (logger_.info_enabled()) {
    logger_.info(fmt::format("🎼 BACKBEAT downbeat - new bar started - beat={} window={}",
                             frame.beat_index, frame.window_id));
  }
  std::erase_if(operations_, [](const auto& entry) {
    return entry.second.phase == OperationPhase::kCompleted ||
           entry.second.phase == OperationPhase::kFailed;
  });
  budgets_.forget_unless([this](const std::string& id) { return operations_.contains(id); });
  if (logger_.info_enabled()) {
    logger_.info(
        fmt::format("🧹 BACKBEAT operations cleanup check - active: {}", operations_.size()));
  }
}

IntegrationHealth Integration::get_health() const {
  IntegrationHealth health;
  health.enabled = config_.enabled;
  health.started = started_;
  health.connected = client_->connected();
  health.current_beat = client_->current_beat();
  health.current_tempo = client_->current_tempo_bpm();
  health.measured_bpm = client_->measured_bpm();
  health.tempo_drift = tempo_drift_name(client_->tempo_drift_class());
  health.reconnect_count = client_->reconnect_count();
  health.active_operations = operations_.size();
  health.local_degradation = client_->local_degradation();
  health.errors = client_->errors();
  health.node_id = node_id_;
  health.operation_history = budgets_.to_json();
  if (workflows_.open() > 0 || workflows_.completed() > 0) health.workflows = workflows_.to_json();
  if (admission_.settings().limited()) health.admission = admission_.to_json();
  return health;
}

Status Integration::execute_with_beat_budget(int beats, const std::function<Status()>& fn) {
  if (!started_) return fn();
  return client_->with_beat_budget(beats, fn);
}

Status check_operation_id(std::string_view operation_id) {
  if (is_agent_id(operation_id)) return Status::ok();
  std::string why = operation_id.empty() ? "it is empty" : "it is longer than 128 characters";
  const auto bad = std::find_if_not(operation_id.begin(), operation_id.end(),
                                    [](char c) { return is_agent_id(std::string_view(&c, 1)); });
  if (bad != operation_id.end()) {
    why = fmt::format("'{}' at position {} is outside it", *bad, bad - operation_id.begin());
  }
  return Status::invalid_argument(fmt::format(
      "operation id '{}': an operation id becomes the claim's task_id, which the contract limits "
      "to 1..128 characters of [A-Za-z0-9_:-] (docs/contracts.md); {}: map '/', '.' and spaces "
      "in keys (e.g. to ':') before starting the operation",
      operation_id.substr(0, 160), why));
}

void Integration::execute_with_beat_budget_async(int beats, BeatBudgets::Work fn,
                                                 BeatBudgets::OnResult on_result) {
  beat_budgets_->start(beats, std::move(fn), std::move(on_result), /*enforce=*/started_);
}

std::string Integration::short_node_id() const {
  if (node_id_.size() <= 8) return node_id_;
  return node_id_.substr(0, 8) + "...";
}

}  // namespace backbeat
