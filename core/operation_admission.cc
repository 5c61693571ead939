#include "core/operation_admission.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace backbeat {
namespace {

constexpr std::array<const char*, kOperationPriorityLevels> kPriorityNames = {"low", "normal",
                                                                              "high"};

std::size_t level(OperationPriority priority) {
  return static_cast<std::size_t>(priority);
}

// Admission order: higher priority first, then earlier arrival.
bool admitted_before(const WaitingOperation& a, const WaitingOperation& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.sequence < b.sequence;
}

}  // namespace

const char* operation_priority_name(OperationPriority priority) {
  return kPriorityNames[level(priority)];
}

std::vector<std::string> operation_priority_names() {
  return {kPriorityNames.begin(), kPriorityNames.end()};
}

std::optional<OperationPriority> parse_operation_priority(std::string_view name) {
  for (std::size_t i = 0; i < kPriorityNames.size(); ++i) {
    if (name == kPriorityNames[i]) return static_cast<OperationPriority>(i);
  }
  return std::nullopt;
}

OperationPriority default_operation_priority(std::string_view type) {
  if (type == "election") return OperationPriority::kHigh;
  if (type == "peer_discovery") return OperationPriority::kLow;
  return OperationPriority::kNormal;
}

Status AdmissionSettings::validate() const {
  auto check = [](std::string_view what, int value, int max) {
    if (value >= 0 && value <= max) return Status::ok();
    return Status::invalid_argument(
        fmt::format("admission {}: expected 0..{}, got {}", what, max, value));
  };
  if (Status s = check("max_concurrent", max_concurrent, 10000); !s) return s;
  if (Status s = check("max_queue", max_queue, 10000); !s) return s;
  return check("max_wait_beats", max_wait_beats, 1000);
}

const char* shed_reason_name(ShedReason reason) {
  switch (reason) {
    case ShedReason::kQueueFull:
      return "queue_full";
    case ShedReason::kDisplaced:
      return "displaced";
    case ShedReason::kWaitedTooLong:
      return "max_wait";
    case ShedReason::kStopped:
      return "stopped";
  }
  return "unknown";
}

OperationAdmission::OperationAdmission(AdmissionSettings settings)
    : settings_(std::move(settings)) {}

Status OperationAdmission::set_settings(AdmissionSettings settings) {
  if (Status s = settings.validate(); !s) return s;
  settings_ = std::move(settings);
  return Status::ok();
}

OperationAdmission::Offer OperationAdmission::offer(WaitingOperation operation,
                                                    std::size_t running) {
  operation.sequence = next_sequence_++;
  AdmissionTally& tally = tallies_[level(operation.priority)];
  // Nothing waits ahead of it (or there is no limit) and a slot is free: it starts now.
  if (!settings_.limited() ||
      (waiting_.empty() && running < static_cast<std::size_t>(settings_.max_concurrent))) {
    ++tally.admitted_at_once;
    return {Verdict::kAdmit, std::nullopt};
  }
  Offer out{Verdict::kQueue, std::nullopt};
  if (waiting_.size() >= static_cast<std::size_t>(settings_.max_queue)) {
    // The last waiting operation is the lowest priority, latest arrival: the newcomer takes its
    // place only with a strictly higher priority.
    if (waiting_.empty() || operation.priority <= waiting_.back().priority) {
      shed(operation);
      return {Verdict::kShed, std::nullopt};
    }
    out.displaced = ShedOperation{std::move(waiting_.back()), ShedReason::kDisplaced};
    waiting_.pop_back();
    shed(out.displaced->operation);
  }
  auto at = std::upper_bound(waiting_.begin(), waiting_.end(), operation, admitted_before);
  waiting_.insert(at, std::move(operation));
  return out;
}

std::optional<WaitingOperation> OperationAdmission::admit_next(std::size_t running,
                                                               std::int64_t beat) {
  if (waiting_.empty()) return std::nullopt;
  if (settings_.limited() && running >= static_cast<std::size_t>(settings_.max_concurrent)) {
    return std::nullopt;
  }
  WaitingOperation next = std::move(waiting_.front());
  waiting_.erase(waiting_.begin());
  AdmissionTally& tally = tallies_[level(next.priority)];
  const std::int64_t waited = std::max<std::int64_t>(0, beat - next.arrival_beat);
  ++tally.admitted_after_wait;
  tally.waited_beats_total += waited;
  tally.waited_beats_max = std::max(tally.waited_beats_max, waited);
  return next;
}

std::vector<ShedOperation> OperationAdmission::shed_overdue(std::int64_t beat) {
  std::vector<ShedOperation> out;
  if (settings_.max_wait_beats == 0) return out;
  std::erase_if(waiting_, [&](WaitingOperation& w) {
    if (beat - w.arrival_beat <= settings_.max_wait_beats) return false;
    shed(w);
    out.push_back({std::move(w), ShedReason::kWaitedTooLong});
    return true;
  });
  return out;
}

std::vector<ShedOperation> OperationAdmission::shed_all() {
  std::vector<ShedOperation> out;
  for (WaitingOperation& w : waiting_) {
    shed(w);
    out.push_back({std::move(w), ShedReason::kStopped});
  }
  waiting_.clear();
  return out;
}

void OperationAdmission::shed(const WaitingOperation& operation) {
  ++tallies_[level(operation.priority)].shed;
}

bool OperationAdmission::is_waiting(const std::string& id) const {
  return std::any_of(waiting_.begin(), waiting_.end(),
                     [&](const WaitingOperation& w) { return w.id == id; });
}

const AdmissionTally& OperationAdmission::tally(OperationPriority priority) const {
  return tallies_[level(priority)];
}

nlohmann::ordered_json OperationAdmission::to_json() const {
  nlohmann::ordered_json by_priority = nlohmann::ordered_json::object();
  for (std::size_t i = kOperationPriorityLevels; i-- > 0;) {
    const AdmissionTally& t = tallies_[i];
    if (t.admitted_at_once + t.admitted_after_wait + t.shed == 0) continue;
    by_priority[kPriorityNames[i]] = {
        {"admitted_at_once", t.admitted_at_once},
        {"admitted_after_wait", t.admitted_after_wait},
        {"shed", t.shed},
        {"waited_beats_mean", t.admitted_after_wait == 0
                                  ? 0.0
                                  : static_cast<double>(t.waited_beats_total) /
                                        static_cast<double>(t.admitted_after_wait)},
        {"waited_beats_max", t.waited_beats_max},
    };
  }
  return {{"max_concurrent", settings_.max_concurrent},
          {"max_queue", settings_.max_queue},
          {"max_wait_beats", settings_.max_wait_beats},
          {"waiting", waiting_.size()},
          {"by_priority", std::move(by_priority)}};
}

}  // namespace backbeat
