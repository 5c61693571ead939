// backbeat-sim: run, replay, validate and list BACKBEAT cluster scenarios.
// Argument parsing is CLI11's; every CLI11 error becomes exit code 2 (bad input).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/merge_command.h"
#include "sim/cli/output_flags.h"
#include "sim/cli/printable_output.h"
#include "sim/cli/scenario_catalog.h"
#include "sim/cli/set_flag.h"
#include "sim/cli/shards.h"
#include "sim/cli/shrink_command.h"
#include "sim/cli/sweep_command.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/diagnostic.h"
#include "sim/scenario/did_you_mean.h"
#include "sim/scenario/echo_text.h"
#ifdef BACKBEAT_WITH_LIVE
#include "sim/cli/live/live_commands.h"   // live, pulse, observe (sim/live)
#include "sim/cli/live/queue_commands.h"  // worker, sweep/tune --nats (sim/queue)
#endif

namespace {

using namespace backbeat::sim::cli;

// CLI11 names the option but not where a bad value came from; when the option reads an
// environment variable that is set, say so (a bad BACKBEAT_NATS_TLS otherwise reads as a bad
// --tls the user never typed). Values are echoed bounded (echo_text).
// Whether `message` names the option `name` as a whole word ("--tls", not the "--tls" in
// "--tls-ca").
bool mentions(const std::string& message, const std::string& name) {
  for (std::size_t at = message.find(name); at != std::string::npos;
       at = message.find(name, at + 1)) {
    const std::size_t end = at + name.size();
    if (end == message.size() ||
        (message[end] != '-' && std::isalnum(static_cast<unsigned char>(message[end])) == 0)) {
      return true;
    }
  }
  return false;
}

void print_parse_error(const CLI::App& app, const CLI::ParseError& e, const std::string& hints) {
  // CLI11 quotes the offending value raw: bounded and shown printable like every echo.
  constexpr std::size_t kMaxShown = 300;
  const std::string message = backbeat::sim::scenario::echo_text(e.what(), kMaxShown);
  std::string source;
  std::vector<const CLI::App*> apps{&app};
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    apps.push_back(sub);
  }
  for (const CLI::App* a : apps) {
    for (const CLI::Option* option : a->get_options()) {
      const std::string env = option->get_envname();
      const char* value = env.empty() ? nullptr : std::getenv(env.c_str());
      if (value == nullptr || !mentions(message, option->get_name())) continue;
      // The variable's name only: its value may be a secret, and CLI11 already quoted it.
      source = " (" + option->get_name() + " was read from the environment variable " + env + ")";
      break;
    }
    if (!source.empty()) break;
  }
  std::fprintf(stderr, "backbeat-sim: %s%s%s\nRun with --help for more information.\n",
               message.c_str(), source.c_str(), hints.c_str());
}

// "did you mean": for each word of the command line CLI11 rejected, the closest flag of the
// subcommand in use (or of the command itself), and for an unknown first word the closest
// subcommand. Empty when nothing is close (sim/scenario/did_you_mean.h decides what is).
std::string suggestions(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> subcommands;
  const CLI::App* in_use = &app;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    subcommands.push_back(sub->get_name());
    for (int i = 1; i < argc; ++i) {
      if (sub->get_name() == argv[i]) in_use = sub;
    }
  }
  auto known = [](const CLI::App* a, std::vector<std::string>& flags) {
    for (const CLI::Option* option : a->get_options()) {
      for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
    }
  };
  std::vector<std::string> flags;
  known(in_use, flags);
  if (in_use != &app) known(&app, flags);
  std::string out;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.starts_with("--") && word.size() <= 64) {
      const std::string name = word.substr(0, word.find('='));
      if (std::find(flags.begin(), flags.end(), name) != flags.end()) continue;
      if (auto guess = backbeat::sim::scenario::did_you_mean(name, flags)) {
        out += "\nbackbeat-sim: " + name + ": did you mean " + *guess + "?";
      }
    } else if (i == 1 && !word.starts_with("-") && word.size() <= 64 &&
               std::find(subcommands.begin(), subcommands.end(), word) == subcommands.end()) {
      if (auto guess = backbeat::sim::scenario::did_you_mean(word, subcommands)) {
        out += "\nbackbeat-sim: " + word + ": did you mean the subcommand " + *guess + "?";
      }
    }
  }
  return out;
}

