// The seeds a batch command runs, as the command line names them: "N" for seeds 1..N, "A..B" for
// A..B inclusive (decimal or 0x hex). At most kMaxSeeds seeds.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace backbeat::sim::batch {

inline constexpr std::uint64_t kMaxSeeds = 10'000'000;

struct SeedRange {
  std::uint64_t first = 1;
  std::uint64_t last = 1;  // inclusive
};

// "42", "0x2a": one 64-bit seed.
bool parse_seed(const std::string& text, std::uint64_t& out);

// kInvalidArgument saying what was expected (the caller names the flag).
Result<SeedRange> parse_seed_range(const std::string& text);

}  // namespace backbeat::sim::batch
