// Atomic file writes: a reader sees the old file, the complete new one, or nothing — never half.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat::sim::cli {

// Writes `content` to "<path>.tmp.<pid>", flushes it to disk, then renames it over `path`. On any
// error the temporary file is removed and the error names the path and the OS reason. The rules
// of output_path.h apply: "-" writes to standard output, a symlink to a regular file is followed,
// anything else that is not a regular file is refused (kInvalidArgument) and left untouched.
Status write_file_atomically(const std::string& path, const std::string& content);

// Creates `dir` and its parents if missing.
Status make_directories(const std::string& dir);

// Checks, before a long run, that `dir` can take its results: the rules of output_path.h for `dir`
// and the `files` it will hold, then creates it (and its parents) and creates and removes a probe
// file in it. kInvalidArgument naming the directory and the reason otherwise, so a bad --out
// fails in a second, not after the run.
Status prepare_output_directory(const std::string& dir, std::span<const std::string_view> files);

}  // namespace backbeat::sim::cli
