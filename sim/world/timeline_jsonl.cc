#include "sim/world/timeline_jsonl.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace backbeat::sim {

Result<std::unique_ptr<TimelineJsonlWriter>> TimelineJsonlWriter::open(const std::string& path) {
  auto file = JsonlFile::open(path, "timeline");
  if (!file) return file.status();
  return std::unique_ptr<TimelineJsonlWriter>(new TimelineJsonlWriter(std::move(*file)));
}

std::unique_ptr<TimelineJsonlWriter> TimelineJsonlWriter::to_stream(std::FILE* stream) {
  return std::unique_ptr<TimelineJsonlWriter>(
      new TimelineJsonlWriter(JsonlFile::to_stream(stream, "timeline")));
}

void TimelineJsonlWriter::on_start(std::uint64_t seed, double tempo_bpm) {
  file_->write(fmt::format("{{\"format\":\"{}\",\"seed\":{},\"tempo_bpm\":{}}}\n", kTimelineFormat,
                           seed, tempo_bpm));
}

void TimelineJsonlWriter::on_entry(const TimelineEntry& e) {
  line_.clear();
  line_ += "{\"t_ns\":";
  append_json_int(line_, static_cast<long long>(e.at.count()));
  line_ += ",\"beat\":";
  append_json_int(line_, static_cast<long long>(e.beat));
  line_ += ",\"role\":\"";
  line_ += timeline_role_name(e.role);
  line_ += "\",\"node\":";
  append_json_string(line_, e.node);
  line_ += ",\"event\":\"";
  line_ += timeline_event_name(e.event);
  line_ += '"';
  if (!e.subject.empty()) {
    line_ += ",\"subject\":";
    append_json_string(line_, e.subject);
  }
  if (e.size != 0) {
    line_ += ",\"size\":";
    append_json_int(line_, static_cast<long long>(e.size));
  }
  if (!e.detail.empty()) {
    line_ += ",\"detail\":";
    append_json_string(line_, e.detail);
  }
  line_ += "}\n";
  file_->write(line_);
}

namespace {

using nlohmann::json;

Status bad(std::string_view what) {
  return Status::invalid_argument(std::string(what));
}

// The string at `key`, required or optional.
Status read_string(const json& j, const char* key, bool required, std::string& out) {
  auto it = j.find(key);
  if (it == j.end()) return required ? bad(fmt::format("missing \"{}\"", key)) : Status::ok();
  if (!it->is_string()) return bad(fmt::format("\"{}\" is not a string", key));
  out = it->get<std::string>();
  return Status::ok();
}

}  // namespace

Result<TimelineLine> parse_timeline_line(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not valid JSON");
  if (!j.is_object()) return bad("not a JSON object");
  TimelineLine line;
  if (j.contains("format")) {
    if (j["format"] != kTimelineFormat) {
      return bad(fmt::format("\"format\" is not \"{}\"", kTimelineFormat));
    }
    if (!j.contains("seed") || !j["seed"].is_number_unsigned()) return bad("missing \"seed\"");
    if (!j.contains("tempo_bpm") || !j["tempo_bpm"].is_number() ||
        !(j["tempo_bpm"].get<double>() > 0)) {
      return bad("missing or non-positive \"tempo_bpm\"");
    }
    line.is_header = true;
    line.header.seed = j["seed"].get<std::uint64_t>();
    line.header.tempo_bpm = j["tempo_bpm"].get<double>();
    return line;
  }
  TimelineEntry& e = line.entry;
  if (!j.contains("t_ns") || !j["t_ns"].is_number_integer()) return bad("missing \"t_ns\"");
  e.at = Duration(j["t_ns"].get<std::int64_t>());
  if (!j.contains("beat") || !j["beat"].is_number_integer()) return bad("missing \"beat\"");
  e.beat = j["beat"].get<std::int64_t>();
  std::string role, event;
  if (Status s = read_string(j, "role", true, role); !s) return s;
  if (Status s = read_string(j, "node", true, e.node); !s) return s;
  if (Status s = read_string(j, "event", true, event); !s) return s;
  if (Status s = read_string(j, "subject", false, e.subject); !s) return s;
  if (Status s = read_string(j, "detail", false, e.detail); !s) return s;
  std::optional<TimelineRole> r = timeline_role_from_name(role);
  if (!r) return bad(fmt::format("unknown \"role\" \"{}\"", role));
  e.role = *r;
  std::optional<TimelineEvent> ev = timeline_event_from_name(event);
  if (!ev) return bad(fmt::format("unknown \"event\" \"{}\"", event));
  e.event = *ev;
  if (j.contains("size")) {
    if (!j["size"].is_number_unsigned()) return bad("\"size\" is not a non-negative integer");
    e.size = j["size"].get<std::uint64_t>();
  }
  return line;
}

}  // namespace backbeat::sim
