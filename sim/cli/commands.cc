#include "sim/cli/commands.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/batch/seed_range.h"
#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/reproduce_line.h"
#include "sim/cli/run_driver.h"
#include "sim/cli/saved_run.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/seed_text.h"
#include "sim/cli/stderr_log.h"
#include "sim/cli/text_report.h"
#include "sim/cli/trace_sinks.h"
#include "sim/harness/backbeat_settings.h"
#include "sim/kernel/determinism.h"
#include "sim/kernel/jsonl_trace_writer.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/budget_profile_choice.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run_summary.h"
#include "sim/world/timeline_jsonl.h"
#include "sim/world/timeline_window.h"
#include "sim/world/world.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;
using scenario::LoadResult;
using scenario::Scenario;

std::string echo(const std::string& text) {
  return scenario::echo_text(text);
}
std::string echo_path(const std::string& path) {
  return scenario::echo_path(path);
}

void print_diagnostics(const LoadResult& loaded) {
  std::fputs(loaded.problems_text().c_str(), stderr);
}

// One executed run: its outcome, verdict and summary. Not movable: `report` points into it.
struct Executed {
  RunOutcome outcome;
  scenario::RunReport report;
  std::optional<DeterminismResult> determinism;
  std::optional<TimelineWindow> timeline_window;  // report.timeline_window points here

  Executed() = default;
  Executed(const Executed&) = delete;
  Executed& operator=(const Executed&) = delete;
};

// Runs `sc` twice through check_determinism(); `first` receives the first run's outcome (the one
// that also streams to `trace`).
DeterminismResult run_checked(const Scenario& sc, std::uint64_t seed, TraceSink* trace,
                              TimelineSink* timeline, bool show_progress, Logger* agent_log,
                              std::optional<RunOutcome>& first) {
  int run = 0;
  SimulationFn simulate = [&](TraceRecorder& recorder) {
    ++run;
    RecorderForwarder forward(recorder);
    TeeSink tee;
    tee.add(&forward);
    if (run == 1) tee.add(trace);
    ProgressLine progress(fmt::format("{} (determinism run {})", sc.name, run), show_progress);
    RunOptions options;
    options.trace_sink = &tee;
    if (run == 1) options.timeline_sink = timeline;
    if (run == 1) options.agent_log = agent_log;  // the second run would repeat every line
    options.progress = [&](double f) { return progress.update(f); };
    RunOutcome outcome = run_world(sc.world, seed, options);
    progress.finish();
    if (!first) first = std::move(outcome);
  };
  return check_determinism(simulate);
}

// The timeline sinks of one run: --timeline FILE, DIR/timeline.jsonl and the report's window
// for --out DIR. Empty (and free) when neither flag is given.
struct TimelineOutputs {
  std::vector<std::pair<std::string, std::unique_ptr<TimelineJsonlWriter>>> writers;  // flag, sink
  std::unique_ptr<TimelineWindowSink> window;
  TimelineTee tee;

  TimelineSink* sink() { return tee.empty() ? nullptr : &tee; }
};

// Opens the timeline outputs `flags` and `out_dir` ask for; prints and returns false on failure.
bool open_timeline_outputs(const RunFlags& flags, const std::string& out_dir,
                           TimelineOutputs& outputs) {
  auto add = [&](const std::string& flag, const std::string& path) {
    if (names_standard_output(path)) {
      outputs.writers.emplace_back(flag, TimelineJsonlWriter::to_stream(stdout));
    } else {
      Result<std::string> target = resolve_output_file(path);
      auto opened = target ? TimelineJsonlWriter::open(*target)
                           : Result<std::unique_ptr<TimelineJsonlWriter>>(target.status());
      if (!opened.is_ok()) {
        std::fprintf(stderr, "backbeat-sim: %s %s: %s\n", flag.c_str(), echo_path(path).c_str(),
                     opened.status().message().c_str());
        return false;
      }
      outputs.writers.emplace_back(flag, std::move(*opened));
    }
    outputs.tee.add(outputs.writers.back().second.get());
    return true;
  };
  if (!flags.timeline_file.empty() && !add("--timeline", flags.timeline_file)) return false;
  if (!out_dir.empty()) {
    if (!add("--out", (fs::path(out_dir) / "timeline.jsonl").string())) return false;
    outputs.window = std::make_unique<TimelineWindowSink>();
    outputs.tee.add(outputs.window.get());
  }
  return true;
}

