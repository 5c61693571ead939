// TempoMeter: measured tempo and timing drift from the arrival times of recent beats.
// docs/decisions.md, "Measured tempo and drift".
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "core/time.h"

namespace backbeat {

enum class TempoDrift { kAcceptable, kWarning, kCritical };
const char* tempo_drift_name(TempoDrift drift);  // "acceptable", "warning", "critical"

struct DriftThresholds {
  Duration jitter_tolerance = std::chrono::milliseconds(50);  // acceptable up to this
  double warning_factor = 4.0;  // warning up to factor x tolerance, critical beyond
};

TempoDrift classify_drift(Duration drift, const DriftThresholds& thresholds);

class TempoMeter {
 public:
  explicit TempoMeter(std::size_t window_beats = 16)
      : window_(window_beats < 2 ? 2 : window_beats) {}

  // Records when beat `beat_index` started, as seen by this agent, and the tempo the pulse
  // advertised for it. Beats must be recorded in increasing index order; others are ignored.
  void record(std::int64_t beat_index, Time beat_start, double advertised_bpm);

  // Least-squares tempo over the window; empty until two beats are recorded.
  std::optional<double> measured_bpm() const;

  // Mean offset of the recorded beat starts from the schedule the advertised tempo predicts,
  // anchored at the oldest beat in the window. Positive = beats arrive late (pulse behind).
  Duration drift() const;

  std::size_t samples() const { return samples_.size(); }
  void clear() { samples_.clear(); }

 private:
  struct Sample {
    std::int64_t beat_index;
    Time start;
    double advertised_bpm;
  };
  std::size_t window_;
  std::deque<Sample> samples_;
};

}  // namespace backbeat
