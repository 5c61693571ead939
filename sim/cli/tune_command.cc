// backbeat-sim tune: recommends a beat-budget table from many seeds of one scenario (reports/
// tuner.h), prints it next to the current and the guideline tables, and with --out writes
// tune.json, budgets.json (the scenario's "budgets" object), scenario.tuned.json (the scenario
// with that table) and check/ (a run of the tuned scenario at its own seed, with its reports).
// Its seeds run as one SeedJob (sim/cli/shards.h): here on threads, or with --shard K/N only the
// K-th slice, written as DIR/part.json for `merge`, which renders with the same report_tune.
#include "sim/cli/tune_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "sim/batch/build_identity.h"
#include "sim/batch/seed_range.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/report_files.h"
#include "sim/cli/reproduce_line.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/seed_text.h"
#include "sim/cli/shards.h"
#include "sim/cli/tune_profile.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run_summary.h"
#include "sim/world/world.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;

}  // namespace

int tune_command(const TuneArgs& args) {
  std::string arg = args.scenario.empty() ? default_scenario() : args.scenario;
  scenario::LoadResult loaded = load_scenario_argument(arg, args.sets);
  if (!loaded.ok()) {
    print_load_problems(loaded, arg);
    return kExitBadInput;
  }
  const scenario::Scenario& sc = *loaded.scenario;
  if (args.seeds < 1 || args.seeds > 10'000'000) {
    std::fprintf(stderr, "backbeat-sim: --seeds %d: expected 1..10000000\n", args.seeds);
    return kExitBadInput;
  }
  if (!(args.percentile > 0 && args.percentile <= 100)) {
    std::fprintf(stderr, "backbeat-sim: --percentile %g: expected a number in (0, 100]\n",
                 args.percentile);
    return kExitBadInput;
  }
  if (args.margin < 0 || args.margin > 1000) {
    std::fprintf(stderr, "backbeat-sim: --margin %d: expected 0..1000 beats\n", args.margin);
    return kExitBadInput;
  }
  if (args.jobs < 0 || args.jobs > 1024 || args.resamples < 1 || args.resamples > 100000) {
    std::fprintf(stderr, "backbeat-sim: --jobs expects 0..1024 and --resamples 1..100000\n");
    return kExitBadInput;
  }
  reports::TuneOptions options;
  options.seeds = args.seeds;
  options.first_seed = sc.seed;
  if (args.first_seed && !parse_seed(*args.first_seed, options.first_seed)) {
    std::fprintf(stderr, "backbeat-sim: --first-seed %s: expected an integer 0..2^64-1\n",
                 scenario::echo_text(*args.first_seed).c_str());
    return kExitBadInput;
  }
  options.percentile = args.percentile;
  options.margin = args.margin;
  options.jobs = jobs_or_every_thread(args.jobs);
  options.resamples = args.resamples;
  if (args.profile) {
    if (Status s = check_tune_profile_name(*args.profile); !s) {
      std::fprintf(stderr, "backbeat-sim: %s\n", s.message().c_str());
      return kExitBadInput;
    }
  }

  if (options.first_seed >
      std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(args.seeds - 1)) {
    std::fprintf(stderr, "backbeat-sim: --first-seed %llu with --seeds %d: past 2^64-1\n",
                 static_cast<unsigned long long>(options.first_seed), args.seeds);
    return kExitBadInput;
  }
  const batch::SeedRange all = {options.first_seed,
                                options.first_seed + static_cast<std::uint64_t>(args.seeds - 1)};
  std::optional<ShardPlan> plan = plan_shard(args.shard, all, args.out_dir, args.json);
  if (!plan) return kExitBadInput;
  if (!prepare_batch_output(args.out_dir, plan->shard ? BatchOutput::kPart : BatchOutput::kTune)) {
    return kExitBadInput;
  }

  install_interrupt_handler();
  const auto wall_start = std::chrono::steady_clock::now();
  const batch::SeedJob job =
      batch::seed_job(batch::JobKind::kTune, sc, plan->seeds.first, plan->seeds.last);
  Result<batch::JobResult> ran =
      run_job_here(job, options.jobs, "tune", sc.name, !args.quiet && !args.json, args.run_job);
  Result<std::vector<batch::TuneRecord>> records =
      ran ? batch::tune_records(*ran) : Result<std::vector<batch::TuneRecord>>(ran.status());
  if (!records) {
    // Not always a bug: a queue run fails when no worker can use a job (the message says).
    std::fprintf(stderr, "backbeat-sim: tune: the seeds could not all be run: %s\n",
                 records.status().message().c_str());
    return kExitInternal;
  }
  if (plan->shard) {
    if (ran->interrupted) {
      std::fprintf(stderr,
                   "backbeat-sim: interrupted: shard %s not written (a part holds every seed of "
                   "its shard)\n",
                   plan->shard->text().c_str());
      return kExitInterrupted;
    }
    batch::PartFile part;
    part.kind = batch::JobKind::kTune;
    part.shard = *plan->shard;
    part.first_seed = all.first;
    part.last_seed = all.last;
    part.sets = args.sets;
    part.options = tune_options_json(options);
    if (args.profile) part.options["profile"] = *args.profile;
    part.build = batch::build_identity();
    part.scenarios.push_back({arg, sc.source, job, std::move(*ran)});
    return write_part(part, args.out_dir);
  }
  reports::TuneResult result =
      reports::aggregate_tune(sc, std::move(*records), options, ran->interrupted);
  return report_tune(
      sc, result, {args.out_dir, args.json, options.jobs, seconds_since(wall_start), args.profile});
}