// Runs `sc` with `seed` (twice with `check_determinism`) and evaluates its assertions. With
// `out_dir`, the timeline goes to DIR/timeline.jsonl and its window to the report. With
// `stop_after_s`, stops where an interrupted run stopped: at the first progress point that covers
// that much virtual time (the point the interrupted run reached, whatever the slicing). On a
// problem that prevents a result, prints it and sets `code`.
std::unique_ptr<Executed> execute(const Scenario& sc, std::uint64_t seed, const RunFlags& flags,
                                  bool check_determinism, int& code,
                                  const std::string& out_dir = {},
                                  std::optional<double> stop_after_s = std::nullopt) {
  const bool trace_to_stdout = names_standard_output(flags.trace_file);
  const bool timeline_to_stdout = names_standard_output(flags.timeline_file);
  if (timeline_to_stdout && (flags.json || trace_to_stdout)) {
    std::fprintf(stderr,
                 "backbeat-sim: --timeline %s: %s prints on standard output too; send the "
                 "timeline to a file\n",
                 echo_path(flags.timeline_file).c_str(), flags.json ? "--json" : "--trace -");
    code = kExitBadInput;
    return nullptr;
  }
  std::unique_ptr<JsonlTraceWriter> trace;
  if (names_standard_output(flags.trace_file)) {
    if (flags.json) {
      std::fprintf(stderr,
                   "backbeat-sim: --trace %s: --json prints on standard output too; send the "
                   "trace to a file\n",
                   echo_path(flags.trace_file).c_str());
      code = kExitBadInput;
      return nullptr;
    }
    trace = JsonlTraceWriter::to_stream(stdout);
  } else if (!flags.trace_file.empty()) {
    // Checked at parse time (output_flags.h); resolved here so a symlink to a regular file is
    // followed and stays a symlink.
    Result<std::string> target = resolve_output_file(flags.trace_file);
    auto opened = target ? JsonlTraceWriter::open(*target)
                         : Result<std::unique_ptr<JsonlTraceWriter>>(target.status());
    if (!opened.is_ok()) {
      std::fprintf(stderr, "backbeat-sim: --trace %s: %s\n", echo_path(flags.trace_file).c_str(),
                   opened.status().message().c_str());
      code = kExitBadInput;
      return nullptr;
    }
    trace = std::move(*opened);
  }
  // After the trace, so a trace that cannot be opened leaves no timeline behind.
  TimelineOutputs timeline;
  if (!open_timeline_outputs(flags, out_dir, timeline)) {
    code = kExitBadInput;
    return nullptr;
  }
  install_interrupt_handler();
  const bool show_progress = !flags.quiet && !flags.json && !flags.verbose;
  StderrLog stderr_log;
  Logger* agent_log = flags.verbose ? &stderr_log : nullptr;
  auto ex = std::make_unique<Executed>();
  const auto wall_start = std::chrono::steady_clock::now();
  if (!check_determinism) {
    ProgressLine progress(sc.name, show_progress);
    RunOptions options;
    options.trace_sink = trace.get();
    options.agent_log = agent_log;
    options.timeline_sink = timeline.sink();
    const double duration_s = to_seconds(sc.world.duration);
    options.progress = [&](double f) {
      // 1 µs of slack: sim_time_s was saved as a double.
      if (stop_after_s && f * duration_s >= *stop_after_s - 1e-6) return false;
      return progress.update(f);
    };
    ex->outcome = run_world(sc.world, seed, options);
    progress.finish();
  } else {
    std::optional<RunOutcome> first;
    ex->determinism =
        run_checked(sc, seed, trace.get(), timeline.sink(), show_progress, agent_log, first);
    ex->outcome = std::move(*first);
  }
  ex->report.wall_time_s = seconds_since(wall_start);
  if (trace) {
    Status closed = trace->close();
    if (!closed.is_ok()) {
      std::fprintf(stderr, "backbeat-sim: --trace %s: %s\n", echo_path(flags.trace_file).c_str(),
                   closed.message().c_str());
      code = kExitInternal;
      return nullptr;
    }
  }
  for (auto& [flag, writer] : timeline.writers) {
    Status closed = writer->close();
    if (!closed.is_ok()) {
      std::fprintf(stderr, "backbeat-sim: %s: %s\n", flag.c_str(), closed.message().c_str());
      code = kExitInternal;
      return nullptr;
    }
  }
  if (timeline.window) {
    ex->timeline_window = timeline.window->window();
    if (ex->timeline_window) ex->report.timeline_window = &*ex->timeline_window;
  }
  ex->report.scenario = &sc;
  ex->report.outcome = &ex->outcome;
  ex->report.results = scenario::evaluate_assertions(sc.assertions, sc.world, ex->outcome);
  ex->report.interrupted = interrupted();
  return ex;
}

