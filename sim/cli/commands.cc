#include "sim/cli/commands.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/output_path.h"
#include "sim/cli/progress.h"
#include "sim/cli/run_driver.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/text_report.h"
#include "sim/cli/trace_sinks.h"
#include "sim/harness/backbeat_settings.h"
#include "sim/kernel/determinism.h"
#include "sim/kernel/jsonl_trace_writer.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run_summary.h"
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

void print_diagnostics(const std::vector<scenario::Diagnostic>& errors) {
  for (const scenario::Diagnostic& d : errors) std::fprintf(stderr, "%s\n", d.to_string().c_str());
}

// "42", "0x2a": a 64-bit seed.
bool parse_seed(const std::string& text, std::uint64_t& out) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  if (begin == end) return false;
  auto [ptr, ec] = std::from_chars(begin, end, out, base);
  return ec == std::errc() && ptr == end;
}

// 1..16 hex digits (optionally 0x), normalised to 16 lower-case digits.
bool parse_fingerprint(const std::string& text, std::uint64_t& out) {
  std::string t = text;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t = t.substr(2);
  if (t.empty() || t.size() > 16) return false;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), out, 16);
  return ec == std::errc() && ptr == t.data() + t.size();
}

// -v: the agents' log lines on standard error, with the seed's levels.
class StderrLog final : public Logger {
 public:
  void info(std::string_view m) override { print("INFO ", m); }
  void warn(std::string_view m) override { print("WARN ", m); }
  void error(std::string_view m) override { print("ERROR", m); }

 private:
  static void print(const char* level, std::string_view m) {
    std::fprintf(stderr, "log %s %.*s\n", level, static_cast<int>(m.size()), m.data());
  }
};

// One executed run: its outcome, verdict and summary. Not movable: `report` points into it.
struct Executed {
  RunOutcome outcome;
  scenario::RunReport report;
  std::optional<DeterminismResult> determinism;

  Executed() = default;
  Executed(const Executed&) = delete;
  Executed& operator=(const Executed&) = delete;
};

// Runs `sc` twice through check_determinism(); `first` receives the first run's outcome (the one
// that also streams to `trace`).
DeterminismResult run_checked(const Scenario& sc, std::uint64_t seed, TraceSink* trace,
                              bool show_progress, Logger* agent_log,
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
    options.agent_log = agent_log;
    options.progress = [&](double f) { return progress.update(f); };
    RunOutcome outcome = run_world(sc.world, seed, options);
    progress.finish();
    if (!first) first = std::move(outcome);
  };
  return check_determinism(simulate);
}

// Runs `sc` with `seed` (twice with `check_determinism`) and evaluates its assertions. On a
// problem that prevents a result, prints it and sets `code`.
std::unique_ptr<Executed> execute(const Scenario& sc, std::uint64_t seed, const RunFlags& flags,
                                  bool check_determinism, int& code) {
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
    options.progress = [&](double f) { return progress.update(f); };
    ex->outcome = run_world(sc.world, seed, options);
    progress.finish();
  } else {
    std::optional<RunOutcome> first;
    ex->determinism = run_checked(sc, seed, trace.get(), show_progress, agent_log, first);
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
    print_diagnostics(loaded.errors);
    std::fprintf(stderr,
                 "backbeat-sim: %zu problem(s) in %s; see scenarios/README.md for the "
                 "format\n",
                 loaded.errors.size(), echo_path(arg).c_str());
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
  std::unique_ptr<Executed> ex = execute(*sc, seed, args.flags, args.check_determinism, code);
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
  printing.text_to_stderr = names_standard_output(args.flags.trace_file);
  if (!args.out_dir.empty()) {
    printing.extra_lines.push_back(fmt::format("saved     {} (replay with: backbeat-sim replay {})",
                                               args.out_dir, args.out_dir));
  }
  return print_run_result(ex->report, ex->determinism ? &*ex->determinism : nullptr, summary,
                          printing);
}

int replay_command(const ReplayArgs& args) {
  std::error_code ec;
  std::optional<std::string> seed_text = args.seed;
  std::optional<std::string> expect_text = args.expect_fingerprint;
  std::string scenario_arg = args.target;
  std::optional<nlohmann::json> recorded_backbeat;
  if (fs::is_directory(args.target, ec)) {
    // A saved run directory: scenario.json is the effective scenario, run.json has the seed and
    // the fingerprint to reproduce (flags given on the command line win).
    fs::path dir(args.target);
    scenario_arg = (dir / "scenario.json").string();
    std::ifstream in(dir / "run.json");
    nlohmann::json run = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (run.is_discarded() || !run.is_object() || !run.contains("seed") ||
        !run["seed"].is_number_unsigned() || !run.contains("fingerprint") ||
        !run["fingerprint"].is_string()) {
      std::fprintf(stderr,
                   "backbeat-sim: %s: not a run directory: expected run.json with "
                   "\"seed\" and \"fingerprint\" (written by run --out)\n",
                   echo_path(args.target).c_str());
      return kExitBadInput;
    }
    if (!seed_text) seed_text = std::to_string(run["seed"].get<std::uint64_t>());
    if (!expect_text) expect_text = run["fingerprint"].get<std::string>();
    if (run.contains("backbeat")) recorded_backbeat = run["backbeat"];
  }
  if (!seed_text || !expect_text) {
    std::fprintf(stderr,
                 "backbeat-sim: replay %s: needs --seed N and --expect-fingerprint HEX "
                 "(or a run directory written by run --out)\n",
                 echo_path(args.target).c_str());
    return kExitBadInput;
  }
  std::uint64_t seed = 0, expected = 0;
  if (!parse_seed(*seed_text, seed)) {
    std::fprintf(stderr,
                 "backbeat-sim: --seed %s: expected an integer 0..2^64-1 (decimal or "
                 "0x hex)\n",
                 echo(*seed_text).c_str());
    return kExitBadInput;
  }
  if (!parse_fingerprint(*expect_text, expected)) {
    std::fprintf(stderr, "backbeat-sim: --expect-fingerprint %s: expected 16 hex digits\n",
                 echo(*expect_text).c_str());
    return kExitBadInput;
  }
  std::optional<Scenario> sc = load(scenario_arg, args.flags.sets);
  if (!sc) return kExitBadInput;
  if (auto code =
          configure_backbeat(*sc, args.flags, recorded_backbeat ? &*recorded_backbeat : nullptr)) {
    return *code;
  }
  int code = kExitInternal;
  std::unique_ptr<Executed> ex = execute(*sc, seed, args.flags, false, code);
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
  printing.text_to_stderr = names_standard_output(args.flags.trace_file);
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
  for (const std::string& arg : scenarios) {
    LoadResult loaded = load_scenario_argument(arg, sets);
    if (loaded.ok()) {
      std::printf("ok        %s (%s, expects %s)\n", echo_path(arg).c_str(),
                  loaded.scenario->name.c_str(), scenario::verdict_name(loaded.scenario->expect));
    } else {
      ++bad;
      print_diagnostics(loaded.errors);
      std::printf("invalid   %s: %zu problem(s)\n", echo_path(arg).c_str(), loaded.errors.size());
    }
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
