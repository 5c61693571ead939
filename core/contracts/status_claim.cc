#include "core/contracts/status_claim.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/contracts/decode_paths.h"
#include "core/contracts/field_rules.h"
#include "core/contracts/hlc.h"
#include "core/contracts/json_fields.h"
#include "core/contracts/json_scan.h"
#include "core/contracts/json_writer.h"
#include "core/contracts/utf8.h"

namespace backbeat {

namespace {

constexpr std::int64_t kMaxBeatIndex = std::numeric_limits<std::int64_t>::max();
constexpr int kMaxBeatsLeft = 1000;
constexpr std::size_t kMaxNotesChars = 256;
constexpr std::string_view kStateRule =
    "one of \"idle\", \"planning\", \"executing\", \"reviewing\", \"completed\", \"failed\", "
    "\"blocked\", \"helping\"";
constexpr std::string_view kProgressRule = "a number 0..1";
constexpr std::string_view kNotesRule = "a string of at most 256 characters of valid UTF-8";

constexpr ClaimState kAllStates[] = {
    ClaimState::kIdle,      ClaimState::kPlanning, ClaimState::kExecuting, ClaimState::kReviewing,
    ClaimState::kCompleted, ClaimState::kFailed,   ClaimState::kBlocked,   ClaimState::kHelping,
};

// Contract words only: the seed's "done" and "waiting" are not states on the wire.
std::optional<ClaimState> state_from_name(std::string_view name) {
  for (ClaimState state : kAllStates) {
    if (name == claim_state_name(state)) return state;
  }
  return std::nullopt;
}

bool is_known_state(ClaimState state) {
  return std::find(std::begin(kAllStates), std::end(kAllStates), state) != std::end(kAllStates);
}

bool is_progress(double progress) {
  return progress >= 0.0 && progress <= 1.0;
}

bool is_notes(std::string_view notes) {
  const std::optional<std::size_t> chars = utf8_char_count(notes);
  return chars && *chars <= kMaxNotesChars;
}

Status check_dependencies(const nlohmann::json& dependencies) {
  if (!dependencies.is_array()) {
    return field_error("dependencies", "an array of agent ids", describe_json(&dependencies));
  }
  std::size_t index = 0;
  for (const nlohmann::json& entry : dependencies) {
    if (!entry.is_string() || !is_agent_id(*entry.get_ptr<const std::string*>())) {
      return field_error(fmt::format("dependencies[{}]", index), kAgentIdRule,
                         describe_json(&entry));
    }
    ++index;
  }
  return Status::ok();
}

// The limits of docs/contracts.md, "Decision (limits)"; NaN progress reads as no progress.
int clamp_beats_left(int beats_left) {
  return std::clamp(beats_left, 0, kMaxBeatsLeft);
}
double clamp_progress(double progress) {
  return std::isnan(progress) ? 0.0 : std::clamp(progress, 0.0, 1.0);
}
std::string limit_notes(std::string_view notes) {
  return truncate_utf8(sanitize_utf8(notes), kMaxNotesChars);
}

}  // namespace

const char* claim_state_name(ClaimState state, ClaimStateWords words) {
  const bool legacy = words == ClaimStateWords::kLegacy;
  switch (state) {
    case ClaimState::kIdle:
      return legacy ? "waiting" : "idle";
    case ClaimState::kPlanning:
      return "planning";
    case ClaimState::kExecuting:
      return "executing";
    case ClaimState::kReviewing:
      return "reviewing";
    case ClaimState::kCompleted:
      return legacy ? "done" : "completed";
    case ClaimState::kFailed:
      return "failed";
    case ClaimState::kBlocked:
      return "blocked";
    case ClaimState::kHelping:
      return "helping";
  }
  return "invalid-state";
}

std::string truncate_utf8(std::string_view text, std::size_t max_chars) {
  return std::string(text.substr(0, utf8_prefix_bytes(text, max_chars)));
}

Result<StatusClaim> decode_status_claim(std::string_view json_text) {
  if (std::optional<Result<StatusClaim>> fast = fast_path::decode_status_claim(json_text)) {
    return std::move(*fast);
  }
  return reference::decode_status_claim(json_text);
}

Result<StatusClaim> reference::decode_status_claim(std::string_view json_text) {
  nlohmann::json json;
  if (Status s = parse_json_object(json_text, &json); !s.is_ok()) return s;
  return status_claim_from_json(json);
}

// The checks of status_claim_from_json, in the same order, on scanned fields.
std::optional<Result<StatusClaim>> fast_path::decode_status_claim(std::string_view json_text) {
  enum Slot {
    kType,
    kAgentId,
    kTaskId,
    kBeatIndex,
    kState,
    kBeatsLeft,
    kProgress,
    kNotes,
    kHlc,
    kResources,
    kDependencies,
    kMetadata,
    kSlots
  };
  static constexpr json_scan::Field kFields[kSlots] = {
      {"type"},
      {"agent_id"},
      {"task_id"},
      {"beat_index"},
      {"state"},
      {"beats_left"},
      {"progress"},
      {"notes"},
      {"hlc"},
      {"resources", true},
      {"dependencies", true},
      {"metadata", true},
  };
  json_scan::Value v[kSlots];
  bool has_unknown = false;
  std::string first_unknown;
  if (!json_scan::scan_object(json_text, kFields, v, &has_unknown, &first_unknown)) {
    return std::nullopt;
  }
  if (Status s = json_scan::check_type_field(v[kType], kStatusClaimType); !s.is_ok()) return s;

  StatusClaim claim;
  if (Status s = json_scan::read_string(v[kAgentId], "agent_id", true, is_agent_id, kAgentIdRule,
                                        &claim.agent_id);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_string(v[kTaskId], "task_id", false, is_agent_id, kAgentIdRule,
                                        &claim.task_id);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_int64(v[kBeatIndex], "beat_index", true, 0, kMaxBeatIndex,
                                       &claim.beat_index);
      !s.is_ok()) {
    return s;
  }

  const std::optional<ClaimState> parsed_state =
      v[kState].is_string() ? state_from_name(v[kState].string) : std::nullopt;
  if (!parsed_state) return field_error("state", kStateRule, json_scan::describe_value(v[kState]));
  claim.state = *parsed_state;

  std::int64_t beats_left = 0;
  if (Status s =
          json_scan::read_int64(v[kBeatsLeft], "beats_left", false, 0, kMaxBeatsLeft, &beats_left);
      !s.is_ok()) {
    return s;
  }
  claim.beats_left = static_cast<int>(beats_left);
  if (Status s = json_scan::read_number(v[kProgress], "progress", false, is_progress, kProgressRule,
                                        &claim.progress);
      !s.is_ok()) {
    return s;
  }
  if (Status s =
          json_scan::read_string(v[kNotes], "notes", false, is_notes, kNotesRule, &claim.notes);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_string(v[kHlc], "hlc", true, is_valid_hlc, kHlcRule, &claim.hlc);
      !s.is_ok()) {
    return s;
  }
  // Free-form fields were scanned with `build`: json holds the value whatever its kind.
  if (v[kResources].present()) {
    if (!v[kResources].json->is_object()) {
      return field_error("resources", "an object", describe_json(&*v[kResources].json));
    }
    claim.resources = std::move(*v[kResources].json);
  }
  if (v[kDependencies].present()) {
    const nlohmann::json& dependencies = *v[kDependencies].json;
    if (Status s = check_dependencies(dependencies); !s.is_ok()) return s;
    claim.dependencies.emplace();
    claim.dependencies->reserve(dependencies.size());
    for (const nlohmann::json& entry : dependencies) {
      claim.dependencies->push_back(*entry.get_ptr<const std::string*>());
    }
  }
  if (v[kMetadata].present()) {
    if (!v[kMetadata].json->is_object()) {
      return field_error("metadata", "an object", describe_json(&*v[kMetadata].json));
    }
    claim.metadata = std::move(*v[kMetadata].json);
  }
  if (has_unknown) return unknown_field_error(first_unknown);
  return claim;
}

// Checks, in this order: the value is an object, type, the fields in contract order, then
// unknown fields (first in key order). The first failure is the one reported.
Result<StatusClaim> status_claim_from_json(const nlohmann::json& json) {
  if (Status s = check_is_object(json); !s.is_ok()) return s;
  if (Status s = check_type_field(json, kStatusClaimType); !s.is_ok()) return s;

  StatusClaim claim;
  if (Status s = read_string(json, "agent_id", true, is_agent_id, kAgentIdRule, &claim.agent_id);
      !s.is_ok()) {
    return s;
  }
  if (Status s = read_string(json, "task_id", false, is_agent_id, kAgentIdRule, &claim.task_id);
      !s.is_ok()) {
    return s;
  }
  if (Status s = read_int64(json, "beat_index", true, 0, kMaxBeatIndex, &claim.beat_index);
      !s.is_ok()) {
    return s;
  }

  const nlohmann::json* state = find_field(json, "state");
  const std::optional<ClaimState> parsed_state =
      state != nullptr && state->is_string()
          ? state_from_name(*state->get_ptr<const std::string*>())
          : std::nullopt;
  if (!parsed_state) return field_error("state", kStateRule, describe_json(state));
  claim.state = *parsed_state;

  std::int64_t beats_left = 0;
  if (Status s = read_int64(json, "beats_left", false, 0, kMaxBeatsLeft, &beats_left); !s.is_ok()) {
    return s;
  }
  claim.beats_left = static_cast<int>(beats_left);
  if (Status s = read_number(json, "progress", false, is_progress, kProgressRule, &claim.progress);
      !s.is_ok()) {
    return s;
  }
  if (Status s = read_string(json, "notes", false, is_notes, kNotesRule, &claim.notes);
      !s.is_ok()) {
    return s;
  }
  if (Status s = read_string(json, "hlc", true, is_valid_hlc, kHlcRule, &claim.hlc); !s.is_ok()) {
    return s;
  }
  if (Status s = read_optional_object(json, "resources", &claim.resources); !s.is_ok()) return s;
  if (const nlohmann::json* dependencies = find_field(json, "dependencies");
      dependencies != nullptr) {
    if (Status s = check_dependencies(*dependencies); !s.is_ok()) return s;
    claim.dependencies.emplace();
    claim.dependencies->reserve(dependencies->size());
    for (const nlohmann::json& entry : *dependencies) {
      claim.dependencies->push_back(*entry.get_ptr<const std::string*>());
    }
  }
  if (Status s = read_optional_object(json, "metadata", &claim.metadata); !s.is_ok()) return s;
  if (Status s = check_known_fields(
          json, {"type", "agent_id", "task_id", "beat_index", "state", "beats_left", "progress",
                 "notes", "hlc", "resources", "dependencies", "metadata"});
      !s.is_ok()) {
    return s;
  }
  return claim;
}

Status validate_status_claim(const StatusClaim& claim) {
  if (!is_agent_id(claim.agent_id)) {
    return field_error("agent_id", kAgentIdRule, describe_string(claim.agent_id));
  }
  if (!claim.task_id.empty() && !is_agent_id(claim.task_id)) {
    return field_error("task_id", kAgentIdRule, describe_string(claim.task_id));
  }
  if (claim.beat_index < 0) {
    return field_error("beat_index", "an integer 0..9223372036854775807",
                       std::to_string(claim.beat_index));
  }
  if (!is_known_state(claim.state)) {
    return field_error("state", kStateRule, std::to_string(static_cast<int>(claim.state)));
  }
  if (claim.beats_left < 0 || claim.beats_left > kMaxBeatsLeft) {
    return field_error("beats_left", "an integer 0..1000", std::to_string(claim.beats_left));
  }
  if (!is_progress(claim.progress)) {
    return field_error("progress", kProgressRule, describe_double(claim.progress));
  }
  if (!is_notes(claim.notes)) return field_error("notes", kNotesRule, describe_string(claim.notes));
  if (!is_valid_hlc(claim.hlc)) return field_error("hlc", kHlcRule, describe_string(claim.hlc));
  if (claim.resources && !claim.resources->is_object()) {
    return field_error("resources", "an object", describe_json(&*claim.resources));
  }
  if (claim.dependencies) {
    for (std::size_t i = 0; i < claim.dependencies->size(); ++i) {
      const std::string& id = (*claim.dependencies)[i];
      if (!is_agent_id(id)) {
        return field_error(fmt::format("dependencies[{}]", i), kAgentIdRule, describe_string(id));
      }
    }
  }
  if (claim.metadata && !claim.metadata->is_object()) {
    return field_error("metadata", "an object", describe_json(&*claim.metadata));
  }
  return Status::ok();
}

std::string encode_status_claim(const StatusClaim& claim, ClaimStateWords words) {
  JsonObjectWriter out;
  out.add_string("type", kStatusClaimType);
  out.add_string("agent_id", claim.agent_id);
  if (!claim.task_id.empty()) out.add_string("task_id", claim.task_id);
  out.add_int("beat_index", claim.beat_index);
  out.add_string("state", claim_state_name(claim.state, words));
  out.add_int("beats_left", clamp_beats_left(claim.beats_left));
  out.add_double("progress", clamp_progress(claim.progress));
  if (!claim.notes.empty()) {
    // Notes within the limits are written as they are (limit_notes would copy them unchanged).
    if (is_notes(claim.notes)) {
      out.add_string("notes", claim.notes);
    } else {
      out.add_string("notes", limit_notes(claim.notes));
    }
  }
  out.add_string("hlc", claim.hlc);
  if (claim.resources) out.add_json("resources", *claim.resources);
  if (claim.dependencies) {
    std::string& buffer = out.add_raw("dependencies");
    buffer.push_back('[');
    for (std::size_t i = 0; i < claim.dependencies->size(); ++i) {
      if (i > 0) buffer.push_back(',');
      append_json_string(buffer, (*claim.dependencies)[i]);
    }
    buffer.push_back(']');
  }
  if (claim.metadata) out.add_json("metadata", *claim.metadata);
  return std::move(out).finish();
}

nlohmann::json status_claim_to_json(const StatusClaim& claim, ClaimStateWords words) {
  nlohmann::json json = {
      {"type", kStatusClaimType},
      {"agent_id", claim.agent_id},
      {"beat_index", claim.beat_index},
      {"state", claim_state_name(claim.state, words)},
      {"beats_left", clamp_beats_left(claim.beats_left)},
      {"progress", clamp_progress(claim.progress)},
      {"hlc", claim.hlc},
  };
  if (!claim.task_id.empty()) json["task_id"] = claim.task_id;
  if (!claim.notes.empty()) json["notes"] = limit_notes(claim.notes);
  if (claim.resources) json["resources"] = *claim.resources;
  if (claim.dependencies) json["dependencies"] = *claim.dependencies;
  if (claim.metadata) json["metadata"] = *claim.metadata;
  return json;
}

}  // namespace backbeat
