// merge: reads every part (bounded, sim/scenario/bounded_file.h), checks that they are the N
// shards of one command run by one build (sim/batch/part_file.h), then aggregates their records
// with the same pure functions and renders them with the same code as the one-machine sweep
// (report_sweeps) or tune (report_tune). Any problem is reported for every part before exit 2,
// and nothing is written.
#include "sim/cli/merge_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "reports/tuner.h"
#include "sim/batch/part_file.h"
#include "sim/batch/sweep_result.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/shards.h"
#include "sim/cli/sweep_command.h"
#include "sim/cli/tune_command.h"
#include "sim/cli/tune_profile.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/untrusted_json.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;

struct NamedPart {
  std::string path;  // as read: the argument, or ARGUMENT/part.json
  batch::PartFile part;
};

Result<batch::PartFile> read_part(const std::string& path) {
  Result<std::string> text =
      scenario::read_bounded_file(path, batch::kMaxPartFileBytes, "part file");
  if (!text) return text.status();
  Result<nlohmann::json> j = scenario::parse_untrusted_json(*text);
  if (!j && j.status().message().starts_with("not JSON")) {
    return Status::invalid_argument(
        "not JSON (truncated, or not a part.json written by sweep/tune --shard)");
  }
  if (!j) return j.status();
  return batch::parse_part_file(*j);
}

// Every part, or nullopt after printing each problem.
std::optional<std::vector<NamedPart>> read_parts(const std::vector<std::string>& arguments) {
  std::vector<NamedPart> parts;
  bool ok = true;
  for (const std::string& arg : arguments) {
    std::error_code ec;
    const std::string path =
        fs::is_directory(arg, ec) ? (fs::path(arg) / batch::kPartFileName).string() : arg;
    Result<batch::PartFile> part = read_part(path);
    if (!part) {
      std::fprintf(stderr, "backbeat-sim: merge %s: %s\n", scenario::echo_path(path).c_str(),
                   part.status().message().c_str());
      ok = false;
      continue;
    }
    parts.push_back({path, std::move(*part)});
  }
  if (!ok) return std::nullopt;
  return parts;
}

// Whether the parts are the N shards of one command, each once; prints every problem.
bool check_parts(const std::vector<NamedPart>& parts) {
  bool ok = true;
  const NamedPart& first = parts.front();
  for (const NamedPart& p : parts) {
    std::string why = batch::part_mismatch(first.part, p.part);
    if (!why.empty()) {
      std::fprintf(stderr, "backbeat-sim: merge %s: not a shard of the same %s as %s: %s\n",
                   scenario::echo_path(p.path).c_str(), batch::job_kind_name(first.part.kind),
                   scenario::echo_path(first.path).c_str(), why.c_str());
      ok = false;
    }
  }
  if (!ok) return false;
  std::map<int, std::string> by_index;
  for (const NamedPart& p : parts) {
    auto [it, inserted] = by_index.emplace(p.part.shard.index, p.path);
    if (!inserted) {
      std::fprintf(stderr, "backbeat-sim: merge: shard %s given twice: %s and %s\n",
                   p.part.shard.text().c_str(), scenario::echo_path(it->second).c_str(),
                   scenario::echo_path(p.path).c_str());
      ok = false;
    }
  }
  const int count = first.part.shard.count;
  int missing = 0;
  for (int k = 1; k <= count; ++k) {
    if (by_index.count(k)) continue;
    if (++missing <= 20)
      std::fprintf(stderr, "backbeat-sim: merge: shard %d/%d missing\n", k, count);
  }
  if (missing > 20) {
    std::fprintf(stderr, "backbeat-sim: merge: %d more shards missing\n", missing - 20);
  }
  return ok && missing == 0;
}

}  // namespace

CLI::App* add_merge_command(CLI::App& app, MergeArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combine the parts of a sharded sweep or tune (--shard K/N) into exactly the output of the "
      "one-machine command");
  cmd->add_option("parts", args.parts,
                  "part.json files, or the --out directories of the shards holding one")
      ->type_name("PART")
      ->required();
  cmd->add_option("--out", args.out_dir,
                  "Write what the one-machine command's --out writes in DIR: sweep.json and "
                  "junit.xml for a sweep; tune.json, tune.txt, budgets.json, "
                  "scenario.tuned.json and check/ for a tune")
      ->type_name("DIR");
  cmd->add_option("--jobs,-j", args.jobs,
                  "Threads for tune's bootstrap intervals (default: every hardware thread); the "
                  "result is the same for any J")
      ->type_name("J");
  cmd->add_flag("--json", args.json, "Print sweep.json or tune.json on stdout and nothing else");
  cmd->footer(
      "Every shard 1/N..N/N must be given once, all of the same command (kind, scenarios and "
      "their digests, --set, seeds, tune's options) and of the same build (version, compiler, "
      "commit, canary fingerprint): a missing, duplicated or foreign part is named and nothing "
      "is written. The output is byte-identical to the one-machine command's, except tune.json's "
      "\"jobs\" and \"wall_time_s\" (and check/'s wall times, which differ between any two "
      "runs); the time line reports the merge itself.\n"
      "Example (Slurm, Kubernetes: examples/slurm, examples/kubernetes): backbeat-sim sweep "
      "swarm --seeds 3000 --shard $SLURM_ARRAY_TASK_ID/3 --out parts/$SLURM_ARRAY_TASK_ID; "
      "then backbeat-sim merge parts/* --out sweep-out\n"
      "Exit codes: those of the merged command (sweep: 0 every seed as expected, 1 not; tune: 0 "
      "the tuned table passes its check, 1 not), 2 bad input (a part unreadable, foreign, "
      "missing or duplicated), 3 internal error (I/O).");
  return cmd;
}

