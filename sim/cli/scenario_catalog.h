// Where the shipped scenarios live, and how a command-line argument names a scenario.
//
// The directory is $BACKBEAT_SCENARIOS_DIR if set, else the source tree's scenarios/ (compiled
// in as BACKBEAT_SCENARIOS_DIR). A scenario argument is a path to a file, or the bare name of a
// shipped scenario ("partition" for <dir>/partition.json).
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/loader.h"

namespace backbeat::sim::cli {

std::string scenarios_dir();

// The file `arg` names: `arg` itself if it exists, else <scenarios_dir>/<arg>.json if that exists,
// else `arg` (so the loader reports it as missing under the name the user typed).
std::string resolve_scenario(const std::string& arg);

// Loads the scenario `arg` names (see resolve_scenario) with the --set overrides `sets`. When
// `arg` names no file, the one diagnostic says so and where shipped scenarios were looked for
// (naming BACKBEAT_SCENARIOS_DIR when that chose the directory).
scenario::LoadResult load_scenario_argument(const std::string& arg,
                                            const std::vector<std::string>& sets);

// Prints why `arg` did not load: every diagnostic, then "backbeat-sim: N problem(s) in ARG"
// (or "in the --set overrides" when every problem is one of theirs: the file is not to blame).
void print_load_problems(const scenario::LoadResult& loaded, const std::string& arg);

// The default scenario for `run` without an argument: <scenarios_dir>/baseline.json.
std::string default_scenario();

// Whether `path` is a JSON Schema rather than a scenario: a regular file of at most 1 MiB whose
// top-level object has a "$schema" naming json-schema.org (scenarios/schema.json is one, and
// `validate scenarios/*.json` names it). Anything else, including what cannot be read, is not.
bool is_json_schema_file(const std::string& path);

// Every *.json in `dir` except JSON Schemas, sorted by name.
std::vector<std::string> scenario_files_in(const std::string& dir);

// scenario_files_in(scenarios_dir()).
std::vector<std::string> shipped_scenarios();

}  // namespace backbeat::sim::cli
