// The command line's side of scale-out: where a command's seeds run (a SeedJob in, a JobResult
// out, sim/batch/seed_job.h) and the `--shard K/N` flag of sweep and tune, which writes a part
// (sim/batch/part_file.h) instead of the result; `merge` (merge_command.cc) combines the parts.
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "sim/batch/part_file.h"
#include "sim/batch/seed_job.h"
#include "sim/batch/seed_range.h"
#include "sim/cli/job_runner.h"

namespace backbeat::sim::cli {

// The files `sweep --shard K/N --out DIR` and `tune --shard K/N --out DIR` write into DIR.
inline constexpr std::array<std::string_view, 1> kShardDirectoryFiles = {batch::kPartFileName};

// Adds --shard K/N to a batch command (`what` names its seeds: "the seeds of --seeds").
void add_shard_flag(CLI::App* cmd, std::string& shard, const std::string& what);

// The seeds this invocation runs: all of `all`, or the slice of --shard (empty: no shard).
// Prints the problem and returns nullopt on bad input: a malformed K/N, more shards than seeds,
// --shard without --out (the part has nowhere to go), or with --json (a part is not a result).
struct ShardPlan {
  std::optional<batch::Shard> shard;
  batch::SeedRange seeds;  // what runs here
};
std::optional<ShardPlan> plan_shard(const std::string& shard, const batch::SeedRange& all,
                                    const std::string& out_dir, bool json);

// What a batch command writes into --out DIR: a part (--shard), sweep's files, or tune's (and
// DIR/check, a run directory).
enum class BatchOutput { kPart, kSweep, kTune };
// Checks DIR for `what` and creates it (output_path.h rules); nothing when `out_dir` is empty.
// Prints the problem ("--out DIR: ...") and returns false on bad input (exit 2).
bool prepare_batch_output(const std::string& out_dir, BatchOutput what);

// --jobs as given, or every hardware thread for 0.
int jobs_or_every_thread(int jobs);

// Runs `job` on `jobs` threads of this process, or through `runner` when set (sweep/tune
// --nats), with a progress line on stderr ("COMMAND LABEL: 3/10 seeds") unless !show_progress;
// Ctrl-C stops it (result.interrupted). The single place sweep and tune hand their seeds to an
// engine.
Result<batch::JobResult> run_job_here(const batch::SeedJob& job, int jobs, const char* command,
                                      const std::string& label, bool show_progress,
                                      const JobRunner& runner = {});

// Writes DIR/part.json and prints where, and how to merge; exit code (0, or 3 on I/O error).
int write_part(const batch::PartFile& part, const std::string& out_dir);

}  // namespace backbeat::sim::cli
