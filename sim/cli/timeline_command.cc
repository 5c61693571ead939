// backbeat-sim timeline SOURCE: prints a recorded timeline (run --timeline FILE, or the
// timeline.jsonl of a run directory) as aligned text, filtered by node, time range and kind.
//
// The file is read a line at a time (at most kMaxLineBytes each), so a large timeline needs no
// more memory than its longest line; a malformed line stops the command naming its number.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/echo_text.h"
#include "sim/world/timeline_filter.h"
#include "sim/world/timeline_jsonl.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;
using scenario::echo_path;
using scenario::echo_text;

constexpr std::size_t kMaxLineBytes = 64 * 1024;

// A --from/--to value: a duration in the scenario syntax ("90s", "1.5m", "12 beats"), >= 0.
bool parse_time_flag(const char* flag, const std::optional<std::string>& text, double tempo_bpm,
                     std::optional<Duration>& out) {
  if (!text) return true;
  Result<Duration> d = scenario::parse_duration_text(*text, tempo_bpm);
  if (d.is_ok() && *d < Duration::zero()) {
    d = Status::invalid_argument("a time since the start of the run cannot be negative");
  }
  if (!d.is_ok()) {
    std::fprintf(stderr, "backbeat-sim: %s %s: %s\n", flag, echo_text(*text).c_str(),
                 d.status().message().c_str());
    return false;
  }
  out = *d;
  return true;
}

}  // namespace

int timeline_command(const TimelineArgs& args) {
  TimelineFilter filter;
  for (const std::string& kind : args.kinds) {
    if (Status s = check_timeline_kind(kind); !s) {
      std::fprintf(stderr, "backbeat-sim: --kind %s: %s\n", echo_text(kind).c_str(),
                   s.message().c_str());
      return kExitBadInput;
    }
  }
  for (const std::string& node : args.agents) {
    if (node.empty()) {
      std::fprintf(stderr, "backbeat-sim: --agent: empty; expected an agent id or index\n");
      return kExitBadInput;
    }
  }
  filter.nodes = args.agents;
  filter.kinds = args.kinds;

  std::error_code ec;
  std::string path = args.source;
  if (fs::is_directory(path, ec)) path = (fs::path(path) / "timeline.jsonl").string();
  if (!fs::is_regular_file(path, ec)) {
    std::fprintf(stderr,
                 "backbeat-sim: timeline %s: not a timeline file (or a run directory holding "
                 "timeline.jsonl; write one with run --timeline FILE or run --out DIR)\n",
                 echo_path(path).c_str());
    return kExitBadInput;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "backbeat-sim: timeline %s: cannot open\n", echo_path(path).c_str());
    return kExitBadInput;
  }
  auto malformed = [&](std::uint64_t number, const std::string& why) {
    std::fprintf(stderr, "backbeat-sim: %s:%llu: %s\n", echo_path(path).c_str(),
                 static_cast<unsigned long long>(number), why.c_str());
    return kExitBadInput;
  };

  std::vector<char> buffer(kMaxLineBytes + 2);  // the line, its newline, the NUL
  std::uint64_t number = 0, total = 0, shown = 0;
  std::optional<TimelineHeader> header;
  std::set<std::string> unmatched(args.agents.begin(), args.agents.end());
  while (true) {
    in.getline(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (in.eof() && got == 0) break;
    ++number;
    if (in.fail() && !in.eof()) {
      return malformed(number, fmt::format("line longer than {} bytes", kMaxLineBytes));
    }
    // gcount() counts the newline getline() consumed.
    std::string_view text(buffer.data(), in.eof() ? got : got - 1);
    Result<TimelineLine> line = parse_timeline_line(text);
    if (!line.is_ok()) return malformed(number, echo_text(line.status().message(), 200));
    if (number == 1) {
      if (!line->is_header) {
        return malformed(number, fmt::format("expected the header {{\"format\": \"{}\", ...}}",
                                             kTimelineFormat));
      }
      header = line->header;
      if (!parse_time_flag("--from", args.from, header->tempo_bpm, filter.from) ||
          !parse_time_flag("--to", args.to, header->tempo_bpm, filter.to)) {
        return kExitBadInput;
      }
      if (filter.from && filter.to && *filter.from > *filter.to) {
        std::fprintf(stderr, "backbeat-sim: --to %s: before --from %s\n",
                     echo_text(*args.to).c_str(), echo_text(*args.from).c_str());
        return kExitBadInput;
      }
      std::printf("%s\n", timeline_header_row().c_str());
      continue;
    }
    if (line->is_header) return malformed(number, "a second header");
    ++total;
    TimelineEntry& e = line->entry;
    std::erase_if(unmatched, [&](const std::string& n) { return filter.node_matches(n, e); });
    if (!filter.matches(e)) continue;
    ++shown;
    // Text from a file is shown printable and bounded, like any other echoed input.
    e.node = echo_text(e.node, 40);
    e.subject = echo_text(e.subject, 80);
    e.detail = echo_text(e.detail, 200);
    std::printf("%s\n", timeline_row(e).c_str());
  }
  if (!header) return malformed(1, "empty file: expected the timeline header");
  if (!unmatched.empty()) {
    std::fprintf(stderr, "backbeat-sim: --agent %s: no such node in %s\n",
                 echo_text(*unmatched.begin()).c_str(), echo_path(path).c_str());
    return kExitBadInput;
  }
  std::printf("(%llu of %llu entries; seed %llu, %g BPM)\n", static_cast<unsigned long long>(shown),
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(header->seed),
              header->tempo_bpm);
  return kExitPass;
}

}  // namespace backbeat::sim::cli
