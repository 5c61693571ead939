// Reading a whole input file with a size limit, for every file the command reads back (scenario
// files, and the run.json and report.json of a saved run).
//
// At most `limit` + 1 bytes are ever read: /dev/zero, an endless pipe or a huge file is refused
// after reading that much (or, for a regular file, from its size before reading anything), never
// slurped until memory runs out. Works on anything that can be opened for reading, so
// /dev/stdin and pipes stay usable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat::sim::scenario {

// The largest scenario file (documented in scenarios/README.md and in --help). The shipped ones
// are about 2 KiB.
inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{1} << 20;  // 1 MiB

// The largest run.json or report.json read back from a saved run (compare, replay); a report
// grows with the run's length (an hour: about 40 KiB).
inline constexpr std::size_t kMaxRunFileBytes = std::size_t{64} << 20;  // 64 MiB

// "1 MiB", "64 MiB", "1000 bytes": a limit as messages and the docs show it.
std::string byte_size_text(std::size_t bytes);

// The whole content of `path`, or an error (kInvalidArgument; the message does not repeat the
// path) naming `what` ("scenario file") and, when the file is too large, the limit:
// "the scenario file is larger than the limit of 1 MiB (1048576 bytes) for a scenario file".
Result<std::string> read_bounded_file(const std::string& path, std::size_t limit,
                                      std::string_view what);

}  // namespace backbeat::sim::scenario
