// SeedJob and JobResult: the unit of work every scale-out path shares (local threads, `--shard
// K/N` with `merge`, a work queue): one scenario, self-contained, and a range of seeds, in; one
// plain record per finished seed, out. The records are sweep's SeedRecord (seed_record.h) or
// tune's TuneRecord (tune_record.h) as JSON, so results travel as JSON and aggregate with the
// same pure functions as a one-machine run (sweep_result.h aggregate, reports::aggregate_tune).
//
// A job names its scenario by content: scenario_text is the loaded document with every --set
// applied, as canonical JSON (a worker loads it with no flags), and scenario_digest is the
// FNV-1a-64 (sim/kernel/hash.h) of those bytes as 16 hex digits; a text that does not match its
// digest is refused. A result carries the digest and the build identity (build_identity.h), so a
// result of another scenario or of another build is detected and named, never merged.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/batch/seed_record.h"
#include "sim/batch/tune_record.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::batch {

enum class JobKind { kSweep, kTune };
// "sweep", "tune".
const char* job_kind_name(JobKind kind);
std::optional<JobKind> parse_job_kind(std::string_view name);

struct SeedJob {
  JobKind kind = JobKind::kSweep;
  std::string scenario_text;    // canonical JSON of the effective scenario document
  std::string scenario_digest;  // 16 hex digits: FNV-1a-64 of scenario_text
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 1;  // inclusive; at most kMaxSeeds seeds (seed_range.h)

  std::uint64_t seed_count() const { return last_seed - first_seed + 1; }
  bool operator==(const SeedJob&) const = default;
};

// 16 hex digits: FNV-1a-64 of `scenario_text`.
std::string scenario_digest(std::string_view scenario_text);

// The job running seeds first..last of `sc` as loaded (its effective document, --set applied).
SeedJob seed_job(JobKind kind, const scenario::Scenario& sc, std::uint64_t first_seed,
                 std::uint64_t last_seed);

// {kind, scenario_digest, first_seed, last_seed, scenario}: `scenario` is scenario_text as a JSON
// string. parse_seed_job checks every field (kInvalidArgument naming it, "job/FIELD: expected
// ...") and refuses a text whose digest differs.
nlohmann::json seed_job_json(const SeedJob& job);
Result<SeedJob> parse_seed_job(const nlohmann::json& j);

// The scenario of `job`, loaded from its text with no flags; `source_name` stands for the file in
// diagnostics. kInvalidArgument when the digest does not match the text or the text does not load.
Result<scenario::Scenario> load_job_scenario(const SeedJob& job, const std::string& source_name);

struct JobResult {
  JobKind kind = JobKind::kSweep;
  std::string scenario_digest;  // the job's
  std::string build;            // build_identity() of the binary that ran it
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 1;
  std::vector<nlohmann::json> records;  // one per finished seed, ascending seeds
  bool interrupted = false;             // stopped before every seed finished

  bool operator==(const JobResult&) const = default;
};

// {kind, scenario_digest, build, first_seed, last_seed, interrupted, records}. parse_job_result
// checks every field and every record (by kind), and that the records' seeds are ascending, each
// once, inside first..last, and all there unless interrupted.
nlohmann::json job_result_json(const JobResult& result);
Result<JobResult> parse_job_result(const nlohmann::json& j);

// The records of a parsed or locally computed result, typed (kInvalidArgument for the wrong kind
// or a record that does not parse).
Result<std::vector<SeedRecord>> sweep_records(const JobResult& result);
Result<std::vector<TuneRecord>> tune_records(const JobResult& result);

struct JobRunOptions {
  int jobs = 1;
  // Called from worker threads (serialise yourself) after each finished seed: (done, total).
  std::function<void(int done, int total)> on_seed_done;
  // Polled by workers; returning true stops the job (Ctrl-C, SIGTERM).
  std::function<bool()> stop;
};

// Loads the job's scenario (load_job_scenario) and runs its seeds on options.jobs threads:
// sweep's run_seeds or tune's run_tune_seeds. The result is the same for any jobs.
Result<JobResult> run_seed_job(const SeedJob& job, const JobRunOptions& options);

}  // namespace backbeat::sim::batch
