// Time as the core sees it: an instant on the agent's clock and a signed span, in nanoseconds.
// The core never reads a clock itself; a Clock (core/clock.h) hands it these values.
#pragma once

#include <chrono>
#include <cstdint>

namespace backbeat {

using Duration = std::chrono::nanoseconds;
// Nanoseconds since the Unix epoch (UTC), as the agent's clock believes it to be.
using Time = std::chrono::sys_time<std::chrono::nanoseconds>;

constexpr Duration kNanosecond{1};
constexpr Duration kMillisecond = std::chrono::milliseconds(1);
constexpr Duration kSecond = std::chrono::seconds(1);

// Length of one beat at `tempo_bpm` (60 / tempo seconds), rounded to the nanosecond.
// `tempo_bpm` must be positive.
inline Duration beat_duration(double tempo_bpm) {
  return Duration(static_cast<std::int64_t>(60e9 / tempo_bpm + 0.5));
}

inline double to_seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}
inline Duration from_seconds(double s) {
  return Duration(static_cast<std::int64_t>(s * 1e9 + (s >= 0 ? 0.5 : -0.5)));
}

}  // namespace backbeat
