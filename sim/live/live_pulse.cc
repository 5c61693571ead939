#include "sim/live/live_pulse.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "core/echo_text.h"
#include "core/subject.h"
#include "sim/harness/beat_frames.h"

namespace backbeat::live {

Status LivePulseConfig::validate() const {
  if (cluster_id.empty() || cluster_id.size() > 64) {
    return Status::invalid_argument("cluster_id: expected 1..64 characters of [A-Za-z0-9_-]");
  }
  for (char c : cluster_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return Status::invalid_argument(fmt::format(
          "cluster_id: '{}' has a character outside [A-Za-z0-9_-]", echo_id(cluster_id)));
    }
  }
  const double tenths = tempo_bpm * 10.0;
  if (!(tempo_bpm >= 0.1 && tempo_bpm <= 1000.0) || std::abs(tenths - std::round(tenths)) > 1e-6) {
    return Status::invalid_argument(
        fmt::format("tempo_bpm: expected 0.1..1000 in steps of 0.1, got {:g}", tempo_bpm));
  }
  if (bar_length < 1 || bar_length > 1000) {
    return Status::invalid_argument(
        fmt::format("bar_length: expected 1..1000 beats, got {}", bar_length));
  }
  if (frames_per_beat != 1 && frames_per_beat != 3) {
    return Status::invalid_argument(
        fmt::format("frames_per_beat: expected 1 or 3, got {}", frames_per_beat));
  }
  return Status::ok();
}

LivePulse::LivePulse(LivePulseConfig config, Clock& clock, Transport& transport)
    : config_(std::move(config)),
      clock_(clock),
      transport_(transport),
      hlc_(config_.node_name),
      subject_(SubjectScheme{config_.subject_prefix}.beat_frames(config_.cluster_id)) {}

LivePulse::~LivePulse() {
  stop();
}

Status LivePulse::start() {
  if (started_) return Status::failed_precondition("pulse already started");
  if (Status s = config_.validate(); !s) return s;
  length_ = beat_duration(config_.tempo_bpm);
  const Time now = clock_.now();
  if (config_.align_to_wall_clock) {
    // Beat k starts at k x length after the epoch; begin with the beat in progress.
    const std::int64_t since_epoch = now.time_since_epoch().count();
    beat_ = since_epoch / length_.count();
    epoch_ = Time(Duration(0));
  } else {
    beat_ = 0;
    epoch_ = now;
  }
  started_ = true;
  on_beat();
  return Status::ok();
}

void LivePulse::stop() {
  if (!started_) return;
  started_ = false;
  clock_.cancel(beat_timer_);
  for (Clock::TimerId& t : phase_timers_) {
    clock_.cancel(t);
    t = Clock::kNoTimer;
  }
  beat_timer_ = Clock::kNoTimer;
}

Time LivePulse::beat_start(std::int64_t beat) const {
  return epoch_ + length_ * beat;
}

void LivePulse::on_beat() {
  beat_timer_ = Clock::kNoTimer;
  if (!started_) return;
  const Time now = clock_.now();
  // Skip beats whose whole length has passed (the process was suspended): never publish late.
  while (beat_start(beat_ + 1) <= now) {
    ++beat_;
    ++beats_skipped_;
  }
  for (Clock::TimerId& t : phase_timers_) {  // a previous beat's phase still pending (late)
    clock_.cancel(t);
    t = Clock::kNoTimer;
  }
  const std::int64_t beat = beat_++;
  const Time start = beat_start(beat);
  // Mid-beat start (wall-aligned): publish the phase in progress now, later phases on time.
  int first_phase = 0;
  if (config_.frames_per_beat == 3) {
    while (first_phase < 2 &&
           start + sim::phase_end(length_, static_cast<BeatPhase>(first_phase)) <= now) {
      ++first_phase;
    }
  }
  if (config_.frames_per_beat == 1) {
    publish_phase(beat, BeatPhase::kExecute, start);
  } else {
    publish_phase(beat, static_cast<BeatPhase>(first_phase), start);
    int slot = 0;
    for (int p = first_phase + 1; p < 3; ++p, ++slot) {
      const auto phase = static_cast<BeatPhase>(p);
      phase_timers_[slot] = clock_.schedule_at(start + sim::phase_start(length_, phase),
                                               [this, beat, phase, start, slot] {
                                                 phase_timers_[slot] = Clock::kNoTimer;
                                                 if (started_) publish_phase(beat, phase, start);
                                               });
    }
  }
  beat_timer_ = clock_.schedule_at(beat_start(beat_), [this] { on_beat(); });
}

void LivePulse::publish_phase(std::int64_t beat, BeatPhase phase, Time start) {
  const BeatFrame frame = sim::make_beat_frame({.cluster_id = config_.cluster_id,
                                                .bar_length = config_.bar_length,
                                                .beat = beat,
                                                .phase = phase,
                                                .tempo_bpm = config_.tempo_bpm,
                                                .beat_start = start,
                                                .length = length_},
                                               format_hlc(hlc_.next(clock_.now())));
  if (transport_.publish(subject_, encode_beat_frame(frame))) {
    ++frames_published_;
  } else {
    ++frames_refused_;
  }
}

}  // namespace backbeat::live