void add_run_flags(CLI::App* cmd, RunFlags& flags) {
  add_set_flag(cmd, flags.sets);
  cmd->add_option("--trace", flags.trace_file,
                  "Stream the ordered trace to FILE as JSON Lines (one record per line); - for "
                  "standard output (the text summary then goes to standard error)")
      ->type_name("FILE")
      ->check(output_file_flag());
  cmd->add_option("--timeline", flags.timeline_file,
                  "Write the run's timeline to FILE as JSON Lines (frames, claims, faults, "
                  "disconnects, degradations, operations; read it with `backbeat-sim timeline`); "
                  "- for standard output. `run --out DIR` always writes DIR/timeline.jsonl")
      ->type_name("FILE")
      ->check(output_file_flag());
  cmd->add_flag("--json", flags.json,
                "Print one JSON object on stdout (seed, fingerprint, verdict, assertions, "
                "per-type percentiles, ...) and nothing else there");
  cmd->add_flag("-q,--quiet", flags.quiet, "Print one summary line; no progress");
  cmd->add_flag("-v,--verbose", flags.verbose,
                "Print every agent's log lines on standard error: the integration's start and "
                "stop, each beat, downbeat and cleanup check (many lines: one per agent per beat)");
  // The seed's CHORUS_BACKBEAT_* settings (README, "CHORUS_BACKBEAT_* configuration"): flags win
  // over the environment, which wins over the scenario.
  cmd->add_option("--backbeat-enabled", flags.backbeat.enabled,
                  "CHORUS_BACKBEAT_ENABLED for every agent: true or false")
      ->type_name("BOOL");
  cmd->add_option("--backbeat-cluster-id", flags.backbeat.cluster_id,
                  "CHORUS_BACKBEAT_CLUSTER_ID: the run's cluster id")
      ->type_name("ID");
  cmd->add_option("--backbeat-agent-id", flags.backbeat.agent_id,
                  "CHORUS_BACKBEAT_AGENT_ID, as a prefix: agent i is PREFIX<i>")
      ->type_name("PREFIX");
  cmd->add_option("--backbeat-claim-states", flags.backbeat.claim_states,
                  "CHORUS_BACKBEAT_CLAIM_STATES: contract or legacy claim words")
      ->type_name("WORDS");
  cmd->add_option("--backbeat-budget-profile", flags.backbeat.budget_profile,
                  "CHORUS_BACKBEAT_BUDGET_PROFILE: the agents' budget profile (dev, prod, "
                  "high-latency or one of the scenario's budget_profiles)")
      ->type_name("NAME");
}

// Documented in scenarios/README.md ("Limits"); the loader names each limit it enforces.
std::string scenario_limits_help() {
  return fmt::format(
      "Limits: a scenario file is at most {}; counts (faults, groups, agents, ...) have caps "
      "and validation prints at most the first {} problems (scenarios/README.md, \"Limits\").",
      backbeat::sim::scenario::byte_size_text(backbeat::sim::scenario::kMaxScenarioFileBytes),
      backbeat::sim::scenario::kMaxDiagnostics);
}

