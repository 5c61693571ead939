// Live fields: what every scenario field means to live mode, so one file never means two things.
//
// Each field of a scenario (its JSON path, array elements written "[]") is either honoured by
// `backbeat-sim live` exactly as the simulator honours it, or refused: when a scenario sets it to
// anything but its default, live mode exits 2 naming the field and why (typically: only a
// simulator can do that). Nothing is silently ignored; tests/live/live_fields_test.cc walks every
// field of every shipped scenario through this table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/world/world_config.h"

namespace backbeat::live {

struct LiveFieldRule {
  std::string_view path;  // "cluster.groups[].clock_skew_ppm"; covers everything below it
  bool honoured = true;
  std::string_view why;  // for a refused field: why live mode cannot honour it
};

// The rule for the scenario field at `path` (JSON path, indices as "[3]" or "[]"): the rule of
// the path itself or of its closest ancestor; null for a field the table does not know.
const LiveFieldRule* live_field_rule(std::string_view path);

struct LiveRefusal {
  std::string path;  // with indices: "cluster.groups[1].clock_skew_ppm"
  std::string why;
  std::string to_string() const { return path + ": " + why; }
};

// Every refused field `config` sets (differs from its default), in table order: what only a
// simulator can do (faults, swarm) first, then the cluster, the pulse and the trace.
std::vector<LiveRefusal> live_refusals(const sim::WorldConfig& config);

}  // namespace backbeat::live
