// backbeat-sim shrink: reduces a failing run to a small scenario that still fails the same
// assertions (sim/batch/shrinker.h). Writes, in --out DIR: scenario.materialised.json (the input
// with every seed-derived choice explicit), scenario.min.json, shrink.log (every candidate tried)
// and run/ (the run directory of the minimal failure, reports included); prints the before/after.
#include "sim/cli/shrink_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sim/batch/seed_range.h"
#include "sim/batch/shrinker.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/reproduce_line.h"
#include "sim/cli/run_driver.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/untrusted_json.h"
#include "sim/world/world.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;
using scenario::echo_path;
using scenario::echo_text;

int bad_input(const std::string& message) {
  std::fprintf(stderr, "backbeat-sim: shrink: %s\n", message.c_str());
  return kExitBadInput;
}

std::string shrink_log(const batch::ShrinkResult& r, const std::string& source,
                       std::uint64_t seed) {
  std::string out = fmt::format(
      "# backbeat-sim shrink {} --seed {}\n# keeps failing: {}\n# one line per candidate: "
      "pass | still fails | runs used so far | what it changed\n",
      source, seed, fmt::join(r.failing, "; "));
  for (const batch::ShrinkStep& s : r.log) {
    out +=
        fmt::format("{:<14} {:<8} {:>5}  {}\n", s.pass,
                    !s.loaded ? "invalid" : (s.still_fails ? "FAILS" : "passes"), s.runs, s.change);
  }
  out += fmt::format(
      "# {} runs{}{}\n", r.runs,
      r.budget_exhausted ? "; stopped at --max-runs: the result may shrink further" : "",
      r.stopped ? "; interrupted: the smallest failure so far" : "");
  return out;
}

std::string before_after(const batch::ScenarioShape& a, const batch::ScenarioShape& b) {
  auto row = [](const std::string& what, const std::string& x, const std::string& y) {
    return fmt::format("  {:<10} {:>24}  {:>24}\n", what, x, y);
  };
  std::string out = row("", "before", "after");
  out += row("faults", std::to_string(a.faults), std::to_string(b.faults));
  out += row("agents", std::to_string(a.agents), std::to_string(b.agents));
  out += row("groups", std::to_string(a.groups), std::to_string(b.groups));
  out +=
      row("duration", scenario::format_duration(a.duration), scenario::format_duration(b.duration));
  for (std::size_t i = 0; i < std::max(a.workload.size(), b.workload.size()); ++i) {
    out += row(i == 0 ? "workload" : "", i < a.workload.size() ? a.workload[i] : "-",
               i < b.workload.size() ? b.workload[i] : "-");
  }
  return out;
}

}  // namespace

