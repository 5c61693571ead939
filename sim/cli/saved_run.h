// A run directory written by `run --out`, read back by `replay DIR`.
//
// run.json (written last, so its presence means the directory is complete) carries the seed, the
// fingerprint to reproduce and, for a run stopped by Ctrl-C, how much virtual time it covered;
// `seed` repeats the seed for people and scripts and must agree. A problem names the file and what
// is wrong in it: it is the directory's, not a flag the user gave.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"

namespace backbeat::sim::cli {

struct SavedRun {
  std::string scenario_file;  // DIR/scenario.json: the scenario after --set
  std::uint64_t seed = 0;
  std::uint64_t fingerprint = 0;
  // Set when the run was interrupted: the virtual seconds it simulated (the replay stops there).
  std::optional<double> interrupted_after_s;
  // The effective BACKBEAT settings the run recorded ("backbeat" in run.json), which a replay
  // applies instead of its own environment and flags.
  std::optional<nlohmann::json> backbeat;
};

// Reads `dir`. Errors are kInvalidArgument naming DIR/run.json or DIR/seed.
Result<SavedRun> read_saved_run(const std::string& dir);

}  // namespace backbeat::sim::cli
