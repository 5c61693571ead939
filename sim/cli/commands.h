// The subcommands of backbeat-sim. Each returns an exit code (exit_codes.h) and writes its own
// output: results on stdout, diagnostics and progress on stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/cli/job_runner.h"

namespace backbeat::sim::cli {

// --backbeat-*: the CHORUS_BACKBEAT_* settings from the command line (they win over the
// environment; sim/harness/backbeat_settings.h). Parsed after the command line, so a bad value
// is named like a bad variable.
struct BackbeatFlags {
  std::optional<std::string> enabled;
  std::optional<std::string> cluster_id;
  std::optional<std::string> agent_id;
  std::optional<std::string> claim_states;
  std::optional<std::string> budget_profile;  // a name (core/budget_profiles.h)
};

// Options shared by the commands that run a simulation.
struct RunFlags {
  std::vector<std::string> sets;  // --set PATH=VALUE, in order
  std::string trace_file;         // --trace FILE: JSON Lines of the ordered trace
  std::string timeline_file;      // --timeline FILE: JSON Lines of the timeline
  bool json = false;              // --json: one JSON object on stdout, nothing else there
  bool quiet = false;             // --quiet: one summary line, no progress
  bool verbose = false;           // -v: the agents' log lines (beats, downbeats, ...) on stderr
  BackbeatFlags backbeat;
};

struct RunArgs {
  std::string scenario;             // empty = the default scenario
  std::optional<std::string> seed;  // --seed (decimal or 0x hex); else the scenario's
  std::string out_dir;              // --out DIR
  bool check_determinism = false;
  bool as_expected = false;  // --as-expected: exit 0/1 by the scenario's `expect`, not the verdict
  RunFlags flags;
};

struct ReplayArgs {
  std::string target;  // a scenario file, a shipped scenario's name, or a saved run directory
  std::optional<std::string> seed;
  std::optional<std::string> expect_fingerprint;
  RunFlags flags;
};

// backbeat-sim tune (sim/cli/tune_command.cc).
struct TuneArgs {
  std::string scenario;
  int seeds = 100;
  std::optional<std::string> first_seed;  // default: the scenario's seed
  double percentile = 99;
  int margin = 0;
  int jobs = 0;  // 0 = every hardware thread
  int resamples = 1000;
  std::optional<std::string> profile;  // --profile NAME: write the table as a budget profile
  std::string out_dir;
  std::vector<std::string> sets;
  std::string shard;  // "K/N" (sim/cli/shards.h); empty: every seed
  bool json = false;
  bool quiet = false;
  JobRunner run_job;  // set: the seeds run there (tune --nats), not on local threads
};

int run_command(const RunArgs& args);
int tune_command(const TuneArgs& args);
// backbeat-sim compare A B (sim/cli/compare_command.cc).
struct CompareArgs {
  std::string a, b;  // run directories or report.json / run.json files
  bool json = false;
  bool fail_on_regression = false;  // exit 1 on reports::regressions()
  std::string tolerance = "0";      // reports::parse_tolerance
};
int compare_command(const CompareArgs& args);
int replay_command(const ReplayArgs& args);
int validate_command(const std::vector<std::string>& scenarios,
                     const std::vector<std::string>& sets);
int list_command();

// backbeat-sim timeline (sim/cli/timeline_command.cc).
struct TimelineArgs {
  std::string source;               // a timeline.jsonl or a run directory holding one
  std::vector<std::string> agents;  // --agent: node names or agent indices
  std::optional<std::string> from, to;
  std::vector<std::string> kinds;  // event names or groups ("frame")
};
int timeline_command(const TimelineArgs& args);

}  // namespace backbeat::sim::cli
