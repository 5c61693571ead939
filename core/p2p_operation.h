// P2POperation: one CHORUS P2P operation tracked against a beat budget (the seed's type).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace backbeat {

// The seed's operation types; the integration accepts any type name, these are the known ones.
inline constexpr std::string_view kOperationTypes[] = {"election", "dht_store", "pubsub_sync",
                                                       "peer_discovery"};

// Seed lifecycle: started -> connecting -> negotiating -> executing -> completed, or failed
// from any stage.
enum class OperationPhase { kStarted, kConnecting, kNegotiating, kExecuting, kCompleted, kFailed };

const char* operation_phase_name(OperationPhase phase);  // "started", "connecting", ...
std::optional<OperationPhase> parse_operation_phase(std::string_view name);

struct P2POperation {
  std::string id;
  std::string type;
  std::int64_t start_beat = 0;
  int estimated_beats = 1;
  OperationPhase phase = OperationPhase::kStarted;
  int peer_count = 0;
  Time start_time{};
  nlohmann::json data;  // operation-specific, may be null

  // Seed rules: beats passed = current - start; beats left = estimated - passed (min 0);
  // progress = passed / estimated (max 1).
  std::int64_t beats_passed(std::int64_t current_beat) const;
  int beats_left(std::int64_t current_beat) const;
  double progress(std::int64_t current_beat) const;
};

}  // namespace backbeat
