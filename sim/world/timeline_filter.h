// TimelineFilter: which timeline entries `backbeat-sim timeline` shows, and how a row reads.
//
// An entry passes when it matches every filter given: its node is one of `nodes` (a node's name,
// or a number N for the agent whose name ends in "-N"), its time is within [from, to], and its
// event is one of `kinds` (an event name, "frame.dropped", or a group, "frame").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/world/timeline.h"

namespace backbeat::sim {

struct TimelineFilter {
  std::vector<std::string> nodes;
  std::optional<Duration> from, to;
  std::vector<std::string> kinds;

  bool matches(const TimelineEntry& entry) const;
  // Whether `node` names this entry's node (one --agent value against one entry).
  static bool node_matches(std::string_view node, const TimelineEntry& entry);
};

// OK when `kind` is an event name or a group; otherwise an error listing the groups and names.
Status check_timeline_kind(std::string_view kind);

// The column header and one aligned row: time (s), beat, node, event, subject, size, detail.
std::string timeline_header_row();
std::string timeline_row(const TimelineEntry& entry);

}  // namespace backbeat::sim
