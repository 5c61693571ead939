// JumpGuard: whether to follow a beat frame that jumps ahead of the current beat.
//
// The contract drops frames that go backwards (docs/decisions.md, "Bad frames"), so following one
// contract-valid frame with beat_index 2^63-1 would leave a follower on that beat for good: every
// real frame after it is "backwards". A jump is plausible when the time since the current beat
// started explains it: at most twice the beats elapsed at the current tempo (tempo may rise 10% per
// change) plus `slack_beats`. An implausible frame is held, not followed; the next newer frame
// within reach of the held one confirms the jump (a pulse that really jumped is followed one frame
// late). A lone forged frame never moves the beat. Used by BeatClient (the agents) and by the
// harness's bar tally (the reverb), so both follow the same pulse.
#pragma once

#include <cstdint>
#include <optional>

#include "core/contracts/beat_frame.h"
#include "core/time.h"

namespace backbeat {

class JumpGuard {
 public:
  explicit JumpGuard(std::int64_t slack_beats = 64) : slack_beats_(slack_beats) {}

  // For a frame with beat_index > current_index arriving at `now`, the current beat having
  // started at `current_start` at `current_tempo_bpm`: true = follow it (and forget any held
  // frame), false = hold it (it replaces the held frame).
  bool admit(const BeatFrame& frame, Time now, std::int64_t current_index, Time current_start,
             double current_tempo_bpm);
  // Forgets the held frame (a frame near the current beat arrived).
  void reset() { held_.reset(); }
  bool holding() const { return held_.has_value(); }

 private:
  struct Held {
    std::int64_t beat_index;
    BeatPhase phase;
    Time arrival;
  };
  bool within_reach(std::int64_t from_index, Time from_start, double tempo_bpm,
                    std::int64_t to_index, Time now) const;

  std::int64_t slack_beats_;
  std::optional<Held> held_;
};

}  // namespace backbeat
