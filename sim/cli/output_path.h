// Output paths: what the command may write to, checked before any work starts and again at the
// moment of writing. One set of rules for every writer (--out and everything in it, --trace, tune's
// files):
//
// - "-" and "/dev/stdout" name standard output. File flags (--trace) stream there; a directory
//   flag (--out) refuses it.
// - An empty path is refused (never read as "no output").
// - A path that exists must be what the flag writes: a regular file for a file, a directory for a
//   directory. Anything else -- a device node, FIFO, socket, a directory where a file is expected,
//   a file where a directory is expected, or a symlink to any of these -- is refused and left
//   untouched. Writes replace a file by renaming a new one over it, which would replace whatever
//   sits at the path; so the check comes first, always.
// - A symlink to a regular file is followed: the file it points to is replaced (atomically) and
//   the link itself stays. A dangling symlink is refused.
//
// Errors are kInvalidArgument with a message that names the path and what is there (the caller
// prefixes the flag): bad input found before the run is exit 2.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat::sim::cli {

// "-" or "/dev/stdout".
bool names_standard_output(std::string_view path);

// Whether `path` may be written as a file (see the rules above). Does not create anything.
Status check_output_file(const std::string& path);

// Whether `dir` may take an output directory holding `files`: absent (it will be created), or a
// directory (or a symlink to one) in which none of `files` exists as anything but a regular file.
// Does not create anything.
Status check_output_directory_path(const std::string& dir, std::span<const std::string_view> files);

// The path a write to `path` replaces: `path` itself, or the regular file a symlink at `path`
// points to. kInvalidArgument when something other than a regular file (or nothing) is there.
Result<std::string> resolve_output_file(const std::string& path);

// The files `run --out DIR` (and `live --out DIR`) writes into DIR.
// (timeline.jsonl: `run --out` only, sim/world/timeline_jsonl.h.)
inline constexpr std::array<std::string_view, 7> kRunDirectoryFiles = {
    "scenario.json", "seed",     "report.json",   "report.md",
    "report.html",   "run.json", "timeline.jsonl"};
// The files `tune --out DIR` writes into DIR, besides DIR/check, a run directory.
inline constexpr std::array<std::string_view, 5> kTuneDirectoryFiles = {
    "budgets.json", "scenario.tuned.json", "tune.txt", "tune.json",
    "profile.json"};  // profile.json: tune --profile

}  // namespace backbeat::sim::cli
