#include "core/jump_guard.h"

#include <algorithm>

namespace backbeat {

bool JumpGuard::within_reach(std::int64_t from_index, Time from_start, double tempo_bpm,
                             std::int64_t to_index, Time now) const {
  const double elapsed_beats =
      std::max(0.0, to_seconds(now - from_start) / to_seconds(beat_duration(tempo_bpm)));
  const double reach = 2.0 * elapsed_beats + static_cast<double>(slack_beats_);
  return static_cast<double>(to_index - from_index) <= reach;  // both in 0..2^63-1, to > from
}

bool JumpGuard::admit(const BeatFrame& frame, Time now, std::int64_t current_index,
                      Time current_start, double current_tempo_bpm) {
  bool follow =
      within_reach(current_index, current_start, current_tempo_bpm, frame.beat_index, now);
  if (!follow && held_) {
    const bool newer = frame.beat_index > held_->beat_index ||
                       (frame.beat_index == held_->beat_index &&
                        static_cast<int>(frame.phase) > static_cast<int>(held_->phase));
    follow = newer && within_reach(held_->beat_index, held_->arrival, frame.tempo_bpm,
                                   frame.beat_index, now);
  }
  if (follow) {
    held_.reset();
  } else {
    held_ = Held{frame.beat_index, frame.phase, now};
  }
  return follow;
}

}  // namespace backbeat