int shrink_command(const ShrinkArgs& args) {
  // The input: a run directory (scenario.json + run.json's seed) or a scenario and a seed.
  std::string scenario_arg = args.target;
  std::optional<std::string> seed_text = args.seed;
  std::error_code ec;
  const bool from_run_dir = fs::is_directory(args.target, ec);
  if (from_run_dir) {
    fs::path dir(args.target);
    // Bounded in size and nesting, as every run.json reader (sim/scenario/untrusted_json.h).
    Result<std::string> text = scenario::read_bounded_file((dir / "run.json").string(),
                                                           scenario::kMaxRunFileBytes, "run file");
    Result<nlohmann::json> parsed =
        text ? scenario::parse_untrusted_json(*text) : Result<nlohmann::json>(text.status());
    const nlohmann::json run = parsed ? std::move(parsed).value() : nlohmann::json();
    if (!run.is_object() || !run.contains("seed") || !run["seed"].is_number_unsigned() ||
        !fs::exists(dir / "scenario.json", ec)) {
      return bad_input(fmt::format(
          "{}: not a run directory: expected scenario.json and run.json with \"seed\" (written "
          "by run --out)",
          echo_path(args.target)));
    }
    scenario_arg = (dir / "scenario.json").string();
    if (!seed_text) seed_text = std::to_string(run["seed"].get<std::uint64_t>());
  }
  if (args.max_runs < 1 || args.max_runs > 1'000'000) {
    return bad_input(fmt::format("--max-runs {}: expected 1..1000000", args.max_runs));
  }
  if (args.jobs < 0 || args.jobs > 1024) {
    return bad_input(
        fmt::format("--jobs {}: expected 0..1024 (0 = every hardware thread)", args.jobs));
  }
  scenario::LoadResult loaded = load_scenario_argument(scenario_arg, args.sets);
  if (!loaded.ok()) {
    for (const scenario::Diagnostic& d : loaded.errors) {
      std::fprintf(stderr, "%s\n", d.to_string().c_str());
    }
    return bad_input(
        fmt::format("{} problem(s) in {}", loaded.errors.size(), echo_path(scenario_arg)));
  }
  const scenario::Scenario& sc = *loaded.scenario;
  std::uint64_t seed = sc.seed;
  if (seed_text && !batch::parse_seed(*seed_text, seed)) {
    return bad_input(fmt::format("--seed {}: expected an integer 0..2^64-1 (decimal or 0x hex)",
                                 echo_text(*seed_text)));
  }
  std::string out_dir = args.out_dir;
  if (out_dir.empty()) {
    out_dir = from_run_dir ? (fs::path(args.target) / "shrink").string()
                           : fmt::format("shrink-{}-{}", sc.name, seed);
  }
  Status s = prepare_output_directory(out_dir, kShrinkDirectoryFiles);
  if (s) s = check_output_directory_path((fs::path(out_dir) / "run").string(), kRunDirectoryFiles);
  if (!s) return bad_input(fmt::format("--out {}: {}", echo_path(out_dir), s.message()));

  install_interrupt_handler();
  batch::ShrinkOptions options;
  options.assertions = args.assertions;
  options.max_runs = args.max_runs;
  options.jobs = args.jobs > 0
                     ? args.jobs
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.stop = [] { return interrupted(); };
  const auto wall_start = std::chrono::steady_clock::now();
  std::string last_pass;
  int last_reported = 0;
  // On a terminal one self-overwriting line (the pass, runs against the budget, wall time);
  // otherwise a line when a pass starts and every 50 runs: shrinking takes seconds to minutes.
  ProgressLine line("shrink " + sc.name, !args.quiet);
  if (!args.quiet) {
    options.on_progress = [&](const std::string& pass, int runs) {
      const std::string status = fmt::format("pass {}, {} runs of at most {}, {:.1f} s", pass, runs,
                                             options.max_runs, seconds_since(wall_start));
      if (line.drawn()) {
        line.show(status);
        return;
      }
      if (pass == last_pass && runs - last_reported < 50) return;
      last_pass = pass;
      last_reported = runs;
      std::fprintf(stderr, "shrink %s: %s\n", sc.name.c_str(), status.c_str());
    };
  }
  Result<batch::ShrinkResult> shrunk = batch::shrink(sc, seed, options);
  line.finish();
  if (!shrunk.is_ok()) {
    std::fprintf(stderr, "backbeat-sim: shrink: %s\n", shrunk.status().message().c_str());
    return shrunk.status().code() == StatusCode::kInvalidArgument ? kExitBadInput : kExitInternal;
  }
  const double wall = seconds_since(wall_start);
  batch::ShrinkResult& r = *shrunk;

  // scenario.min.json says what it is and that it is expected to fail.
  nlohmann::json& min = r.minimal;
  min["description"] = fmt::format(
      "Shrunk by backbeat-sim shrink from {} seed {} in {} runs; still fails: {}. Original: {}",
      sc.name, seed, r.runs, fmt::join(r.failing, "; "), sc.description);
  min["expect"] = "fail";
  scenario::LoadResult final_loaded = scenario::load_scenario_text(min.dump(), "scenario.min.json");
  if (!final_loaded.ok()) {
    std::fprintf(stderr, "backbeat-sim: shrink: internal error: scenario.min.json does not load\n");
    return kExitInternal;
  }
  const scenario::Scenario& final_sc = *final_loaded.scenario;
  RunOutcome outcome = run_world(final_sc.world, final_sc.seed);
  scenario::RunReport report;
  report.scenario = &final_sc;
  report.outcome = &outcome;
  report.results = scenario::evaluate_assertions(final_sc.assertions, final_sc.world, outcome);
  nlohmann::json summary = scenario::run_summary_json(report);

  fs::path d(out_dir);
  s = write_file_atomically((d / "scenario.materialised.json").string(),
                            r.materialised.dump(2) + "\n");
  if (s) s = write_file_atomically((d / "shrink.log").string(), shrink_log(r, sc.source, seed));
  if (s) s = write_run_directory((d / "run").string(), final_sc, summary, report);
  // scenario.min.json last: its presence means the directory is complete.
  if (s) s = write_file_atomically((d / "scenario.min.json").string(), min.dump(2) + "\n");
  if (!s) {
    std::fprintf(stderr, "backbeat-sim: shrink: --out %s: %s\n", echo_path(out_dir).c_str(),
                 s.message().c_str());
    return kExitInternal;
  }

  std::printf("shrink    %s seed %llu: %d runs in %.1f s on %d job(s)\n", sc.name.c_str(),
              static_cast<unsigned long long>(seed), r.runs, wall, options.jobs);
  std::printf("fails     %s\n", fmt::format("{}", fmt::join(r.failing, "; ")).c_str());
  std::printf("%s",
              before_after(batch::shape_of(sc.world), batch::shape_of(final_sc.world)).c_str());
  std::printf(
      "saved     %s/scenario.min.json (run: backbeat-sim run %s/scenario.min.json), "
      "shrink.log, run/\n",
      shell_quoted(out_dir).c_str(), shell_quoted(out_dir).c_str());
  if (r.budget_exhausted) {
    std::printf("note      stopped at --max-runs %d: the result may shrink further\n",
                args.max_runs);
  }
  std::fflush(stdout);
  return r.stopped ? kExitInterrupted : kExitPass;
}

}  // namespace backbeat::sim::cli
