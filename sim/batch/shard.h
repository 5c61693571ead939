// Shards for batch schedulers (Slurm job arrays, Kubernetes Indexed Jobs, CI matrices): `--shard
// K/N` runs the K-th of N slices of a command's seeds, each slice on its own machine, and `merge`
// combines the parts (part_file.h) into the one-machine result.
//
// Slices are contiguous: the seeds first..last are cut into N runs of consecutive seeds whose
// sizes differ by at most one (the first T mod N slices take one seed more). Contiguous rather
// than strided so a part names its seeds as one range, and the seeds a scheduler's task ran are
// readable from its index.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "sim/batch/seed_range.h"

namespace backbeat::sim::batch {

struct Shard {
  int index = 1;  // K, 1..count
  int count = 1;  // N

  std::string text() const;  // "K/N"
  bool operator==(const Shard&) const = default;
};

// At most this many shards (a scheduler's array rarely exceeds a few thousand tasks).
inline constexpr int kMaxShards = 100'000;

// "K/N" with 1 <= K <= N <= kMaxShards (decimal); kInvalidArgument saying what was expected
// (the caller names the flag).
Result<Shard> parse_shard(const std::string& text);

// The seeds of `shard` among `all`; kInvalidArgument when N exceeds the number of seeds (a
// shard would be empty).
Result<SeedRange> shard_range(const SeedRange& all, const Shard& shard);

}  // namespace backbeat::sim::batch
