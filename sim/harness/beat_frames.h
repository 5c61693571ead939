// Beat frames: how a BACKBEAT pulse lays out one beat and builds its frames, written once for the
// simulated pulse (sim/world/pulse.h, which adds drift, failover and outages around it) and the
// live pulse (sim/harness/pulse_service.h). Both publish what these functions return, so a frame
// means the same in both worlds.
//
// A beat of length L starting at S has three phases (plan, execute, review) of L/3 each; phase p
// starts at S + L*p/3 and its deadline_at is its end, S + L*(p+1)/3, on the publisher's clock.
// With frames_per_beat = 1 only the execute frame is published. Every bar_length-th beat is a
// downbeat, and the window id of a bar is derived from (cluster, bar), so every pulse node (and
// both worlds) agree on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/contracts/beat_frame.h"
#include "core/time.h"

namespace backbeat::sim {

// The 32-hex window id of `bar` in `cluster_id`.
std::string window_id(std::string_view cluster_id, std::int64_t bar);

// Whether a pulse publishing `frames_per_beat` (1 or 3) frames per beat publishes `phase`.
inline bool publishes_phase(int frames_per_beat, BeatPhase phase) {
  return frames_per_beat != 1 || phase == BeatPhase::kExecute;
}

// When `phase` starts, from the start of a beat lasting `length`.
inline Duration phase_start(Duration length, BeatPhase phase) {
  return length * static_cast<int>(phase) / 3;
}

// When `phase` ends (its frame's deadline), from the start of a beat lasting `length`.
inline Duration phase_end(Duration length, BeatPhase phase) {
  return length * (static_cast<int>(phase) + 1) / 3;
}

// What a frame says about its beat; the publisher adds the HLC from its own generator.
struct BeatFrameSpec {
  std::string_view cluster_id;
  int bar_length = 4;
  std::int64_t beat = 0;
  BeatPhase phase = BeatPhase::kPlan;
  double tempo_bpm = 60.0;
  Time beat_start{};  // on the publisher's clock
  Duration length{};  // of this beat
};

BeatFrame make_beat_frame(const BeatFrameSpec& spec, std::string hlc);

}  // namespace backbeat::sim
