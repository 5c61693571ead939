#include "tests/support/test_pulse.h"

#include <fmt/format.h>

#include "core/subject.h"

namespace backbeat::testing {

TestPulse::TestPulse(TestPulseOptions options, Clock& clock, Transport& transport)
    : options_(std::move(options)),
      clock_(clock),
      transport_(transport),
      subject_(SubjectScheme{}.beat_frames(options_.cluster_id)),
      next_beat_(options_.first_beat) {}

BeatFrame TestPulse::frame_for(std::int64_t beat_index, BeatPhase phase, Time beat_start) const {
  Duration phase_length = beat_duration(options_.tempo_bpm) / 3;
  BeatFrame frame;
  frame.cluster_id = options_.cluster_id;
  frame.beat_index = beat_index;
  frame.downbeat = beat_index % options_.bar_length == 0;
  frame.phase = phase;
  frame.hlc = "0001:0000:00aa";
  frame.deadline_at = beat_start + phase_length * (static_cast<int>(phase) + 1);
  frame.tempo_bpm = options_.tempo_bpm;
  frame.window_id = fmt::format("{:032x}", beat_index / options_.bar_length + 1);
  return frame;
}

Status TestPulse::publish_now(std::int64_t beat_index, BeatPhase phase) {
  return transport_.publish(subject_,
                            encode_beat_frame(frame_for(beat_index, phase, clock_.now())));
}

void TestPulse::start() {
  next_start_ = clock_.now();
  clock_.schedule_at(next_start_, [this] { on_beat_start(); });
}

void TestPulse::on_beat_start() {
  std::int64_t beat = next_beat_++;
  Time start = next_start_;
  Duration length = beat_duration(options_.tempo_bpm);
  next_start_ = start + length;
  for (int p = 0; p < 3; ++p) {
    auto phase = static_cast<BeatPhase>(p);
    if (options_.frames_per_beat == 1 && phase != BeatPhase::kExecute) continue;
    clock_.schedule_at(start + length * p / 3, [this, beat, phase, start] {
      if (silent_) return;
      ++published_;
      (void)transport_.publish(subject_, encode_beat_frame(frame_for(beat, phase, start)));
    });
  }
  clock_.schedule_at(next_start_, [this] { on_beat_start(); });
}

}  // namespace backbeat::testing
