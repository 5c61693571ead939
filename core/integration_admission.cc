// Integration's admission of operations under a concurrency limit (core/operation_admission.h),
// kept out of integration.cc so the seed's port reads as the seed. Claims (contract-valid,
// README "Claims of operations waiting or shed"):
// - waiting: state `blocked`, beats_left = its estimated beats (none used yet), progress 0,
//   notes "P2P <type>: waiting for admission (priority: <p>, position <i> of <n>, ...)",
//   metadata.admission = {"priority", "position", "waiting", "waited_beats", "max_concurrent"};
// - shed: state `failed`, beats_left 0, progress 0, notes "shed: <why> (type: <t>, priority: <p>,
//   waited <w> beats)", metadata.admission = {"priority", "shed": <reason name>, "waited_beats"}.
#include <fmt/format.h>

#include "core/integration.h"

namespace backbeat {
namespace {

std::string shed_text(ShedReason reason, const AdmissionSettings& settings) {
  switch (reason) {
    case ShedReason::kQueueFull:
      return fmt::format("admission queue full ({} waiting, none of lower priority)",
                         settings.max_queue);
    case ShedReason::kDisplaced:
      return "displaced from the full admission queue by a higher-priority operation";
    case ShedReason::kWaitedTooLong:
      return fmt::format("waited more than {} beats for admission", settings.max_wait_beats);
    case ShedReason::kStopped:
      return "BACKBEAT integration stopped";
  }
  return "unknown";
}

}  // namespace

Status Integration::set_admission(AdmissionSettings settings) {
  Status s = admission_.set_settings(std::move(settings));
  if (s) admit_waiting();
  return s;
}

std::size_t Integration::running_operations() const {
  std::size_t running = 0;
  for (const auto& [id, operation] : operations_) {
    if (operation.phase != OperationPhase::kCompleted && operation.phase != OperationPhase::kFailed)
      ++running;
  }
  return running;
}

Result<OperationAdmission::Verdict> Integration::request_p2p_operation(
    const std::string& operation_id, const std::string& operation_type, int estimated_beats,
    OperationPriority priority, std::function<void(const AdmissionNotice&)> on_later,
    nlohmann::json data) {
  using Verdict = OperationAdmission::Verdict;
  if (Status s = check_new_operation(operation_id, operation_type, estimated_beats); !s) return s;
  const std::int64_t beat = client_->current_beat();
  WaitingOperation request{.id = operation_id,
                           .type = operation_type,
                           .estimated_beats = estimated_beats,
                           .priority = priority,
                           .data = data,
                           .arrival_beat = beat};
  OperationAdmission::Offer offer = admission_.offer(request, running_operations());
  if (offer.displaced) shed_waiting({std::move(*offer.displaced)}, beat);
  switch (offer.verdict) {
    case Verdict::kAdmit:
      // A publish error still registers the operation (the seed's rule); report it admitted.
      (void)start_p2p_operation(operation_id, operation_type, estimated_beats, std::move(data));
      return Verdict::kAdmit;
    case Verdict::kShed:
      shed_waiting({ShedOperation{std::move(request), ShedReason::kQueueFull}}, beat);
      return Verdict::kShed;
    case Verdict::kQueue:
      break;
  }
  admission_listeners_[operation_id] = std::move(on_later);
  admit_waiting();  // a slot may be free behind operations that waited ahead of it
  if (admission_.is_waiting(operation_id)) {
    const auto& waiting = admission_.waiting();
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (waiting[i].id == operation_id) {
        (void)emit_waiting_status(waiting[i], i + 1, beat, running_operations());
      }
    }
  }
  return Verdict::kQueue;
}

void Integration::admit_waiting() {
  // Every completion comes here: without a waiting operation, skip the scan of running ones.
  if (admission_.waiting().empty()) return;
  const std::int64_t beat = client_->current_beat();
  while (auto next = admission_.admit_next(running_operations(), beat)) {
    (void)start_p2p_operation(next->id, next->type, next->estimated_beats, std::move(next->data));
    auto listener = admission_listeners_.extract(next->id);
    if (listener.empty() || !listener.mapped()) continue;
    notify_later(std::move(listener.mapped()),
                 AdmissionNotice{.id = next->id,
                                 .admitted = operations_.contains(next->id),
                                 .waited_beats = beat - next->arrival_beat});
  }
}

void Integration::notify_later(std::function<void(const AdmissionNotice&)> on,
                               AdmissionNotice notice) {
  const std::uint64_t key = ++notices_scheduled_;
  pending_notices_[key] = client_->clock().schedule_at(
      client_->clock().now(), [this, key, on = std::move(on), notice = std::move(notice)] {
        pending_notices_.erase(key);
        on(notice);
      });
}

Integration::~Integration() {
  for (const auto& [key, timer] : pending_notices_) client_->clock().cancel(timer);
}

void Integration::shed_waiting(std::vector<ShedOperation> shed, std::int64_t beat) {
  for (ShedOperation& s : shed) {
    const WaitingOperation& w = s.operation;
    const std::int64_t waited = beat - w.arrival_beat;
    const char* priority = operation_priority_name(w.priority);
    StatusClaim claim;
    claim.task_id = w.id;
    claim.state = ClaimState::kFailed;
    claim.beats_left = 0;
    claim.progress = 0.0;
    claim.notes = fmt::format("shed: {} (type: {}, priority: {}, waited {} beats)",
                              shed_text(s.reason, admission_.settings()), w.type, priority, waited);
    claim.metadata = nlohmann::json{
        {"admission",
         {{"priority", priority}, {"shed", shed_reason_name(s.reason)}, {"waited_beats", waited}}}};
    logger_.warn(fmt::format("P2P operation {} shed: {}", w.id, claim.notes));
    (void)client_->emit_status_claim(std::move(claim));
    auto listener = admission_listeners_.extract(w.id);
    if (listener.empty() || !listener.mapped()) continue;
    notify_later(
        std::move(listener.mapped()),
        AdmissionNotice{.id = w.id, .admitted = false, .waited_beats = waited, .reason = s.reason});
  }
}

void Integration::on_beat_admission(std::int64_t beat) {
  if (admission_.waiting().empty()) return;
  shed_waiting(admission_.shed_overdue(beat), beat);
  const auto& waiting = admission_.waiting();
  const std::size_t running = running_operations();
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    (void)emit_waiting_status(waiting[i], i + 1, beat, running);
  }
}

Status Integration::emit_waiting_status(const WaitingOperation& operation, std::size_t position,
                                        std::int64_t beat, std::size_t running) {
  const char* priority = operation_priority_name(operation.priority);
  const std::int64_t waited = beat - operation.arrival_beat;
  StatusClaim claim;
  claim.task_id = operation.id;
  claim.state = ClaimState::kBlocked;
  claim.beats_left = operation.estimated_beats;
  claim.progress = 0.0;
  claim.notes = fmt::format(
      "P2P {}: waiting for admission (priority: {}, position {} of {}, running: {}/{}, node: {})",
      operation.type, priority, position, admission_.waiting().size(), running,
      admission_.settings().max_concurrent, short_node_id());
  claim.metadata = nlohmann::json{{"admission",
                                   {{"priority", priority},
                                    {"position", position},
                                    {"waiting", admission_.waiting().size()},
                                    {"waited_beats", waited},
                                    {"max_concurrent", admission_.settings().max_concurrent}}}};
  return client_->emit_status_claim(std::move(claim));
}

}  // namespace backbeat
