// Atomic file writes: a reader sees the old file, the complete new one, or nothing — never half.
#pragma once

#include <string>

#include "core/status.h"

namespace backbeat::sim::cli {

// Writes `content` to "<path>.tmp.<pid>", flushes it to disk, then renames it over `path`. On any
// error the temporary file is removed and the error names the path and the OS reason.
Status write_file_atomically(const std::string& path, const std::string& content);

// Creates `dir` and its parents if missing.
Status make_directories(const std::string& dir);

}  // namespace backbeat::sim::cli