int dispatch(int argc, char** argv) {
  CLI::App app{
      "backbeat-sim: a deterministic simulator for CHORUS agents on BACKBEAT.\n"
      "Runs scenario files (scenarios/README.md) against a virtual clock and a simulated "
      "cluster, and judges each run against its beat budgets and assertions.",
      "backbeat-sim"};
  app.footer(std::string(kExitCodesHelp) +
             "\nWithout a subcommand, runs the default scenario (as `run`). Shipped scenarios: " +
             scenarios_dir() + " (override with env BACKBEAT_SCENARIOS_DIR).\n" +
             scenario_limits_help());
  app.require_subcommand(0, 1);

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Run a scenario and print the seed, derived options, verdict and fingerprint");
  run_cmd
      ->add_option("scenario", run.scenario,
                   "Scenario file, or a shipped scenario's name (default: baseline)")
      ->type_name("SCENARIO");
  run_cmd
      ->add_option("--seed", run.seed,
                   "Master seed (decimal or 0x hex); default: the "
                   "scenario's \"seed\"")
      ->type_name("N");
  run_cmd
      ->add_option("--out", run.out_dir,
                   "Save run.json, scenario.json (after --set) and seed in DIR, atomically; "
                   "`replay DIR` re-runs it")
      ->type_name("DIR")
      ->check(output_directory_flag(kRunDirectoryFiles));
  run_cmd->add_flag("--check-determinism", run.check_determinism,
                    "Run twice and compare fingerprints; on a mismatch name the first diverging "
                    "trace record (exit 3)");
  run_cmd->add_flag("--as-expected", run.as_expected,
                    "Exit 0 when the run meets the scenario's \"expect\" (verdict, and the failing "
                    "assertions when named), 1 when not: an expected failure then succeeds");
  add_run_flags(run_cmd, run.flags);
  run_cmd->footer(kExitCodesHelp);

  ReplayArgs replay;
  CLI::App* replay_cmd = app.add_subcommand(
      "replay", "Re-run a scenario with a seed and check it reproduces a fingerprint");
  replay_cmd
      ->add_option("target", replay.target,
                   "Scenario file or name, or a run directory written by `run --out`")
      ->type_name("SCENARIO|DIR")
      ->required();
  replay_cmd
      ->add_option("--seed", replay.seed,
                   "Master seed (required unless TARGET is a run "
                   "directory)")
      ->type_name("N");
  replay_cmd
      ->add_option("--expect-fingerprint", replay.expect_fingerprint,
                   "Fingerprint to reproduce, 16 hex digits (required unless TARGET is a "
                   "run directory)")
      ->type_name("HEX");
  add_run_flags(replay_cmd, replay.flags);
  replay_cmd->footer(kExitCodesHelp);

  std::vector<std::string> to_validate;
  std::vector<std::string> validate_sets;
  CLI::App* validate_cmd =
      app.add_subcommand("validate",
                         "Check scenario files strictly; print every problem as "
                         "file:line:column: /json/pointer: what was expected");
  validate_cmd->add_option("scenarios", to_validate, "Scenario files or names")
      ->type_name("SCENARIO...")
      ->required();
  add_set_flag(validate_cmd, validate_sets);
  validate_cmd->footer("Exit codes: 0 every file is valid, 2 a file has problems.\n" +
                       scenario_limits_help());

  CLI::App* list_cmd =
      app.add_subcommand("list", "List the shipped scenarios with one-line descriptions");
  list_cmd->footer("Exit codes: 0 listed, 2 no scenarios found.");

  TuneArgs tune;
  CLI::App* tune_cmd = app.add_subcommand(
      "tune", "Run a scenario over many seeds and recommend a beat budget per operation type");
  tune_cmd->add_option("scenario", tune.scenario, "Scenario file or shipped scenario's name")
      ->type_name("SCENARIO")
      ->required();
  tune_cmd->add_option("--seeds", tune.seeds, "Number of seeds to run (default 100)")
      ->type_name("N");
  tune_cmd->add_option("--first-seed", tune.first_seed, "First seed (default: the scenario's)")
      ->type_name("N");
  tune_cmd
      ->add_option("--percentile", tune.percentile,
                   "Percentile of beats-to-complete the budget must cover (default 99)")
      ->type_name("P");
  tune_cmd->add_option("--margin", tune.margin, "Whole beats added to the percentile (default 0)")
      ->type_name("M");
  tune_cmd
      ->add_option("--jobs,-j", tune.jobs,
                   "Parallel simulations (default: every hardware thread); the result is the "
                   "same for any J")
      ->type_name("J");
  tune_cmd->add_option("--resamples", tune.resamples, "Bootstrap resamples (default 1000)")
      ->type_name("N");
  tune_cmd
      ->add_option("--out", tune.out_dir,
                   "Write tune.json, tune.txt, budgets.json, scenario.tuned.json and check/ "
                   "(a run of the tuned scenario with its reports) in DIR")
      ->type_name("DIR")
      ->check(output_directory_flag(kTuneDirectoryFiles));
  tune_cmd
      ->add_option("--profile", tune.profile,
                   "Write the recommended table as budget profile NAME: --out DIR gets "
                   "profile.json {NAME: table} and a scenario.tuned.json that selects it")
      ->type_name("NAME");
  add_set_flag(tune_cmd, tune.sets);
  add_shard_flag(tune_cmd, tune.shard, "the seeds --first-seed .. --first-seed + --seeds - 1");
  tune_cmd->add_flag("--json", tune.json, "Print one JSON object on stdout");
  tune_cmd->add_flag("-q,--quiet", tune.quiet, "No progress output");
  tune_cmd->footer(
      "Exit codes: 0 done (and the tuned table passes the scenario at its seed), 1 the tuned "
      "table still fails an assertion, 2 bad input, 3 internal error (with --nats also a job no "
      "worker could run or answer usably, each named), 130 interrupted (a "
      "partial result naming the seeds completed is printed and written). With --shard: 0 the "
      "part was written, 130 interrupted (no part written); `backbeat-sim merge` of the N parts "
      "prints and writes what one machine would.");

  CompareArgs compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Show two runs side by side: per type budgets, percentiles, verdict changes");
  compare_cmd->add_option("a", compare.a, "Run directory (run --out) or report.json/run.json")
      ->type_name("A")
      ->required();
  compare_cmd->add_option("b", compare.b, "Run directory (run --out) or report.json/run.json")
      ->type_name("B")
      ->required();
  compare_cmd->add_flag("--json", compare.json, "Print one JSON object on stdout");
  CLI::Option* fail_on_regression = compare_cmd->add_flag(
      "--fail-on-regression", compare.fail_on_regression,
      "Exit 1 when B regressed from A: an assertion passed in A and fails in B, or a type's p95 "
      "or p99 beats-to-complete grew by more than --tolerance");
  compare_cmd
      ->add_option("--tolerance", compare.tolerance,
                   "How much a percentile may grow before it is a regression: beats (2) or a "
                   "percentage of A's value (10%); default 0")
      ->type_name("T")
      ->needs(fail_on_regression);
  compare_cmd->footer(
      "Exit codes: 0 compared (with --fail-on-regression: and nothing regressed), 1 B regressed "
      "(--fail-on-regression), 2 an input is not a run directory or summary, or a bad flag.");

  SweepArgs sweep;  // backbeat-sim sweep (sim/cli/sweep_command.cc)
  CLI::App* sweep_cmd = add_sweep_command(app, sweep);
  MergeArgs merge;  // backbeat-sim merge (sim/cli/merge_command.cc)
  CLI::App* merge_cmd = add_merge_command(app, merge);

  // shrink (issue 14 section 2): a failing run to its minimal failing scenario.
  ShrinkArgs shrink;
  CLI::App* shrink_cmd = app.add_subcommand(
      "shrink", "Reduce a failing run to a minimal scenario that still fails the same assertions");
  shrink_cmd
      ->add_option("target", shrink.target, "Run directory (run --out), or a scenario file or name")
      ->type_name("RUN_DIR|SCENARIO")
      ->required();
  shrink_cmd
      ->add_option("--seed", shrink.seed,
                   "Seed of the failing run (default: the run directory's, else the scenario's)")
      ->type_name("N");
  shrink_cmd
      ->add_option("--assertion", shrink.assertions,
                   "Keep failing this assertion (as the report names it; repeatable); default: "
                   "every assertion the run fails")
      ->type_name("NAME");
  shrink_cmd->add_option("--max-runs", shrink.max_runs, "Candidate runs at most (default 2000)")
      ->type_name("N");
  shrink_cmd
      ->add_option("--jobs,-j", shrink.jobs,
                   "Parallel simulations (default: every hardware thread); the result is the "
                   "same for any J")
      ->type_name("J");
  shrink_cmd
      ->add_option("--out", shrink.out_dir,
                   "Write scenario.min.json, scenario.materialised.json, shrink.log and run/ in "
                   "DIR (default: RUN_DIR/shrink, or shrink-NAME-SEED)")
      ->type_name("DIR")
      ->check(output_directory_flag(kShrinkDirectoryFiles));
  add_set_flag(shrink_cmd, shrink.sets);
  shrink_cmd->add_flag("-q,--quiet", shrink.quiet, "No progress output");
  shrink_cmd->footer(
      "Exit codes: 0 shrunk (scenario.min.json still fails), 2 bad input (including a run that "
      "does not fail), 3 internal error, 130 interrupted (the smallest failure so far is "
      "written).");

  // timeline (sim/cli/timeline_command.cc)
  TimelineArgs timeline;
  CLI::App* timeline_cmd = app.add_subcommand(
      "timeline", "Print a run's timeline (run --timeline FILE, or run --out DIR) as text");
  timeline_cmd
      ->add_option("source", timeline.source,
                   "A timeline file, or a run directory holding timeline.jsonl")
      ->type_name("RUN_DIR|FILE")
      ->required();
  timeline_cmd
      ->add_option("--agent", timeline.agents,
                   "Only entries on this node: an agent id (chorus:agent-3), an agent index (3), "
                   "or any node name (pulse-0, nats-1, reverb, faults); repeatable")
      ->type_name("ID");
  timeline_cmd
      ->add_option("--from", timeline.from,
                   "Only entries at or after T since the start (scenario syntax: 90s, 2m, "
                   "12 beats)")
      ->type_name("T");
  timeline_cmd->add_option("--to", timeline.to, "Only entries at or before T since the start")
      ->type_name("T");
  timeline_cmd
      ->add_option("--kind", timeline.kinds,
                   "Only these events: a name (frame.dropped, budget.overrun) or a group (frame, "
                   "claim, fault, link, degradation, resync, budget, op, agent); repeatable")
      ->type_name("K");
  timeline_cmd->footer(
      "Exit codes: 0 printed, 2 bad input (no timeline there, a malformed line, a bad filter "
      "value).");

#ifdef BACKBEAT_WITH_LIVE
  auto live_commands = add_live_commands(app);
  auto queue_commands = add_queue_commands(app, {sweep_cmd, tune_cmd});
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help: printed to stdout
    print_parse_error(app, e, suggestions(app, argc, argv));
    return kExitBadInput;
  }
