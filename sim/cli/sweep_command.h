// backbeat-sim sweep: scenarios over many seeds, failures grouped by signature (sim/batch).
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cli/job_runner.h"

namespace backbeat::sim::cli {

// The files `sweep --out DIR` writes into DIR (sweep.json last: its presence means complete).
inline constexpr std::array<std::string_view, 2> kSweepDirectoryFiles = {"junit.xml", "sweep.json"};

struct SweepArgs {
  std::vector<std::string> targets;  // scenario files, shipped names or folders of scenarios
  std::string seeds;                 // "N" or "A..B" (sim/batch/seed_range.h)
  int jobs = 0;                      // 0 = every hardware thread
  std::string out_dir;
  std::vector<std::string> sets;
  bool json = false;
  bool quiet = false;
  JobRunner run_job;  // set: the seeds run there (sweep --nats), not on local threads
};

// Adds the `sweep` subcommand to `app`, filling `args` when parsed.
CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args);
int sweep_command(const SweepArgs& args);

}  // namespace backbeat::sim::cli
