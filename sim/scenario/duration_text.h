// Durations as scenario files write them.
//
//   a number            seconds ("30", 1.5); may be fractional
//   "<n><unit>"         units ns, us, ms, s, m (or min), h; e.g. "250ms", "30s", "5m", "1.5h"
//   "<n> beats" / "<n>b" beats, converted at the scenario's initial tempo (2 BPM: "3b" = 90 s);
//                       "beat" is accepted for 1
// Whitespace between number and unit is allowed. A leading '-' gives a negative duration; the
// caller decides whether that is allowed (only a few fields allow it). Results are rounded to the
// nanosecond.
#pragma once

#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace backbeat::sim::scenario {

// Parses `text`; `tempo_bpm` (> 0) converts beats. Errors say what was expected.
Result<Duration> parse_duration_text(std::string_view text, double tempo_bpm);

// Seconds as a duration (a JSON number in a duration field); errors if not finite or too large.
Result<Duration> duration_from_seconds(double seconds);

// "1h", "30s", "250ms", "1.5s": a short human form, exact where the value allows.
std::string format_duration(Duration d);

}  // namespace backbeat::sim::scenario
