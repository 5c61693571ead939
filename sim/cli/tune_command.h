// backbeat-sim tune (TuneArgs, tune_command: commands.h): what it prints and writes for a tune
// result, shared with `merge`, and its options as a part file carries them (sim/cli/shards.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"
#include "reports/tuner.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::cli {

struct TuneReport {
  std::string out_dir;  // empty: write nothing
  bool json = false;
  int jobs = 1;       // tune.json "jobs" and the time line
  double wall_s = 0;  // tune.json "wall_time_s" and the time line
  // --profile NAME: the table is also written as budget profile NAME (profile.json), and the
  // tuned scenario selects it (tune_profile.h). A part carries it in its options as "profile".
  std::optional<std::string> profile;
};

// Runs the check (the recommended table on the scenario's seed), writes tune.json, tune.txt,
// budgets.json, scenario.tuned.json and check/ in out_dir, prints the table (or tune.json with
// json); tune's exit code.
int report_tune(const scenario::Scenario& sc, const reports::TuneResult& result,
                const TuneReport& how);

// The options a tune's records are aggregated with: {seeds, first_seed, percentile, margin,
// resamples, confidence, bootstrap_seed}; parse_tune_options checks them (kInvalidArgument).
nlohmann::json tune_options_json(const reports::TuneOptions& options);
Result<reports::TuneOptions> parse_tune_options(const nlohmann::json& j);

}  // namespace backbeat::sim::cli