// Loads a scenario argument (a path or a shipped scenario's name) with overrides.
std::optional<Scenario> load(const std::string& arg, const std::vector<std::string>& sets) {
  LoadResult loaded = load_scenario_argument(arg, sets);
  if (!loaded.ok()) {
    print_load_problems(loaded, arg);
    return std::nullopt;
  }
  return std::move(*loaded.scenario);
}

// The --backbeat-* flags as a settings layer; kInvalidArgument naming the flag.
Result<BackbeatSettings> flag_settings(const BackbeatFlags& flags) {
  BackbeatSettings out;
  if (flags.enabled) {
    out.enabled = parse_enabled(*flags.enabled);
    if (!out.enabled) {
      return Status::invalid_argument(
          fmt::format("{}: expected true or false (1/0, yes/no, on/off), got '{}'",
                      kBackbeatFlagNames.enabled, echo(*flags.enabled)));
    }
  }
  if (flags.claim_states) {
    out.claim_state_words = parse_claim_state_words(*flags.claim_states);
    if (!out.claim_state_words) {
      return Status::invalid_argument(fmt::format("{}: expected 'contract' or 'legacy', got '{}'",
                                                  kBackbeatFlagNames.claim_state_words,
                                                  echo(*flags.claim_states)));
    }
  }
  out.cluster_id = flags.cluster_id;
  out.agent_id = flags.agent_id;
  out.budget_profile = flags.budget_profile;
  return out;
}

// Applies the BACKBEAT settings to `sc`: flags over CHORUS_BACKBEAT_* over the scenario, or, for
// a replay of a run directory, the settings the run recorded (its environment then is ignored:
// the replay must run what the run ran). Prints where each value came from unless quiet/json.
// Returns an exit code when the run cannot go on.
std::optional<int> configure_backbeat(Scenario& sc, const RunFlags& flags,
                                      const nlohmann::json* recorded) {
  const bool show = !flags.quiet && !flags.json;
  std::vector<std::string> lines;
  if (recorded != nullptr) {
    if (Status s = apply_backbeat_record(sc.world, *recorded); !s) {
      std::fprintf(stderr, "backbeat-sim: %s\n", s.message().c_str());
      return kExitBadInput;
    }
    lines.push_back(
        "backbeat  the settings recorded in run.json (flags and CHORUS_BACKBEAT_* are not "
        "read for a replay of a run directory)");
  } else {
    Result<BackbeatSettings> from_flags = flag_settings(flags.backbeat);
    Result<BackbeatSettings> from_env =
        from_flags ? BackbeatSettings::from_environment(process_environment())
                   : Result<BackbeatSettings>(from_flags.status());
    Result<std::vector<std::string>> applied =
        from_env ? apply_backbeat_layers(sc.world, {*from_flags, *from_env},
                                         /*connects_to_nats=*/false)
                 : Result<std::vector<std::string>>(from_env.status());
    if (!applied) {
      std::fprintf(stderr, "backbeat-sim: %s\n", applied.status().message().c_str());
      return kExitBadInput;
    }
    lines = std::move(*applied);
  }
  if (Status s = scenario::apply_budget_profile(sc.world); !s) {
    std::fprintf(stderr, "backbeat-sim: %s: %s\n", sc.world.budget_profile.source.c_str(),
                 s.message().c_str());
    return kExitBadInput;
  }
  if (backbeat_disabled_everywhere(sc.world)) {
    std::fprintf(stderr,
                 "backbeat-sim: BACKBEAT integration is disabled for every agent "
                 "(--backbeat-enabled, CHORUS_BACKBEAT_ENABLED or the scenario's groups): nothing "
                 "to run\n");
    return kExitBadInput;
  }
  if (show) {
    for (const std::string& line : lines) std::fprintf(stderr, "%s\n", line.c_str());
  }
  return std::nullopt;
}

nlohmann::json summary_of(const Executed& ex) {
  nlohmann::json summary = scenario::run_summary_json(ex.report);
  summary["backbeat"] = backbeat_record(ex.report.scenario->world);
  if (ex.determinism) {
    summary["determinism"] = {{"deterministic", ex.determinism->deterministic},
                              {"fingerprint_a", hex64(ex.determinism->fingerprint_a)},
                              {"fingerprint_b", hex64(ex.determinism->fingerprint_b)},
                              {"describe", ex.determinism->describe()}};
  }
  return summary;
}

}  // namespace

