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

// Checks, before a long run, that `dir` can take its results: creates it (and its parents) and
// creates and removes a probe file in it. kInvalidArgument naming the directory and the OS
// reason otherwise, so a bad --out fails in a second, not after the run.
Status check_output_directory(const std::string& dir);

}  // namespace backbeat::sim::cli
