#include "core/beat_histogram.h"

#include <algorithm>

#include "core/nearest_rank.h"

namespace backbeat {

void BeatHistogram::add(std::int64_t beats) {
  beats = std::max<std::int64_t>(beats, 0);
  ++buckets_[static_cast<std::size_t>(std::min(beats, kCap))];
  ++count_;
  sum_ += beats;
  max_ = count_ == 1 ? beats : std::max(max_, beats);
}

std::optional<std::int64_t> BeatHistogram::percentile(double p) const {
  if (count_ == 0) return std::nullopt;
  std::uint64_t rank = nearest_rank_position(count_, p);
  std::uint64_t seen = 0;
  for (std::int64_t beats = 0; beats < kCap; ++beats) {
    seen += buckets_[static_cast<std::size_t>(beats)];
    if (seen >= rank) return beats;
  }
  return max_;
}

std::optional<std::int64_t> BeatHistogram::max() const {
  if (count_ == 0) return std::nullopt;
  return max_;
}

double BeatHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::uint64_t BeatHistogram::bucket(std::int64_t beats) const {
  return buckets_[static_cast<std::size_t>(std::clamp<std::int64_t>(beats, 0, kCap))];
}

nlohmann::ordered_json BeatHistogram::to_json() const {
  auto opt = [](std::optional<std::int64_t> v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json buckets = nlohmann::ordered_json::array();
  for (std::int64_t beats = 0; beats <= kCap; ++beats) {
    std::uint64_t n = buckets_[static_cast<std::size_t>(beats)];
    if (n > 0) buckets.push_back({beats, n});
  }
  return {{"count", count_},
          {"mean", mean()},
          {"p50", opt(percentile(50))},
          {"p95", opt(percentile(95))},
          {"p99", opt(percentile(99))},
          {"max", opt(max())},
          {"buckets", buckets}};
}

}  // namespace backbeat
