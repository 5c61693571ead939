// BeatHistogram: how many beats operations took to complete, in fixed memory: one bucket per beat
// from 0 to kCap - 1 and one overflow bucket for kCap beats and more (whose largest value is kept
// exactly). Percentiles are nearest rank (core/nearest_rank.h) over the buckets, so they are exact
// below the cap; a rank that falls in the overflow bucket reads as the largest value seen.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

namespace backbeat {

class BeatHistogram {
 public:
  static constexpr std::int64_t kCap = 64;  // beats with a bucket of their own: 0..kCap-1

  // Records one completion; a negative count of beats reads as 0.
  void add(std::int64_t beats);

  std::uint64_t count() const { return count_; }
  // Nearest-rank p-th percentile (0 < p <= 100); nothing when empty.
  std::optional<std::int64_t> percentile(double p) const;
  std::optional<std::int64_t> max() const;
  // The mean of the recorded values (exact: the sum is kept); 0 when empty.
  double mean() const;
  // Completions in the bucket of `beats` (the overflow bucket for kCap and more).
  std::uint64_t bucket(std::int64_t beats) const;

  // {"count", "mean", "p50", "p95", "p99", "max", "buckets": [[beats, count], ...] (non-empty
  // buckets, ascending; the overflow bucket as [kCap, count])}.
  nlohmann::ordered_json to_json() const;

 private:
  std::array<std::uint64_t, kCap + 1> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace backbeat
