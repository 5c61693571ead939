// The timeline as JSON Lines (`run --timeline FILE`, DIR/timeline.jsonl of `run --out DIR`), and
// back. The first line is a header, every other line one entry, in the run's order:
//   {"format":"backbeat.timeline.v1","seed":42,"tempo_bpm":120}
//   {"t_ns":1500000000,"beat":2,"role":"agent","node":"chorus:agent-3","event":"frame.delivered",
//    "subject":"backbeat.beat.c1","size":312,"detail":"..."}
// t_ns is virtual time since the start of the run; beat is the pulse's (-1 before the first);
// role is agent, pulse, server, reverb or world; event is a timeline_event_name(). "subject",
// "size" and "detail" are left out when empty or zero.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "sim/kernel/jsonl_file.h"
#include "sim/world/timeline.h"

namespace backbeat::sim {

inline constexpr std::string_view kTimelineFormat = "backbeat.timeline.v1";

struct TimelineHeader {
  std::uint64_t seed = 0;
  double tempo_bpm = 0;
};

// Streams the timeline to a JSON Lines file written atomically (jsonl_file.h), or to a stream.
class TimelineJsonlWriter final : public TimelineSink {
 public:
  static Result<std::unique_ptr<TimelineJsonlWriter>> open(const std::string& path);
  static std::unique_ptr<TimelineJsonlWriter> to_stream(std::FILE* stream);

  void on_start(std::uint64_t seed, double tempo_bpm) override;
  void on_entry(const TimelineEntry& entry) override;
  // Flushes and renames to the final path; the first write error, if any.
  Status close() { return file_->close(); }

 private:
  explicit TimelineJsonlWriter(std::unique_ptr<JsonlFile> file) : file_(std::move(file)) {}

  std::unique_ptr<JsonlFile> file_;
  std::string line_;  // reused
};

// One line of a timeline file. A line is either the header or an entry; errors say which field
// is missing or wrong.
struct TimelineLine {
  bool is_header = false;
  TimelineHeader header;
  TimelineEntry entry;
};
Result<TimelineLine> parse_timeline_line(std::string_view line);

}  // namespace backbeat::sim