nlohmann::json tune_options_json(const reports::TuneOptions& options) {
  return {{"seeds", options.seeds},
          {"first_seed", options.first_seed},
          {"percentile", options.percentile},
          {"margin", options.margin},
          {"resamples", options.resamples},
          {"confidence", options.confidence},
          {"bootstrap_seed", options.bootstrap_seed}};
}

Result<reports::TuneOptions> parse_tune_options(const nlohmann::json& j) {
  reports::TuneOptions o;
  try {
    o.seeds = j.at("seeds").get<int>();
    o.first_seed = j.at("first_seed").get<std::uint64_t>();
    o.percentile = j.at("percentile").get<double>();
    o.margin = j.at("margin").get<int>();
    o.resamples = j.at("resamples").get<int>();
    o.confidence = j.at("confidence").get<double>();
    o.bootstrap_seed = j.at("bootstrap_seed").get<std::uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid_argument(std::string("part/options: ") + e.what());
  }
  if (o.seeds < 1 || o.seeds > 10'000'000 || !(o.percentile > 0 && o.percentile <= 100) ||
      o.margin < 0 || o.margin > 1000 || o.resamples < 1 || o.resamples > 100000 ||
      !(o.confidence > 0 && o.confidence < 1)) {
    return Status::invalid_argument(
        "part/options: expected seeds 1..10000000, percentile (0, 100], margin 0..1000, "
        "resamples 1..100000, confidence (0, 1)");
  }
  return o;
}

