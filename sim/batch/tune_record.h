// TuneRecord: what one seed of `tune` contributes to the recommendation, as a plain record: the
// verdict with the current table and, per operation type, how many operations started and the
// beats-to-complete of those that completed (a histogram: beats -> count). Like sweep's SeedRecord
// it holds nothing about how the seed was run, so records computed on any machine, in any order,
// in any shard pool to the same result (reports::aggregate_tune, reports/tuner.h).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/batch/sweep.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::batch {

struct TypeSample {
  std::size_t started = 0;
  std::map<std::int64_t, std::uint64_t> beats;  // completed operations: beats -> count

  std::uint64_t completed() const;
  bool operator==(const TypeSample&) const = default;
};

struct TuneRecord {
  std::uint64_t seed = 0;
  bool passed = false;                      // every assertion passed with the current table
  std::map<std::string, TypeSample> types;  // types that started at least one operation

  bool operator==(const TuneRecord&) const = default;
};

// The record of a finished (not interrupted) run of `sc`.
TuneRecord tune_record(const scenario::Scenario& sc, const RunOutcome& outcome);

struct TuneRun {
  std::vector<TuneRecord> records;  // ascending seeds, the seeds that finished
  bool interrupted = false;
};

// Seeds options.first_seed..last_seed of `sc` on threads (run_seed_outcomes, sweep.h).
TuneRun run_tune_seeds(const scenario::Scenario& sc, const SweepOptions& options);

// {seed, verdict, types: [{type, started, completed, beats: [{beats, count}]}]}, types by name
// and beats ascending; parse_tune_record reads it back (kInvalidArgument naming the field, and
// refusing a "completed" that is not the sum of the counts).
nlohmann::json tune_record_json(const TuneRecord& record);
Result<TuneRecord> parse_tune_record(const nlohmann::json& j);

}  // namespace backbeat::sim::batch
