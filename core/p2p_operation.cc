#include "core/p2p_operation.h"

#include <algorithm>

namespace backbeat {

const char* operation_phase_name(OperationPhase phase) {
  switch (phase) {
    case OperationPhase::kStarted:
      return "started";
    case OperationPhase::kConnecting:
      return "connecting";
    case OperationPhase::kNegotiating:
      return "negotiating";
    case OperationPhase::kExecuting:
      return "executing";
    case OperationPhase::kCompleted:
      return "completed";
    case OperationPhase::kFailed:
      return "failed";
  }
  return "unknown";
}

std::optional<OperationPhase> parse_operation_phase(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(OperationPhase::kFailed); ++i) {
    auto phase = static_cast<OperationPhase>(i);
    if (name == operation_phase_name(phase)) return phase;
  }
  return std::nullopt;
}

std::int64_t P2POperation::beats_passed(std::int64_t current_beat) const {
  return std::max<std::int64_t>(0, current_beat - start_beat);
}

int P2POperation::beats_left(std::int64_t current_beat) const {
  std::int64_t left = static_cast<std::int64_t>(estimated_beats) - beats_passed(current_beat);
  return static_cast<int>(std::max<std::int64_t>(0, left));
}

double P2POperation::progress(std::int64_t current_beat) const {
  if (estimated_beats <= 0) return 1.0;
  double p = static_cast<double>(beats_passed(current_beat)) / estimated_beats;
  return std::min(1.0, p);
}

}  // namespace backbeat
