// The result of sweeping one scenario over a range of seeds, and its renderings: sweep.json
// (schema: sim/batch/sweep.schema.json), the grouped text `backbeat-sim sweep` prints, and the
// replay command of a seed.
//
// aggregate() is a pure function of the target and the set of per-seed records: it sorts them by
// seed itself, so records computed on any number of jobs, machines or shards give the same result,
// byte for byte. Nothing in a ScenarioSweep depends on how the seeds were run (no wall time, no
// jobs), which is what makes `sweep` identical for any --jobs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/batch/failure_groups.h"
#include "sim/batch/seed_record.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::batch {

// What was swept: one scenario (as loaded with `sets`) over seeds first_seed..last_seed.
struct SweepTarget {
  std::string scenario;           // its name
  std::string source;             // the file it was loaded from
  std::string argument;           // the scenario as the user named it: what replay commands run
  std::vector<std::string> sets;  // --set PATH=VALUE, in order
  std::string expected_verdict;   // "pass" or "fail"
  std::optional<std::vector<std::string>> expected_failing;
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 1;

  std::uint64_t seed_count() const { return last_seed - first_seed + 1; }
};

// The target of sweeping `sc` (named `argument` on the command line, loaded with `sets`).
SweepTarget sweep_target(const scenario::Scenario& sc, const std::string& argument,
                         const std::vector<std::string>& sets, std::uint64_t first_seed,
                         std::uint64_t last_seed);

struct ScenarioSweep {
  SweepTarget target;
  std::vector<SeedRecord> records;   // ascending seeds, one per seed run
  std::vector<FailureGroup> groups;  // group_failures(records), "pass" included
  std::size_t passed = 0;            // records whose verdict passed
  std::size_t as_expected = 0;       // records that meet `expect`

  // Every seed of the target has a record.
  bool complete() const { return records.size() == target.seed_count(); }
  // Complete, and every record meets `expect`: `sweep` exits 0.
  bool all_as_expected() const { return complete() && as_expected == records.size(); }
};

// Sorts `records` by seed (records repeating a seed are dropped after the first) and groups them.
ScenarioSweep aggregate(SweepTarget target, std::vector<SeedRecord> records);

// "backbeat-sim run ARGUMENT --seed S" with each --set, quoted for a POSIX shell where needed.
std::string replay_command(const SweepTarget& target, std::uint64_t seed);
// `text` as one POSIX shell word: unchanged when it holds only safe characters, else in single
// quotes (a quote inside written as '\'').
std::string shell_word(const std::string& text);

// The first seeds of a group that the text and sweep.json name with their replay commands.
inline constexpr std::size_t kSeedsShownPerGroup = 5;

// sweep.json: {format: "backbeat.sweep.v1", as_expected, seeds, seeds_as_expected, scenarios:
// [{scenario, source, argument, sets, expected_verdict, expected_failing, first_seed, last_seed,
// seeds, passed, seeds_as_expected, as_expected, groups: [{signature, assertions: [{name, how}],
// as_expected, count, seeds, replay}], records: [seed_record_json]}]}.
nlohmann::json sweep_json(const std::vector<ScenarioSweep>& sweeps);

// The grouped text: a header line, the totals, and per group other than the passing seeds of a
// scenario expected to pass: its count, its signature, its first seeds and their replay commands
// (the first seed's only, for a group as expected).
std::string sweep_text(const ScenarioSweep& sweep);

}  // namespace backbeat::sim::batch