int run_command(const RunArgs& args) {
  std::string arg = args.scenario.empty() ? default_scenario() : args.scenario;
  std::optional<Scenario> sc = load(arg, args.flags.sets);
  if (!sc) return kExitBadInput;
  if (auto code = configure_backbeat(*sc, args.flags, nullptr)) return *code;
  std::uint64_t seed = sc->seed;
  if (args.seed && !parse_seed(*args.seed, seed)) {
    std::fprintf(stderr,
                 "backbeat-sim: --seed %s: expected an integer 0..2^64-1 (decimal or "
                 "0x hex)\n",
                 echo(*args.seed).c_str());
    return kExitBadInput;
  }
  if (!args.out_dir.empty()) {
    if (Status s = prepare_output_directory(args.out_dir, kRunDirectoryFiles); !s) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n", echo_path(args.out_dir).c_str(),
                   s.message().c_str());
      return kExitBadInput;
    }
  }
  int code = kExitInternal;
  std::unique_ptr<Executed> ex =
      execute(*sc, seed, args.flags, args.check_determinism, code, args.out_dir);
  if (!ex) return code;
  nlohmann::json summary = summary_of(*ex);
  if (!args.out_dir.empty()) {
    Status s = write_run_directory(args.out_dir, *sc, summary, ex->report);
    if (!s.is_ok()) {
      std::fprintf(stderr, "backbeat-sim: --out %s: %s\n", echo_path(args.out_dir).c_str(),
                   s.message().c_str());
      return kExitInternal;
    }
  }
  ResultPrinting printing;
  printing.json = args.flags.json;
  printing.quiet = args.flags.quiet;
  printing.text_to_stderr = names_standard_output(args.flags.trace_file) ||
                            names_standard_output(args.flags.timeline_file);
  // Every run can be run again from its output alone: scenario, seed and every override.
  printing.extra_lines.push_back(
      "reproduce " +
      reproduce_command(args.scenario.empty() ? "baseline" : args.scenario, seed, args.flags.sets));
  if (!args.out_dir.empty()) {
    printing.extra_lines.push_back(fmt::format("saved     {} (replay with: backbeat-sim replay {})",
                                               shell_quoted(args.out_dir),
                                               shell_quoted(args.out_dir)));
  }
  std::vector<std::string> mismatches = scenario::expectation_mismatches(ex->report);
  if (args.as_expected) {
    printing.extra_lines.push_back(
        mismatches.empty() ? fmt::format("expect    met (the scenario expects {})",
                                         scenario::verdict_name(sc->expect))
                           : fmt::format("expect    NOT met: {}", fmt::join(mismatches, "; ")));
  }
  code = print_run_result(ex->report, ex->determinism ? &*ex->determinism : nullptr, summary,
                          printing);
  if (!args.as_expected || (code != kExitPass && code != kExitFail)) return code;
  return mismatches.empty() ? kExitPass : kExitFail;
}

