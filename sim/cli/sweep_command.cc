// backbeat-sim sweep SCENARIO... --seeds N|A..B: each scenario over the seeds on --jobs threads
// (sim/batch/sweep.h), the failures grouped by signature with a replay command per seed, and with
// --out, sweep.json and junit.xml.
//
// With --shard K/N only the K-th slice of the seeds runs and --out DIR gets DIR/part.json
// (sim/cli/shards.h); `merge` then produces what the one-machine command would (report_sweeps).
//
// Ctrl-C writes nothing: a partial sweep.json or junit.xml would read as a complete sweep to
// whoever (CI) picks it up later. The groups of the seeds finished so far are printed, marked as
// interrupted, and the exit code is 130.
#include "sim/cli/sweep_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "sim/batch/build_identity.h"
#include "sim/batch/junit.h"
#include "sim/batch/seed_range.h"
#include "sim/batch/sweep.h"
#include "sim/batch/sweep_result.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_flags.h"
#include "sim/cli/progress.h"
#include "sim/cli/reproduce_line.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/set_flag.h"
#include "sim/cli/shards.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;

struct Loaded {
  std::string argument;  // as the replay command names it
  scenario::Scenario scenario;
};

// Every scenario the targets name, a folder standing for its *.json files; nullopt (after
// printing every problem) when any target is missing, empty or invalid.
std::optional<std::vector<Loaded>> load_targets(const SweepArgs& args) {
  std::vector<std::string> arguments;
  bool ok = true;
  for (const std::string& target : args.targets) {
    std::error_code ec;
    if (!fs::is_directory(target, ec)) {
      arguments.push_back(target);
      continue;
    }
    std::vector<std::string> files = scenario_files_in(target);
    if (files.empty()) {
      std::fprintf(stderr, "backbeat-sim: sweep %s: a folder without scenario files (*.json)\n",
                   scenario::echo_path(target).c_str());
      ok = false;
    }
    arguments.insert(arguments.end(), files.begin(), files.end());
  }
  std::vector<Loaded> loaded;
  for (const std::string& arg : arguments) {
    scenario::LoadResult r = load_scenario_argument(arg, args.sets);
    if (!r.ok()) {
      for (const scenario::Diagnostic& d : r.errors) {
        std::fprintf(stderr, "%s\n", d.to_string().c_str());
      }
      std::fprintf(stderr, "backbeat-sim: %zu problem(s) in %s\n", r.errors.size(),
                   scenario::echo_path(arg).c_str());
      ok = false;
      continue;
    }
    loaded.push_back({arg, std::move(*r.scenario)});
  }
  if (!ok) return std::nullopt;
  return loaded;
}

Status write_results(const std::string& dir, const std::vector<batch::ScenarioSweep>& sweeps) {
  Status s = make_directories(dir);
  if (s.is_ok()) {
    s = write_file_atomically((fs::path(dir) / "junit.xml").string(), batch::junit_xml(sweeps));
  }
  if (s.is_ok()) {
    const nlohmann::json j = batch::sweep_json(sweeps);
    s = write_file_atomically(
        (fs::path(dir) / "sweep.json").string(),
        j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  return s;
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Run scenarios over many seeds in parallel and group the failures by signature, with a "
      "replay command per seed; --out writes sweep.json and junit.xml");
  cmd->add_option("scenarios", args.targets,
                  "Scenario files, shipped scenarios' names, or folders (every *.json in them "
                  "but schema.json)")
      ->type_name("SCENARIO")
      ->required();
  cmd->add_option("--seeds", args.seeds,
                  "N for seeds 1..N, or A..B for seeds A to B inclusive (at most 10000000)")
      ->type_name("N|A..B")
      ->required();
  cmd->add_option("--jobs,-j", args.jobs,
                  "Parallel simulations (default: every hardware thread); the result is the "
                  "same for any J")
      ->type_name("J");
  cmd->add_option("--out", args.out_dir,
                  "Write sweep.json (schema: sim/batch/sweep.schema.json) and junit.xml (one "
                  "testsuite per scenario, one testcase per seed) in DIR")
      ->type_name("DIR")
      ->check(output_directory_flag(kSweepDirectoryFiles));
  add_set_flag(cmd, args.sets);
  add_shard_flag(cmd, args.shard, "the seeds of --seeds (every scenario gets the same slice)");
  cmd->add_flag("--json", args.json, "Print sweep.json on stdout and nothing else there");
  cmd->add_flag("-q,--quiet", args.quiet, "No progress output");
  cmd->footer(
      "A seed passes when its run meets the scenario's \"expect\" (verdict, and the failing "
      "assertions when named), so a scenario expected to fail passes by failing as named. A "
      "failure signature is the sorted set of failed assertions with how each failed "
      "(above_bound, below_bound, unmeasured), never the measured values.\n"
      "Exit codes: 0 every seed of every scenario met its expectation, 1 some seed did not, 2 "
      "bad input, 3 internal error (I/O; with --nats also a job no worker could run or answer "
      "usably, each named), 130 interrupted (Ctrl-C: the groups so far are "
      "printed and nothing is written). With --shard: 0 the part was written (the verdict is "
      "merge's), 2, 3 or 130 as above (an interrupted shard writes no part).\n"
      "Sharding, e.g. three machines: `sweep swarm --seeds 3000 --shard 1/3 --out p1` (and 2/3, "
      "3/3 into p2, p3), then `backbeat-sim merge p1 p2 p3 --out sweep-out` writes the "
      "sweep.json and junit.xml the one-machine sweep writes, byte for byte.");
  return cmd;
}

void print_sweep_text(const std::vector<batch::ScenarioSweep>& sweeps, std::size_t i) {
  std::printf("%s%s", i > 0 ? "\n" : "", batch::sweep_text(sweeps[i]).c_str());
  std::fflush(stdout);
}

int report_sweeps(const std::vector<batch::ScenarioSweep>& sweeps, const SweepReport& how) {
  if (!how.out_dir.empty()) {
    if (Status s = write_results(how.out_dir, sweeps); !s) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n", scenario::echo_path(how.out_dir).c_str(),
                   s.message().c_str());
      return kExitInternal;
    }
  }
  bool all_as_expected = true;
  std::size_t seeds = 0, as_expected = 0;
  for (const batch::ScenarioSweep& s : sweeps) {
    all_as_expected = all_as_expected && s.all_as_expected();
    seeds += s.records.size();
    as_expected += s.as_expected;
  }
  if (how.json) {
    std::printf("%s\n", batch::sweep_json(sweeps)
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                            .c_str());
  } else {
    if (sweeps.size() > 1) {
      std::printf("\ntotal     %zu scenarios, %zu seeds: %zu as expected, %zu not\n", sweeps.size(),
                  seeds, as_expected, seeds - as_expected);
    }
    std::printf("time      %.1f s wall on %d job(s)\n", how.wall_s, how.jobs);
    if (!how.out_dir.empty()) {
      const std::string dir = shell_quoted(how.out_dir);  // copyable, and inert on a terminal
      std::printf("saved     %s/sweep.json, %s/junit.xml\n", dir.c_str(), dir.c_str());
    }
  }
  std::fflush(stdout);
  return all_as_expected ? kExitPass : kExitFail;
}