int report_tune(const scenario::Scenario& sc, const reports::TuneResult& result,
                const TuneReport& how) {
  nlohmann::json j = reports::tune_json(result);
  j["jobs"] = how.jobs;
  j["wall_time_s"] = how.wall_s;
  j["source"] = sc.source;

  // The check: the tuned table on the scenario's own seed (skipped when interrupted).
  std::optional<bool> check_passed;
  nlohmann::json tuned_doc = sc.document;
  tuned_doc["budgets"] = result.budgets();
  const std::optional<nlohmann::json> profile_doc =
      how.profile ? std::optional(select_tuned_profile(tuned_doc, *how.profile, result.budgets()))
                  : std::nullopt;
  std::optional<scenario::Scenario> tuned;
  if (!result.interrupted && result.seeds_completed > 0) {
    scenario::LoadResult reloaded =
        scenario::load_scenario_text(tuned_doc.dump(), sc.source + " (tuned budgets)");
    if (!reloaded.ok()) {
      for (const scenario::Diagnostic& d : reloaded.errors) {
        std::fprintf(stderr, "%s\n", d.to_string().c_str());
      }
      std::fprintf(stderr, "backbeat-sim: internal error: the tuned scenario does not load\n");
      return kExitInternal;
    }
    tuned = std::move(*reloaded.scenario);
  }
  RunOutcome check_outcome;
  scenario::RunReport check_report;
  if (tuned) {
    const auto check_start = std::chrono::steady_clock::now();
    check_outcome = run_world(tuned->world, tuned->seed);
    check_report.scenario = &*tuned;
    check_report.outcome = &check_outcome;
    check_report.results =
        scenario::evaluate_assertions(tuned->assertions, tuned->world, check_outcome);
    check_report.wall_time_s = seconds_since(check_start);
    check_passed = check_report.passed();
    j["check"] = {{"seed", tuned->seed},
                  {"verdict", *check_passed ? "pass" : "fail"},
                  {"fingerprint", hex64(check_outcome.fingerprint)}};
  }

  if (!how.out_dir.empty()) {
    fs::path d(how.out_dir);
    Status s = make_directories(how.out_dir);
    if (s.is_ok()) {
      s = write_file_atomically((d / "budgets.json").string(), result.budgets().dump(2) + "\n");
    }
    if (s.is_ok()) {
      s = write_file_atomically((d / "scenario.tuned.json").string(), tuned_doc.dump(2) + "\n");
    }
    if (s.is_ok() && profile_doc) {
      s = write_file_atomically((d / "profile.json").string(), profile_doc->dump(2) + "\n");
    }
    if (s.is_ok()) {
      s = write_file_atomically((d / "tune.txt").string(), reports::tune_text(result));
    }
    if (s.is_ok() && tuned) {
      std::string check_dir = (d / "check").string();
      s = make_directories(check_dir);
      nlohmann::json summary = scenario::run_summary_json(check_report);
      if (s.is_ok()) {
        s = write_file_atomically((fs::path(check_dir) / "scenario.json").string(),
                                  tuned->document.dump(2) + "\n");
      }
      if (s.is_ok()) s = write_report_files(check_dir, check_report, summary);
      if (s.is_ok()) {
        s = write_file_atomically((fs::path(check_dir) / "run.json").string(),
                                  summary.dump(2) + "\n");
      }
    }
    // tune.json last: its presence means the directory is complete (possibly a partial tune).
    if (s.is_ok()) s = write_file_atomically((d / "tune.json").string(), j.dump(2) + "\n");
    if (!s.is_ok()) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n", scenario::echo_path(how.out_dir).c_str(),
                   s.message().c_str());
      return kExitInternal;
    }
  }

  if (how.json) {
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("%s", reports::tune_text(result).c_str());
    std::printf("time      %.1f s wall on %d job(s)\n", how.wall_s, how.jobs);
    if (check_passed) {
      std::printf("check     the recommended table on seed %llu: %s\n",
                  static_cast<unsigned long long>(tuned->seed), *check_passed ? "PASS" : "FAIL");
    }
    if (!how.out_dir.empty()) {
      std::printf(
          "saved     %s (budgets.json; feed back with: backbeat-sim run %s/scenario.tuned.json, "
          "or --set budgets='%s')\n",
          shell_quoted(how.out_dir).c_str(), shell_quoted(how.out_dir).c_str(),
          result.budgets().dump().c_str());
    }
  }
  std::fflush(stdout);
  if (result.interrupted) {
    std::fprintf(stderr, "backbeat-sim: interrupted: the recommendation covers %d of %d seeds\n",
                 result.seeds_completed, result.seeds_requested);
    return kExitInterrupted;
  }
  if (check_passed && !*check_passed) return kExitFail;
  return kExitPass;
}

}  // namespace backbeat::sim::cli
