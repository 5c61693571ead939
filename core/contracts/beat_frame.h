// INT-A BeatFrame v1 (pulse -> everyone): the type, its strict decoder and its encoder.
// Field rules: docs/contracts.md, "INT-A BeatFrame".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace backbeat {

inline constexpr std::string_view kBeatFrameType = "backbeat.beatframe.v1";

enum class BeatPhase { kPlan = 0, kExecute = 1, kReview = 2 };

const char* beat_phase_name(BeatPhase phase);  // "plan", "execute", "review"

struct BeatFrame {
  std::string cluster_id;
  std::int64_t beat_index = 0;
  bool downbeat = false;
  BeatPhase phase = BeatPhase::kPlan;
  std::string hlc;  // "HHHH:HHHH:HHHH"
  Time deadline_at{};
  double tempo_bpm = 2.0;
  std::string window_id;                   // 32 hex characters
  std::optional<nlohmann::json> metadata;  // an object when present

  friend bool operator==(const BeatFrame&, const BeatFrame&) = default;
};

// Parses and validates one frame. On failure the Status is kInvalidArgument and its message
// starts with the offending field name followed by ": " (for example "tempo_bpm: ...");
// "(json)" is used when the text is not a JSON object at all. Checks run in a fixed order, so
// one input always gets one message: type, then the fields in contract order, then unknown
// fields (the first in key order). Never throws, whatever the input.
Result<BeatFrame> decode_beat_frame(std::string_view json_text);

// Same rules on an already-parsed JSON value.
Result<BeatFrame> beat_frame_from_json(const nlohmann::json& json);

// OK when every field of `frame` satisfies the contract (the encoder's precondition).
Status validate_beat_frame(const BeatFrame& frame);

// Compact JSON for a frame. A frame that passes validate_beat_frame encodes to contract-valid
// JSON that decodes back to an equal frame (deadline_at is written in UTC).
std::string encode_beat_frame(const BeatFrame& frame);
nlohmann::json beat_frame_to_json(const BeatFrame& frame);

}  // namespace backbeat
