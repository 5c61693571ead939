#include "sim/cli/shards.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/reproduce_line.h"
#include "sim/cli/sweep_command.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {

void add_shard_flag(CLI::App* cmd, std::string& shard, const std::string& what) {
  cmd->add_option("--shard", shard,
                  fmt::format("Run only the K-th of N contiguous slices of {} and write "
                              "DIR/part.json (needs --out DIR); `backbeat-sim merge` combines "
                              "the N parts into exactly this command's output. K is 1-based: "
                              "from a Slurm array --array=1-N use $SLURM_ARRAY_TASK_ID/N, from a "
                              "Kubernetes Indexed Job $((JOB_COMPLETION_INDEX+1))/N",
                              what))
      ->type_name("K/N");
}

std::optional<ShardPlan> plan_shard(const std::string& shard, const batch::SeedRange& all,
                                    const std::string& out_dir, bool json) {
  ShardPlan plan;
  plan.seeds = all;
  if (shard.empty()) return plan;
  const std::string flag = "--shard " + scenario::echo_text(shard);
  Result<batch::Shard> parsed = batch::parse_shard(shard);
  Result<batch::SeedRange> slice =
      parsed ? batch::shard_range(all, *parsed) : Result<batch::SeedRange>(parsed.status());
  if (!slice) {
    std::fprintf(stderr, "backbeat-sim: %s: %s\n", flag.c_str(), slice.status().message().c_str());
    return std::nullopt;
  }
  if (out_dir.empty()) {
    std::fprintf(stderr,
                 "backbeat-sim: %s: a shard writes its part to DIR/part.json: give --out DIR\n",
                 flag.c_str());
    return std::nullopt;
  }
  if (json) {
    std::fprintf(stderr,
                 "backbeat-sim: %s: --json prints a whole result, a shard writes a part: use "
                 "--json on `backbeat-sim merge`\n",
                 flag.c_str());
    return std::nullopt;
  }
  plan.shard = *parsed;
  plan.seeds = *slice;
  return plan;
}

bool prepare_batch_output(const std::string& out_dir, BatchOutput what) {
  if (out_dir.empty()) return true;
  Status s = what == BatchOutput::kPart    ? prepare_output_directory(out_dir, kShardDirectoryFiles)
             : what == BatchOutput::kSweep ? prepare_output_directory(out_dir, kSweepDirectoryFiles)
                                           : prepare_output_directory(out_dir, kTuneDirectoryFiles);
  if (s && what == BatchOutput::kTune) {
    s = check_output_directory_path((std::filesystem::path(out_dir) / "check").string(),
                                    kRunDirectoryFiles);
  }
  if (!s) {
    std::fprintf(stderr, "backbeat-sim: --out %s: %s\n", scenario::echo_path(out_dir).c_str(),
                 s.message().c_str());
  }
  return s.is_ok();
}

int jobs_or_every_thread(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Result<batch::JobResult> run_job_here(const batch::SeedJob& job, int jobs, const char* command,
                                      const std::string& label, bool show_progress,
                                      const JobRunner& runner) {
  SeedProgress progress(command, label, show_progress);
  batch::JobRunOptions options;
  options.jobs = jobs;
  options.on_seed_done = [&](int done, int total) { progress.seed_done(done, total); };
  options.stop = [] { return interrupted(); };
  Result<batch::JobResult> result =
      runner ? runner(job, options) : batch::run_seed_job(job, options);
  progress.finish();
  return result;
}

int write_part(const batch::PartFile& part, const std::string& out_dir) {
  const std::string path = (std::filesystem::path(out_dir) / batch::kPartFileName).string();
  Status s = make_directories(out_dir);
  if (s.is_ok())
    s = write_file_atomically(path, batch::part_file_json(part).dump(
                                        -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                                        "\n");
  if (!s.is_ok()) {
    std::fprintf(stderr, "backbeat-sim: --out %s: %s\n", scenario::echo_path(out_dir).c_str(),
                 s.message().c_str());
    return kExitInternal;
  }
  const batch::JobResult& first = part.scenarios.front().result;
  std::printf(
      "shard     %s of %s: seeds %llu..%llu of %llu..%llu, %zu scenario(s)\n"
      "saved     %s (combine the %d parts with: backbeat-sim merge PART_DIRS... --out DIR)\n",
      part.shard.text().c_str(), batch::job_kind_name(part.kind),
      static_cast<unsigned long long>(first.first_seed),
      static_cast<unsigned long long>(first.last_seed),
      static_cast<unsigned long long>(part.first_seed),
      static_cast<unsigned long long>(part.last_seed), part.scenarios.size(),
      shell_quoted(path).c_str(), part.shard.count);
  std::fflush(stdout);
  return kExitPass;
}

}  // namespace backbeat::sim::cli
