// How the simulator's diagnostics quote what the user gave: core/echo_text.h, with room for a
// path or a --set override.
#pragma once

#include <string>
#include <string_view>

#include "core/echo_text.h"

namespace backbeat::sim::scenario {

using backbeat::echo_text;
using backbeat::printable;

// A file or directory name: room for any real path (256 characters).
inline std::string echo_path(std::string_view path) {
  return echo_text(path, 256);
}

// A --set PATH=VALUE override: room for a JSON snippet (160 characters).
inline std::string echo_override(std::string_view text) {
  return echo_text(text, 160);
}

}  // namespace backbeat::sim::scenario
