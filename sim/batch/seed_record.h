// SeedRecord: the result of one seed of a sweep, as a plain record. It holds what the run decided
// (fingerprint, verdict, whether it met the scenario's `expect`, each failed assertion) and
// nothing about how it was run (no wall time, no job, no host), so records computed on any
// machine, in any order, in any shard, aggregate to the same result (sim/batch/sweep.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/scenario/run_summary.h"

namespace backbeat::sim::batch {

// How an assertion failed, without its measured value: the part of a failure that is the same
// for every seed that fails the same way.
enum class FailureHow {
  kAboveBound,  // measured > bound on an "at most" assertion
  kBelowBound,  // measured < bound on an "at least" assertion
  kUnmeasured   // nothing to measure (no completed operation, no bar report, ...)
};
const char* failure_how_name(FailureHow how);
std::optional<FailureHow> parse_failure_how(std::string_view name);
FailureHow failure_how(const scenario::AssertionResult& failed);

struct FailedAssertion {
  std::string name;  // the assertion result's name, e.g. "longest_resync"
  FailureHow how = FailureHow::kAboveBound;
  std::optional<double> measured;
  double bound = 0;
  std::string comparison;  // "<=" or ">="
  std::string unit;
  std::string detail;

  bool operator==(const FailedAssertion&) const = default;
};

struct SeedRecord {
  std::uint64_t seed = 0;
  std::string fingerprint;   // 16 hex digits
  bool passed = false;       // every assertion passed
  bool as_expected = false;  // the run meets the scenario's `expect` (verdict and named failures)
  std::vector<FailedAssertion> failed;  // in the scenario's assertion order
  std::vector<std::string> mismatches;  // how the run differs from `expect` (empty = as expected)

  bool operator==(const SeedRecord&) const = default;
};

// The record of a finished (not interrupted) run.
SeedRecord seed_record(const scenario::RunReport& report);

// {seed, fingerprint, verdict, as_expected, failed: [{name, how, measured, bound, comparison,
// unit, detail}], mismatches}; parse_seed_record reads it back (kInvalidArgument naming the field).
nlohmann::json seed_record_json(const SeedRecord& record);
Result<SeedRecord> parse_seed_record(const nlohmann::json& j);

}  // namespace backbeat::sim::batch
