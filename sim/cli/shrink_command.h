// backbeat-sim shrink (sim/cli/shrink_command.cc): a failing run in, its minimal failing
// scenario out (sim/batch/shrinker.h).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backbeat::sim::cli {

struct ShrinkArgs {
  std::string target;                   // a run directory (run --out) or a scenario
  std::optional<std::string> seed;      // default: the run directory's, else the scenario's
  std::vector<std::string> assertions;  // --assertion NAME (repeatable); empty: every failing one
  int max_runs = 2000;
  int jobs = 0;         // 0 = every hardware thread
  std::string out_dir;  // default: RUN_DIR/shrink, or shrink-NAME-SEED
  std::vector<std::string> sets;
  bool quiet = false;
};

// The files `shrink --out DIR` writes into DIR, besides DIR/run (a run directory).
inline constexpr std::array<std::string_view, 3> kShrinkDirectoryFiles = {
    "scenario.materialised.json", "scenario.min.json", "shrink.log"};

// Exit codes: 0 shrunk (scenario.min.json still fails), 2 bad input (including an input that
// does not fail), 3 internal error, 130 interrupted (the smallest failure so far is written).
int shrink_command(const ShrinkArgs& args);

}  // namespace backbeat::sim::cli