int merge_command(const MergeArgs& args) {
  if (args.jobs < 0 || args.jobs > 1024) {
    std::fprintf(stderr, "backbeat-sim: --jobs %d: expected 0..1024 (0: every hardware thread)\n",
                 args.jobs);
    return kExitBadInput;
  }
  const auto wall_start = std::chrono::steady_clock::now();
  std::optional<std::vector<NamedPart>> parts = read_parts(args.parts);
  if (!parts || !check_parts(*parts)) return kExitBadInput;
  const batch::PartFile& first = parts->front().part;
  const bool tune = first.kind == batch::JobKind::kTune;
  if (tune && first.scenarios.size() != 1) {
    std::fprintf(stderr,
                 "backbeat-sim: merge %s: part/scenarios: a tune has one scenario, not %zu\n",
                 scenario::echo_path(parts->front().path).c_str(), first.scenarios.size());
    return kExitBadInput;
  }

  if (!prepare_batch_output(args.out_dir, tune ? BatchOutput::kTune : BatchOutput::kSweep)) {
    return kExitBadInput;
  }
  const int jobs = jobs_or_every_thread(args.jobs);

  // Scenario i of every part: its records pooled, aggregated as the one-machine command does.
  std::vector<batch::ScenarioSweep> sweeps;
  for (std::size_t i = 0; i < first.scenarios.size(); ++i) {
    const batch::PartScenario& head = first.scenarios[i];
    Result<scenario::Scenario> sc = batch::load_job_scenario(head.job, head.source);
    if (!sc) {
      std::fprintf(stderr, "backbeat-sim: merge %s: %s\n",
                   scenario::echo_path(parts->front().path).c_str(), sc.status().message().c_str());
      return kExitBadInput;
    }
    if (tune) {
      Result<reports::TuneOptions> options = parse_tune_options(first.options);
      std::vector<batch::TuneRecord> records;
      for (const NamedPart& p : *parts) {
        Result<std::vector<batch::TuneRecord>> r = batch::tune_records(p.part.scenarios[i].result);
        if (!r) return kExitInternal;  // parse_part_file checked every record
        records.insert(records.end(), r->begin(), r->end());
      }
      if (!options) {
        std::fprintf(stderr, "backbeat-sim: merge %s: %s\n",
                     scenario::echo_path(parts->front().path).c_str(),
                     options.status().message().c_str());
        return kExitBadInput;
      }
      options->jobs = jobs;
      // tune --shard --profile NAME: the parts carry the name (the parts agree on their options).
      std::optional<std::string> profile;
      if (auto named = first.options.find("profile"); named != first.options.end()) {
        Status checked = named->is_string() ? check_tune_profile_name(named->get<std::string>())
                                            : Status::invalid_argument("expected a string");
        if (!checked) {
          std::fprintf(stderr, "backbeat-sim: merge %s: part/options/profile: %s\n",
                       scenario::echo_path(parts->front().path).c_str(), checked.message().c_str());
          return kExitBadInput;
        }
        profile = named->get<std::string>();
      }
      reports::TuneResult result =
          reports::aggregate_tune(*sc, std::move(records), *options, false);
      return report_tune(*sc, result,
                         {args.out_dir, args.json, jobs, seconds_since(wall_start), profile});
    }
    std::vector<batch::SeedRecord> records;
    for (const NamedPart& p : *parts) {
      Result<std::vector<batch::SeedRecord>> r = batch::sweep_records(p.part.scenarios[i].result);
      if (!r) return kExitInternal;  // parse_part_file checked every record
      records.insert(records.end(), r->begin(), r->end());
    }
    sweeps.push_back(batch::aggregate(
        batch::sweep_target(*sc, head.argument, first.sets, first.first_seed, first.last_seed),
        std::move(records)));
    if (!args.json) print_sweep_text(sweeps, i);
  }
  return report_sweeps(sweeps, {args.out_dir, args.json, jobs, seconds_since(wall_start)});
}

}  // namespace backbeat::sim::cli