int sweep_command(const SweepArgs& args) {
  Result<batch::SeedRange> range = batch::parse_seed_range(args.seeds);
  if (!range) {
    std::fprintf(stderr, "backbeat-sim: --seeds %s: %s\n", scenario::echo_text(args.seeds).c_str(),
                 range.status().message().c_str());
    return kExitBadInput;
  }
  if (args.jobs < 0 || args.jobs > 1024) {
    std::fprintf(stderr, "backbeat-sim: --jobs %d: expected 0..1024 (0: every hardware thread)\n",
                 args.jobs);
    return kExitBadInput;
  }
  std::optional<ShardPlan> plan = plan_shard(args.shard, *range, args.out_dir, args.json);
  if (!plan) return kExitBadInput;
  std::optional<std::vector<Loaded>> loaded = load_targets(args);
  if (!loaded) return kExitBadInput;
  if (!prepare_batch_output(args.out_dir, plan->shard ? BatchOutput::kPart : BatchOutput::kSweep)) {
    return kExitBadInput;
  }
  const int jobs = jobs_or_every_thread(args.jobs);
  install_interrupt_handler();
  const auto wall_start = std::chrono::steady_clock::now();
  batch::PartFile part;
  part.kind = batch::JobKind::kSweep;
  part.first_seed = range->first;
  part.last_seed = range->last;
  part.sets = args.sets;
  part.build = batch::build_identity();
  std::vector<batch::ScenarioSweep> sweeps;
  for (const Loaded& l : *loaded) {
    const batch::SeedJob job =
        batch::seed_job(batch::JobKind::kSweep, l.scenario, plan->seeds.first, plan->seeds.last);
    Result<batch::JobResult> result =
        run_job_here(job, jobs, "sweep", l.scenario.name, !args.quiet && !args.json, args.run_job);
    Result<std::vector<batch::SeedRecord>> records =
        result ? batch::sweep_records(*result)
               : Result<std::vector<batch::SeedRecord>>(result.status());
    if (!records) {
      // Not always a bug: a queue run fails when no worker can use a job (the message says).
      std::fprintf(stderr, "backbeat-sim: sweep: the seeds could not all be run: %s\n",
                   records.status().message().c_str());
      return kExitInternal;
    }
    const bool stopped = result->interrupted;
    if (plan->shard) {
      if (stopped) {
        std::fprintf(stderr,
                     "backbeat-sim: interrupted: shard %s of %s not written (a part holds every "
                     "seed of its shard)\n",
                     plan->shard->text().c_str(), l.scenario.name.c_str());
        return kExitInterrupted;
      }
      part.scenarios.push_back({l.argument, l.scenario.source, job, std::move(*result)});
      continue;
    }
    sweeps.push_back(batch::aggregate(
        batch::sweep_target(l.scenario, l.argument, args.sets, range->first, range->last),
        std::move(*records)));
    if (!args.json) print_sweep_text(sweeps, sweeps.size() - 1);
    if (stopped) {
      std::fprintf(stderr,
                   "backbeat-sim: interrupted: %zu of %llu seeds of %s finished; nothing "
                   "written (a partial sweep would read as complete)\n",
                   sweeps.back().records.size(),
                   static_cast<unsigned long long>(sweeps.back().target.seed_count()),
                   l.scenario.name.c_str());
      return kExitInterrupted;
    }
  }
  if (plan->shard) {
    part.shard = *plan->shard;
    return write_part(part, args.out_dir);
  }
  return report_sweeps(sweeps, {args.out_dir, args.json, jobs, seconds_since(wall_start)});
}

}  // namespace backbeat::sim::cli