int replay_command(const ReplayArgs& args) {
  std::error_code ec;
  std::optional<std::string> seed_text = args.seed;
  std::optional<std::string> expect_text = args.expect_fingerprint;
  std::string scenario_arg = args.target;
  std::optional<SavedRun> saved;
  if (fs::is_directory(args.target, ec)) {
    // A saved run directory: scenario.json is the effective scenario, run.json has the seed and
    // the fingerprint to reproduce (flags given on the command line win).
    Result<SavedRun> read = read_saved_run(args.target);
    if (!read.is_ok()) {
      std::fprintf(stderr, "backbeat-sim: replay: %s\n", read.status().message().c_str());
      return kExitBadInput;
    }
    saved = std::move(*read);
    scenario_arg = saved->scenario_file;
  }
  if (!saved && (!seed_text || !expect_text)) {
    std::fprintf(stderr,
                 "backbeat-sim: replay %s: needs --seed N and --expect-fingerprint HEX "
                 "(or a run directory written by run --out)\n",
                 echo_path(args.target).c_str());
    return kExitBadInput;
  }
  std::uint64_t seed = saved ? saved->seed : 0, expected = saved ? saved->fingerprint : 0;
  if (seed_text && !parse_seed(*seed_text, seed)) {
    std::fprintf(stderr,
                 "backbeat-sim: --seed %s: expected an integer 0..2^64-1 (decimal or "
                 "0x hex)\n",
                 echo(*seed_text).c_str());
    return kExitBadInput;
  }
  if (expect_text && !parse_fingerprint(*expect_text, expected)) {
    std::fprintf(stderr,
                 "backbeat-sim: --expect-fingerprint %s: expected 16 hex digits (as run prints "
                 "it), got %zu characters\n",
                 echo(*expect_text).c_str(), expect_text->size());
    return kExitBadInput;
  }
  std::optional<Scenario> sc = load(scenario_arg, args.flags.sets);
  if (!sc) return kExitBadInput;
  if (auto code = configure_backbeat(*sc, args.flags,
                                     saved && saved->backbeat ? &*saved->backbeat : nullptr)) {
    return *code;
  }
  int code = kExitInternal;
  const std::optional<double> stop_after_s = saved ? saved->interrupted_after_s : std::nullopt;
  std::unique_ptr<Executed> ex = execute(*sc, seed, args.flags, false, code, {}, stop_after_s);
  if (!ex) return code;
  nlohmann::json summary = summary_of(*ex);
  bool match = ex->outcome.fingerprint == expected;
  summary["replay"] = {{"expected_fingerprint", hex64(expected)}, {"reproduced", match}};
  std::string line = match ? fmt::format("replay    REPRODUCED fingerprint {}", hex64(expected))
                           : fmt::format("replay    MISMATCH: expected fingerprint {}, got {}",
                                         hex64(expected), hex64(ex->outcome.fingerprint));
  ResultPrinting printing;
  printing.json = args.flags.json;
  printing.quiet = args.flags.quiet;
  printing.text_to_stderr = names_standard_output(args.flags.trace_file) ||
                            names_standard_output(args.flags.timeline_file);
  if (stop_after_s) {
    printing.extra_lines.push_back(fmt::format(
        "replay    the saved run was interrupted: replayed its first {:.0f} s of {:.0f} s",
        to_seconds(ex->outcome.sim_time), to_seconds(sc->world.duration)));
  }
  printing.extra_lines.push_back(line);
  int verdict_code = print_run_result(ex->report, nullptr, summary, printing);
  if (verdict_code == kExitInterrupted || verdict_code == kExitInternal) return verdict_code;
  if (!match) {
    std::fprintf(stderr, "backbeat-sim: replay did not reproduce fingerprint %s (got %s)\n",
                 hex64(expected).c_str(), hex64(ex->outcome.fingerprint).c_str());
    return kExitFail;
  }
  return kExitPass;
}

int validate_command(const std::vector<std::string>& scenarios,
                     const std::vector<std::string>& sets) {
  int bad = 0;
  std::size_t skipped = 0;
  for (const std::string& arg : scenarios) {
    // `validate scenarios/*.json` names the format's own schema: say so instead of failing it.
    if (is_json_schema_file(resolve_scenario(arg))) {
      std::printf("skipped   %s: a JSON Schema, not a scenario\n", echo_path(arg).c_str());
      ++skipped;
      continue;
    }
    LoadResult loaded = load_scenario_argument(arg, sets);
    if (loaded.ok()) {
      std::printf("ok        %s (%s, expects %s)\n", echo_path(arg).c_str(),
                  loaded.scenario->name.c_str(), scenario::verdict_name(loaded.scenario->expect));
    } else {
      ++bad;
      print_diagnostics(loaded);
      std::printf("invalid   %s: %zu problem(s)\n", echo_path(arg).c_str(), loaded.problem_count());
    }
  }
  if (skipped == scenarios.size()) {
    std::fprintf(stderr, "backbeat-sim: validate: no scenario among the files given\n");
    return kExitBadInput;
  }
  return bad == 0 ? kExitPass : kExitBadInput;
}

int list_command() {
  std::vector<std::string> files = shipped_scenarios();
  if (files.empty()) {
    std::fprintf(stderr, "backbeat-sim: no scenarios in %s (set BACKBEAT_SCENARIOS_DIR)\n",
                 scenarios_dir().c_str());
    return kExitBadInput;
  }
  std::printf("Shipped scenarios in %s (run one with: backbeat-sim run NAME):\n\n",
              scenarios_dir().c_str());
  for (const std::string& file : files) {
    LoadResult loaded = scenario::load_scenario_file(file);
    std::string name = fs::path(file).stem().string();
    if (!loaded.ok()) {
      std::printf("  %-22s (invalid: %s)\n", name.c_str(), loaded.errors[0].to_string().c_str());
      continue;
    }
    std::printf("  %-22s %-4s  %s\n", name.c_str(), scenario::verdict_name(loaded.scenario->expect),
                first_sentence(loaded.scenario->description).c_str());
  }
  return kExitPass;
}

}  // namespace backbeat::sim::cli
