// How the command line reads seeds and fingerprints, one rule for every flag and saved file that
// carries them (--seed, --first-seed, --expect-fingerprint, a run directory's run.json and seed).
#pragma once

#include <cstdint>
#include <string_view>

namespace backbeat::sim::cli {

// "42", "0x2a": a 64-bit seed, decimal or 0x hex (the rule of sim/batch/seed_range.h, which
// sweep's seed ranges use too).
bool parse_seed(std::string_view text, std::uint64_t& out);

// Exactly 16 hex digits (optionally after 0x), as every fingerprint is printed. Fewer digits are
// refused, not zero-padded: a truncated copy would otherwise "reproduce" nothing it was meant to.
bool parse_fingerprint(std::string_view text, std::uint64_t& out);

}  // namespace backbeat::sim::cli
