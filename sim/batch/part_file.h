// part.json: what `sweep --shard K/N` or `tune --shard K/N` writes and `merge` reads. A part is
// self-contained: the command it is a shard of (kind, every scenario's argument and source, the
// sets, the whole seed range, tune's options), each scenario's job for this shard's seeds (the
// scenario text and its digest, seed_job.h) and its result (the records and the build identity).
// A part is written only when every seed of the shard finished (an interrupted shard writes
// nothing), so merge never mistakes a partial part for a complete one.
//
// {format: "backbeat.part.v1", kind, shard: {index, count}, first_seed, last_seed, sets, options,
//  build, scenarios: [{argument, source, job: seed_job_json, result: job_result_json}]}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/batch/seed_job.h"
#include "sim/batch/shard.h"

namespace backbeat::sim::batch {

inline constexpr const char* kPartFormat = "backbeat.part.v1";
inline constexpr const char* kPartFileName = "part.json";
// The largest part file merge reads (sim/scenario/bounded_file.h): about two million sweep
// records.
inline constexpr std::size_t kMaxPartFileBytes = std::size_t{1} << 30;  // 1 GiB

struct PartScenario {
  std::string argument;  // as the command line named it
  std::string source;    // the file it was loaded from
  SeedJob job;           // this shard's seeds of it
  JobResult result;      // every seed of job, not interrupted
};

struct PartFile {
  JobKind kind = JobKind::kSweep;
  Shard shard;
  std::uint64_t first_seed = 1;  // the whole command's seeds, not the shard's
  std::uint64_t last_seed = 1;
  std::vector<std::string> sets;                      // --set PATH=VALUE, in order
  nlohmann::json options = nlohmann::json::object();  // the command's own (tune: percentile ...)
  std::string build;                                  // build_identity() of the writer
  std::vector<PartScenario> scenarios;                // in command-line order
};

nlohmann::json part_file_json(const PartFile& part);
// Checks every field (kInvalidArgument naming it: "part/scenarios/0/job/last_seed: expected
// ..."), the jobs and results against each other (kind, digest, seeds = this shard's slice of
// first..last, every record there) and the result's build against the part's.
Result<PartFile> parse_part_file(const nlohmann::json& j);

// Why `b` cannot be merged with `a` (the first difference: kind, shard count, build, seeds, sets,
// options, scenarios and their digests), or "" when they belong to the same command.
std::string part_mismatch(const PartFile& a, const PartFile& b);

}  // namespace backbeat::sim::batch
