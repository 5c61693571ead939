// backbeat-sim sweep: scenarios over many seeds, failures grouped by signature (sim/batch).
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "sim/batch/sweep_result.h"
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
  std::string shard;  // "K/N" (sim/cli/shards.h); empty: every seed
  bool json = false;
  bool quiet = false;
  JobRunner run_job;  // set: the seeds run there (sweep --nats), not on local threads
};

// Adds the `sweep` subcommand to `app`, filling `args` when parsed.
CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args);
int sweep_command(const SweepArgs& args);

// What sweep prints and writes once every scenario is aggregated, shared with `merge`: the
// scenario texts (print_sweep_text, as each finishes), then report_sweeps writes sweep.json and
// junit.xml in out_dir (when given) and prints sweep.json (json) or the totals; its exit code.
struct SweepReport {
  std::string out_dir;
  bool json = false;
  int jobs = 1;       // printed only
  double wall_s = 0;  // printed only
};
void print_sweep_text(const std::vector<batch::ScenarioSweep>& sweeps, std::size_t i);
int report_sweeps(const std::vector<batch::ScenarioSweep>& sweeps, const SweepReport& how);

}  // namespace backbeat::sim::cli
