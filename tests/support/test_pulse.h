// TestPulse: publishes contract beat frames on a schedule, for unit tests of the core.
// Test support, never production (the simulator has its own pulse model).
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/contracts/beat_frame.h"
#include "core/transport.h"

namespace backbeat::testing {

struct TestPulseOptions {
  std::string cluster_id = "chorus-dev";
  double tempo_bpm = 2.0;
  int bar_length = 4;
  int frames_per_beat = 3;  // 3: plan, execute, review; 1: execute only
  std::int64_t first_beat = 0;
};

class TestPulse {
 public:
  TestPulse(TestPulseOptions options, Clock& clock, Transport& transport);

  // Schedules beat `first_beat` to start now and every following beat at the tempo.
  void start();
  // While silent, frames are due but not published (a pulse outage seen from the agents).
  void set_silent(bool silent) { silent_ = silent; }
  // Applies from the next beat on.
  void set_tempo(double bpm) { options_.tempo_bpm = bpm; }

  // The frame the pulse would publish for `beat_index` and `phase`, starting at `beat_start`.
  BeatFrame frame_for(std::int64_t beat_index, BeatPhase phase, Time beat_start) const;
  // Publishes now, outside the schedule, the frame of `beat_index` and `phase` as if its beat had
  // started now (a frame a test places by hand). Returns the transport's status.
  Status publish_now(std::int64_t beat_index, BeatPhase phase = BeatPhase::kPlan);
  std::int64_t next_beat() const { return next_beat_; }
  std::uint64_t frames_published() const { return published_; }

 private:
  void on_beat_start();

  TestPulseOptions options_;
  Clock& clock_;
  Transport& transport_;
  std::string subject_;
  std::int64_t next_beat_;
  Time next_start_{};
  bool silent_ = false;
  std::uint64_t published_ = 0;
};

}  // namespace backbeat::testing
