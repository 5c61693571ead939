// Nearest-rank percentiles, the definition every verdict, summary and budget estimator in this
// project uses: for n values sorted ascending, the p-th percentile (0 < p <= 100) is the value at
// rank ceil(p/100 * n) (1-based), so it is always one of the observed values; p95 of 20 values is
// the 19th smallest. No interpolation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace backbeat {

// The 1-based rank of the p-th percentile among n >= 1 values.
inline std::size_t nearest_rank_position(std::size_t n, double p) {
  double rank = std::ceil(p / 100.0 * static_cast<double>(n) - 1e-9);
  return static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(n)));
}

// `sorted` must be ascending. Empty input has no percentile.
template <typename T>
std::optional<T> nearest_rank(const std::vector<T>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  return sorted[nearest_rank_position(sorted.size(), p) - 1];
}

}  // namespace backbeat
