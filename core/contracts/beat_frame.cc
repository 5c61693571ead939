#include "core/contracts/beat_frame.h"

#include <cmath>
#include <limits>

#include "core/contracts/decode_paths.h"
#include "core/contracts/field_rules.h"
#include "core/contracts/hlc.h"
#include "core/contracts/json_fields.h"
#include "core/contracts/json_scan.h"
#include "core/contracts/json_writer.h"
#include "core/contracts/rfc3339.h"

namespace backbeat {

namespace {

constexpr std::int64_t kMaxBeatIndex = std::numeric_limits<std::int64_t>::max();
constexpr std::string_view kPhaseRule = "one of \"plan\", \"execute\", \"review\"";
constexpr std::string_view kDeadlineRule = "an RFC 3339 date-time";
constexpr std::string_view kTempoRule = "a multiple of 0.1 between 0.1 and 1000";

// 0.1..1000 in steps of 0.1, within 1e-9 (0.1 has no exact binary form).
bool is_tempo_bpm(double bpm) {
  if (!std::isfinite(bpm)) return false;
  const double tenths = std::round(bpm * 10.0);
  return tenths >= 1.0 && tenths <= 10'000.0 && std::fabs(bpm - tenths / 10.0) <= 1e-9;
}

std::optional<BeatPhase> phase_from_name(std::string_view name) {
  if (name == "plan") return BeatPhase::kPlan;
  if (name == "execute") return BeatPhase::kExecute;
  if (name == "review") return BeatPhase::kReview;
  return std::nullopt;
}

// An object whose known keys have the contract's types; other keys are free.
Status check_metadata(const nlohmann::json& metadata) {
  if (!metadata.is_object()) return field_error("metadata", "an object", describe_json(&metadata));
  for (std::string_view key : {"pulse_version", "cluster_health"}) {
    const nlohmann::json* value = find_field(metadata, key);
    if (value != nullptr && !value->is_string()) {
      return field_error(std::string("metadata.") + std::string(key), "a string",
                         describe_json(value));
    }
  }
  const nlohmann::json* agents = find_field(metadata, "expected_agents");
  if (agents != nullptr && !agents->is_number_integer()) {  // signed or unsigned
    return field_error("metadata.expected_agents", "an integer", describe_json(agents));
  }
  return Status::ok();
}

}  // namespace

const char* beat_phase_name(BeatPhase phase) {
  switch (phase) {
    case BeatPhase::kPlan:
      return "plan";
    case BeatPhase::kExecute:
      return "execute";
    case BeatPhase::kReview:
      return "review";
  }
  return "invalid-phase";
}

Result<BeatFrame> decode_beat_frame(std::string_view json_text) {
  if (std::optional<Result<BeatFrame>> fast = fast_path::decode_beat_frame(json_text)) {
    return std::move(*fast);
  }
  return reference::decode_beat_frame(json_text);
}

Result<BeatFrame> reference::decode_beat_frame(std::string_view json_text) {
  nlohmann::json json;
  if (Status s = parse_json_object(json_text, &json); !s.is_ok()) return s;
  return beat_frame_from_json(json);
}

// The checks of beat_frame_from_json, in the same order, on scanned fields.
std::optional<Result<BeatFrame>> fast_path::decode_beat_frame(std::string_view json_text) {
  enum Slot {
    kType,
    kClusterId,
    kBeatIndex,
    kDownbeat,
    kPhase,
    kHlc,
    kDeadline,
    kTempo,
    kWindow,
    kMetadata,
    kSlots
  };
  static constexpr json_scan::Field kFields[kSlots] = {
      {"type"}, {"cluster_id"},  {"beat_index"}, {"downbeat"},  {"phase"},
      {"hlc"},  {"deadline_at"}, {"tempo_bpm"},  {"window_id"}, {"metadata", true},
  };
  json_scan::Value v[kSlots];
  bool has_unknown = false;
  std::string first_unknown;
  if (!json_scan::scan_object(json_text, kFields, v, &has_unknown, &first_unknown)) {
    return std::nullopt;
  }
  if (Status s = json_scan::check_type_field(v[kType], kBeatFrameType); !s.is_ok()) return s;

  BeatFrame frame;
  if (Status s = json_scan::read_string(v[kClusterId], "cluster_id", true, is_cluster_id,
                                        kClusterIdRule, &frame.cluster_id);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_int64(v[kBeatIndex], "beat_index", true, 0, kMaxBeatIndex,
                                       &frame.beat_index);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_bool(v[kDownbeat], "downbeat", &frame.downbeat); !s.is_ok()) {
    return s;
  }

  const std::optional<BeatPhase> parsed_phase =
      v[kPhase].is_string() ? phase_from_name(v[kPhase].string) : std::nullopt;
  if (!parsed_phase) return field_error("phase", kPhaseRule, json_scan::describe_value(v[kPhase]));
  frame.phase = *parsed_phase;

  if (Status s = json_scan::read_string(v[kHlc], "hlc", true, is_valid_hlc, kHlcRule, &frame.hlc);
      !s.is_ok()) {
    return s;
  }

  const json_scan::Value& deadline = v[kDeadline];
  if (!deadline.is_string()) {
    return field_error("deadline_at", kDeadlineRule, json_scan::describe_value(deadline));
  }
  Result<Time> deadline_at = parse_rfc3339(deadline.string);
  if (!deadline_at.is_ok()) {
    return field_error(
        "deadline_at", kDeadlineRule,
        json_scan::describe_value(deadline) + " (" + deadline_at.status().message() + ")");
  }
  frame.deadline_at = *deadline_at;

  if (Status s = json_scan::read_number(v[kTempo], "tempo_bpm", true, is_tempo_bpm, kTempoRule,
                                        &frame.tempo_bpm);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_string(v[kWindow], "window_id", true, is_window_id, kWindowIdRule,
                                        &frame.window_id);
      !s.is_ok()) {
    return s;
  }
  if (v[kMetadata].present()) {
    // Scanned with `build`: json holds the value whatever its kind.
    if (Status s = check_metadata(*v[kMetadata].json); !s.is_ok()) return s;
    frame.metadata = std::move(*v[kMetadata].json);
  }
  if (has_unknown) return unknown_field_error(first_unknown);
  return frame;
}

// Checks, in this order: the value is an object, type, the fields in contract order, then
// unknown fields (first in key order). The first failure is the one reported.
Result<BeatFrame> beat_frame_from_json(const nlohmann::json& json) {
  if (Status s = check_is_object(json); !s.is_ok()) return s;
  if (Status s = check_type_field(json, kBeatFrameType); !s.is_ok()) return s;

  BeatFrame frame;
  if (Status s =
          read_string(json, "cluster_id", true, is_cluster_id, kClusterIdRule, &frame.cluster_id);
      !s.is_ok()) {
    return s;
  }
  if (Status s = read_int64(json, "beat_index", true, 0, kMaxBeatIndex, &frame.beat_index);
      !s.is_ok()) {
    return s;
  }
  if (Status s = read_bool(json, "downbeat", &frame.downbeat); !s.is_ok()) return s;

  const nlohmann::json* phase = find_field(json, "phase");
  const std::optional<BeatPhase> parsed_phase =
      phase != nullptr && phase->is_string()
          ? phase_from_name(*phase->get_ptr<const std::string*>())
          : std::nullopt;
  if (!parsed_phase) return field_error("phase", kPhaseRule, describe_json(phase));
  frame.phase = *parsed_phase;

  if (Status s = read_string(json, "hlc", true, is_valid_hlc, kHlcRule, &frame.hlc); !s.is_ok()) {
    return s;
  }

  const nlohmann::json* deadline = find_field(json, "deadline_at");
  if (deadline == nullptr || !deadline->is_string()) {
    return field_error("deadline_at", kDeadlineRule, describe_json(deadline));
  }
  Result<Time> deadline_at = parse_rfc3339(*deadline->get_ptr<const std::string*>());
  if (!deadline_at.is_ok()) {
    return field_error("deadline_at", kDeadlineRule,
                       describe_json(deadline) + " (" + deadline_at.status().message() + ")");
  }
  frame.deadline_at = *deadline_at;

  if (Status s = read_number(json, "tempo_bpm", true, is_tempo_bpm, kTempoRule, &frame.tempo_bpm);
      !s.is_ok()) {
    return s;
  }
  if (Status s =
          read_string(json, "window_id", true, is_window_id, kWindowIdRule, &frame.window_id);
      !s.is_ok()) {
    return s;
  }
  if (const nlohmann::json* metadata = find_field(json, "metadata"); metadata != nullptr) {
    if (Status s = check_metadata(*metadata); !s.is_ok()) return s;
    frame.metadata = *metadata;
  }
  if (Status s =
          check_known_fields(json, {"type", "cluster_id", "beat_index", "downbeat", "phase", "hlc",
                                    "deadline_at", "tempo_bpm", "window_id", "metadata"});
      !s.is_ok()) {
    return s;
  }
  return frame;
}

Status validate_beat_frame(const BeatFrame& frame) {
  if (!is_cluster_id(frame.cluster_id)) {
    return field_error("cluster_id", kClusterIdRule, describe_string(frame.cluster_id));
  }
  if (frame.beat_index < 0) {
    return field_error("beat_index", "an integer 0..9223372036854775807",
                       std::to_string(frame.beat_index));
  }
  if (frame.phase != BeatPhase::kPlan && frame.phase != BeatPhase::kExecute &&
      frame.phase != BeatPhase::kReview) {
    return field_error("phase", kPhaseRule, std::to_string(static_cast<int>(frame.phase)));
  }
  if (!is_valid_hlc(frame.hlc)) return field_error("hlc", kHlcRule, describe_string(frame.hlc));
  // Every Time is a valid deadline: its years (1677..2262) all have four digits.
  if (!is_tempo_bpm(frame.tempo_bpm)) {
    return field_error("tempo_bpm", kTempoRule, describe_double(frame.tempo_bpm));
  }
  if (!is_window_id(frame.window_id)) {
    return field_error("window_id", kWindowIdRule, describe_string(frame.window_id));
  }
  if (frame.metadata) return check_metadata(*frame.metadata);
  return Status::ok();
}

std::string encode_beat_frame(const BeatFrame& frame) {
  JsonObjectWriter out;
  out.add_string("type", kBeatFrameType);
  out.add_string("cluster_id", frame.cluster_id);
  out.add_int("beat_index", frame.beat_index);
  out.add_bool("downbeat", frame.downbeat);
  out.add_string("phase", beat_phase_name(frame.phase));
  out.add_string("hlc", frame.hlc);
  out.add_string("deadline_at", format_rfc3339(frame.deadline_at));
  out.add_double("tempo_bpm", frame.tempo_bpm);
  out.add_string("window_id", frame.window_id);
  if (frame.metadata) out.add_json("metadata", *frame.metadata);
  return std::move(out).finish();
}

nlohmann::json beat_frame_to_json(const BeatFrame& frame) {
  nlohmann::json json = {
      {"type", kBeatFrameType},
      {"cluster_id", frame.cluster_id},
      {"beat_index", frame.beat_index},
      {"downbeat", frame.downbeat},
      {"phase", beat_phase_name(frame.phase)},
      {"hlc", frame.hlc},
      {"deadline_at", format_rfc3339(frame.deadline_at)},
      {"tempo_bpm", frame.tempo_bpm},
      {"window_id", frame.window_id},
  };
  if (frame.metadata) json["metadata"] = *frame.metadata;
  return json;
}

}  // namespace backbeat
