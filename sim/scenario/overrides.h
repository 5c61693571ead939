// --set PATH=VALUE: command-line overrides applied to a scenario document before validation.
//
// PATH is dot-separated ("pulse.tempo_bpm", "workload.operations.0.count"). A segment indexes an
// array when the node there is an array (it must then be an existing index), otherwise it names
// an object member; missing objects on the way are created, so "swarm.faults=4" works on a file
// without a "swarm" section. A number (or a negative number) never creates anything: indexing a
// list the document does not have is refused, not turned into an object named "5". VALUE is parsed
// as JSON when it is valid JSON (4, true, [1,2],
// {"a":1}, "x"), else taken as a string (30m, agents:0-9), so quoting is rarely needed.
// The loader then validates the result exactly like the file, naming the override in messages.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace backbeat::sim::scenario {

struct Override {
  std::string text;     // as given: "pulse.tempo_bpm=4"
  std::string pointer;  // "/pulse/tempo_bpm"
  nlohmann::json value;
  // The shallowest node whose value came from this override: `pointer`, or the first object it
  // created on the way ("/swarm" for swarm.faults=4 on a file without "swarm"). A problem found
  // at or under it is the override's, not the file's.
  std::string origin;
};

// Splits and parses "PATH=VALUE". Errors start with "--set TEXT: ".
Result<Override> parse_override(const std::string& text);

// Applies `o` to `document`. Errors (a path through a non-object, an index out of range) start
// with "--set TEXT: ".
Status apply_override(nlohmann::json& document, Override& o);

}  // namespace backbeat::sim::scenario