#ifdef BACKBEAT_WITH_LIVE
  if (live_commands->selected()) return live_commands->run();
  if (queue_commands->selected()) return queue_commands->run();
  for (auto [cmd, runner] :
       {std::pair{sweep_cmd, &sweep.run_job}, std::pair{tune_cmd, &tune.run_job}}) {
    if (!*cmd) continue;
    if (int code = queue_commands->prepare_runner(cmd, *runner); code != kExitPass) return code;
  }
#endif
  if (*replay_cmd) return replay_command(replay);
  if (*validate_cmd) return validate_command(to_validate, validate_sets);
  if (*list_cmd) return list_command();
  if (*tune_cmd) return tune_command(tune);
  if (*compare_cmd) return compare_command(compare);
  if (*sweep_cmd) return sweep_command(sweep);
  if (*merge_cmd) return merge_command(merge);
  if (*shrink_cmd) return shrink_command(shrink);
  if (*timeline_cmd) return timeline_command(timeline);
  return run_command(run);
}

int run_guarded(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backbeat-sim: internal error: %s\n", e.what());
    return kExitInternal;
  } catch (...) {
    std::fprintf(stderr, "backbeat-sim: internal error\n");
    return kExitInternal;
  }
}

}  // namespace

int main(int argc, char** argv) {
  backbeat::sim::cli::make_output_printable();
  const int code = run_guarded(argc, argv);
  // Output lost (a full disk) makes a verdict nobody read: an I/O failure, not a quiet pass.
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "backbeat-sim: cannot write standard output: %s\n", std::strerror(errno));
    return code == kExitPass || code == kExitFail ? kExitInternal : code;
  }
  return code;
}
