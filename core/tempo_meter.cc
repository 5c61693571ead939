#include "core/tempo_meter.h"

#include <cmath>
#include <limits>

namespace backbeat {

const char* tempo_drift_name(TempoDrift drift) {
  switch (drift) {
    case TempoDrift::kAcceptable:
      return "acceptable";
    case TempoDrift::kWarning:
      return "warning";
    case TempoDrift::kCritical:
      return "critical";
  }
  return "unknown";
}

TempoDrift classify_drift(Duration drift, const DriftThresholds& thresholds) {
  double magnitude = std::fabs(static_cast<double>(drift.count()));
  double tolerance = static_cast<double>(thresholds.jitter_tolerance.count());
  if (magnitude <= tolerance) return TempoDrift::kAcceptable;
  if (magnitude <= tolerance * thresholds.warning_factor) return TempoDrift::kWarning;
  return TempoDrift::kCritical;
}

void TempoMeter::record(std::int64_t beat_index, Time beat_start, double advertised_bpm) {
  if (!samples_.empty() && beat_index <= samples_.back().beat_index) return;
  samples_.push_back({beat_index, beat_start, advertised_bpm});
  if (samples_.size() > window_) samples_.pop_front();
}

std::optional<double> TempoMeter::measured_bpm() const {
  if (samples_.size() < 2) return std::nullopt;
  // Work relative to the oldest sample so doubles keep nanosecond precision.
  const Sample& first = samples_.front();
  double n = static_cast<double>(samples_.size());
  double sum_x = 0, sum_y = 0;
  for (const Sample& s : samples_) {
    sum_x += static_cast<double>(s.beat_index - first.beat_index);
    sum_y += to_seconds(s.start - first.start);
  }
  double mean_x = sum_x / n, mean_y = sum_y / n;
  double sxy = 0, sxx = 0;
  for (const Sample& s : samples_) {
    double dx = static_cast<double>(s.beat_index - first.beat_index) - mean_x;
    double dy = to_seconds(s.start - first.start) - mean_y;
    sxy += dx * dy;
    sxx += dx * dx;
  }
  if (sxx <= 0 || sxy <= 0) return std::nullopt;
  double seconds_per_beat = sxy / sxx;
  return 60.0 / seconds_per_beat;
}

Duration TempoMeter::drift() const {
  if (samples_.size() < 2) return Duration::zero();
  // The predicted schedule advances by the advertised beat length of each beat passed.
  // In 128-bit nanoseconds: a forged frame may jump by up to 2^63-1 beats, whose predicted time
  // does not fit a Duration (same results as 64-bit arithmetic whenever that does not overflow).
  __extension__ using Wide = __int128;
  Wide predicted = samples_.front().start.time_since_epoch().count();
  Wide total = 0;
  for (std::size_t i = 1; i < samples_.size(); ++i) {
    const Sample& prev = samples_[i - 1];
    const Sample& cur = samples_[i];
    predicted += static_cast<Wide>(beat_duration(prev.advertised_bpm).count()) *
                 (cur.beat_index - prev.beat_index);
    total += cur.start.time_since_epoch().count() - predicted;
  }
  // The anchor's own offset is zero by construction and counts in the mean.
  Wide mean = total / static_cast<Wide>(samples_.size());
  constexpr Wide kMax = std::numeric_limits<Duration::rep>::max();
  constexpr Wide kMin = std::numeric_limits<Duration::rep>::min();
  return Duration(static_cast<Duration::rep>(mean > kMax ? kMax : mean < kMin ? kMin : mean));
}

}  // namespace backbeat
