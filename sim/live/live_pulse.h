// LivePulse: a BACKBEAT pulse on a real clock and transport, publishing contract beat frames, so
// live mode (and agent development) works without a BACKBEAT deployment.
//
// Frames are laid out and built by sim/harness/beat_frames.h, the code the simulator's pulse
// uses: one frame per phase at the phase's start (three per beat; or only execute with
// frames_per_beat = 1), deadline_at = the end of that phase, downbeat on every bar_length-th
// beat, window id from (cluster, bar). The tempo is fixed (no drift models: a real clock drifts
// by itself).
//
// Beat numbering: by default beat 0 starts at start(). With align_to_wall_clock, beat k starts at
// k x beat length after the Unix epoch, so a restarted standalone pulse continues forward instead
// of going back to 0 (agents drop frames that go backwards).
//
// Beats are scheduled against the start instant (beat k at start + k x length), never relative
// to the previous timer, so timer lateness does not accumulate. A beat whose time has passed by
// more than one beat length (the process was suspended) is skipped, not published late.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/hlc.h"
#include "core/transport.h"

namespace backbeat::live {

struct LivePulseConfig {
  std::string cluster_id = "chorus-live";
  double tempo_bpm = 60.0;  // 0.1..1000, a multiple of 0.1
  int bar_length = 4;       // beats per bar
  int frames_per_beat = 3;  // 3: plan/execute/review; 1: execute only
  bool align_to_wall_clock = false;
  std::string node_name = "pulse-live";  // for the HLC node field
  std::string subject_prefix = "backbeat";

  // OK or kInvalidArgument naming the field.
  Status validate() const;
};

class LivePulse {
 public:
  // `clock` and `transport` must outlive the pulse; call everything on the clock's thread.
  LivePulse(LivePulseConfig config, Clock& clock, Transport& transport);
  ~LivePulse();
  LivePulse(const LivePulse&) = delete;
  LivePulse& operator=(const LivePulse&) = delete;

  // Starts publishing (first frame at once). kInvalidArgument for a bad config,
  // kFailedPrecondition when already started.
  Status start();
  void stop();

  std::int64_t current_beat() const { return beat_ - 1; }  // -1 before the first beat
  std::uint64_t frames_published() const { return frames_published_; }
  std::uint64_t frames_refused() const { return frames_refused_; }  // publish() errors
  std::uint64_t beats_skipped() const { return beats_skipped_; }
  const LivePulseConfig& config() const { return config_; }

 private:
  void on_beat();
  void publish_phase(std::int64_t beat, BeatPhase phase, Time beat_start);
  Time beat_start(std::int64_t beat) const;

  LivePulseConfig config_;
  Clock& clock_;
  Transport& transport_;
  HlcGenerator hlc_;
  std::string subject_;
  Duration length_{};
  Time epoch_{};           // start of beat 0
  std::int64_t beat_ = 0;  // next beat to start
  bool started_ = false;
  Clock::TimerId beat_timer_ = Clock::kNoTimer;
  Clock::TimerId phase_timers_[2] = {Clock::kNoTimer, Clock::kNoTimer};
  std::uint64_t frames_published_ = 0;
  std::uint64_t frames_refused_ = 0;
  std::uint64_t beats_skipped_ = 0;
};

}  // namespace backbeat::live
