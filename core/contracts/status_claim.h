// INT-B StatusClaim v1 (agent -> reverb): the type, its strict decoder and its encoder.
// Field rules: docs/contracts.md, "INT-B StatusClaim".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace backbeat {

inline constexpr std::string_view kStatusClaimType = "backbeat.statusclaim.v1";

enum class ClaimState {
  kIdle,
  kPlanning,
  kExecuting,
  kReviewing,
  kCompleted,
  kFailed,
  kBlocked,
  kHelping,
};

// Which words a claim's state is written with (docs/contracts.md, "Decision (states)").
// kContract: the contract enum. kLegacy: the seed document's words, where kCompleted is written
// "done" and kIdle "waiting" (not contract-valid; the harness reports such claims).
enum class ClaimStateWords { kContract, kLegacy };

const char* claim_state_name(ClaimState state, ClaimStateWords words = ClaimStateWords::kContract);

struct StatusClaim {
  std::string agent_id;
  std::string task_id;  // empty = absent
  std::int64_t beat_index = 0;
  ClaimState state = ClaimState::kIdle;
  int beats_left = 0;
  double progress = 0.0;
  std::string notes;  // empty = absent
  std::string hlc;
  std::optional<nlohmann::json> resources;  // an object when present
  std::optional<std::vector<std::string>> dependencies;
  std::optional<nlohmann::json> metadata;  // an object when present

  friend bool operator==(const StatusClaim&, const StatusClaim&) = default;
};

// Parses and validates one claim; absent beats_left/progress/notes/task_id read as zero/empty.
// Errors as for decode_beat_frame: kInvalidArgument, message starting with "<field>: ", checks
// in the same order (type, contract order, unknown fields). Only contract state words decode:
// the legacy "done" and "waiting" fail naming `state`.
Result<StatusClaim> decode_status_claim(std::string_view json_text);
Result<StatusClaim> status_claim_from_json(const nlohmann::json& json);

Status validate_status_claim(const StatusClaim& claim);

// Encodes a claim, first applying the contract's limits (docs/contracts.md, "Decision (limits)"):
// notes cut to 256 characters at a UTF-8 boundary, beats_left clamped to 0..1000, progress to
// 0..1 (NaN reads as 0). beats_left and progress are always written; empty task_id and notes
// are omitted. Bytes of notes that are not UTF-8 are written as U+FFFD.
std::string encode_status_claim(const StatusClaim& claim,
                                ClaimStateWords words = ClaimStateWords::kContract);
nlohmann::json status_claim_to_json(const StatusClaim& claim,
                                    ClaimStateWords words = ClaimStateWords::kContract);

// Cuts `text` to at most `max_chars` Unicode characters without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view text, std::size_t max_chars);

}  // namespace backbeat
