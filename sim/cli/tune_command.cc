// backbeat-sim tune: recommends a beat-budget table from many seeds of one scenario (reports/
// tuner.h), prints it next to the current and the guideline tables, and with --out writes
// tune.json, budgets.json (the scenario's "budgets" object), scenario.tuned.json (the scenario
// with that table) and check/ (a run of the tuned scenario at its own seed, with its reports).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "reports/tuner.h"
#include "sim/batch/seed_range.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/report_files.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/seed_text.h"
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
  options.jobs = args.jobs > 0
                     ? args.jobs
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.resamples = args.resamples;
  if (args.profile) {
    if (Status s = check_tune_profile_name(*args.profile); !s) {
      std::fprintf(stderr, "backbeat-sim: %s\n", s.message().c_str());
      return kExitBadInput;
    }
  }

  if (!args.out_dir.empty()) {
    Status s = prepare_output_directory(args.out_dir, kTuneDirectoryFiles);
    if (s)
      s = check_output_directory_path((fs::path(args.out_dir) / "check").string(),
                                      kRunDirectoryFiles);
    if (!s) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n",
                   scenario::echo_path(args.out_dir).c_str(), s.message().c_str());
      return kExitBadInput;
    }
  }

  install_interrupt_handler();
  SeedProgress progress("tune", sc.name, !args.quiet && !args.json);
  options.on_seed_done = [&](int done, int total) { progress.seed_done(done, total); };
  options.stop = [] { return interrupted(); };
  const auto wall_start = std::chrono::steady_clock::now();
  reports::TuneResult result = reports::tune(sc, options);
  progress.finish();
  const double wall = seconds_since(wall_start);

  nlohmann::json j = reports::tune_json(result);
  j["jobs"] = options.jobs;
  j["wall_time_s"] = wall;
  j["source"] = sc.source;

  // The check: the tuned table on the scenario's own seed (skipped when interrupted).
  std::optional<bool> check_passed;
  nlohmann::json tuned_doc = sc.document;
  tuned_doc["budgets"] = result.budgets();
  const std::optional<nlohmann::json> profile_doc =
      args.profile ? std::optional(select_tuned_profile(tuned_doc, *args.profile, result.budgets()))
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

  if (!args.out_dir.empty()) {
    fs::path d(args.out_dir);
    Status s = make_directories(args.out_dir);
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
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n",
                   scenario::echo_path(args.out_dir).c_str(), s.message().c_str());
      return kExitInternal;
    }
  }

  if (args.json) {
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("%s", reports::tune_text(result).c_str());
    std::printf("time      %.1f s wall on %d job(s)\n", wall, options.jobs);
    if (check_passed) {
      std::printf("check     the recommended table on seed %llu: %s\n",
                  static_cast<unsigned long long>(tuned->seed), *check_passed ? "PASS" : "FAIL");
    }
    if (!args.out_dir.empty()) {
      std::printf(
          "saved     %s (budgets.json; feed back with: backbeat-sim run %s/scenario.tuned.json, "
          "or --set budgets='%s')\n",
          args.out_dir.c_str(), args.out_dir.c_str(), result.budgets().dump().c_str());
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
