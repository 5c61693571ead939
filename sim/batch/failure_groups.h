// Failure signatures and the groups they make. A signature names which assertions failed and
// how (above bound, below bound, unmeasured), never the measured values, so two seeds that fail
// the same way share it whatever their numbers: "agents_out_of_sync_at_end (above_bound) +
// longest_resync (above_bound)". A seed that failed nothing has the signature "pass".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/batch/seed_record.h"

namespace backbeat::sim::batch {

inline constexpr const char* kPassSignature = "pass";

// The failed assertions of `record` as (name, how), sorted by name then how, without repeats.
std::vector<std::pair<std::string, FailureHow>> failure_key(const SeedRecord& record);
// failure_key joined as "name (how) + name (how)"; kPassSignature when nothing failed.
std::string failure_signature(const SeedRecord& record);

struct FailureGroup {
  std::string signature;
  std::vector<std::pair<std::string, FailureHow>> assertions;  // failure_key of every member
  bool as_expected = false;          // its seeds meet the scenario's `expect`
  std::vector<std::uint64_t> seeds;  // ascending
};

// Partitions `records` (ascending seeds) by signature. Groups come in a fixed order that does not
// depend on how the records were computed: the groups not as expected first, then larger groups
// first, then by first seed. Seeds of one signature always agree on as_expected (it is decided by
// the verdict and the set of failed names); should they not, the group is not as expected.
std::vector<FailureGroup> group_failures(const std::vector<SeedRecord>& records);

}  // namespace backbeat::sim::batch
