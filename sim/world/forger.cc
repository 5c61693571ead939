#include "sim/world/forger.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "core/contracts/beat_frame.h"
#include "core/subject.h"
#include "sim/kernel/hash.h"

namespace backbeat::sim {

Forger::Forger(Kernel& kernel, TraceRecorder& trace, SimConnection& connection,
               std::string cluster_id, double tempo_bpm)
    : kernel_(kernel),
      trace_(trace),
      connection_(connection),
      cluster_id_(std::move(cluster_id)),
      subject_(SubjectScheme{}.beat_frames(cluster_id_)),
      tempo_bpm_(tempo_bpm),
      kind_forged_(trace.kind("forged")) {}

Forger::~Forger() {
  kernel_.cancel(next_);
}

void Forger::start(double frames_per_beat) {
  ++active_;
  interval_ = from_seconds(to_seconds(beat_duration(tempo_bpm_)) / frames_per_beat);
  if (interval_ <= Duration::zero()) interval_ = Duration(1);
  if (next_ == kNoEvent)
    next_ = kernel_.schedule_after(Duration::zero(), [this] { publish_next(); });
}

void Forger::stop() {
  if (active_ > 0) --active_;
  if (active_ == 0) {
    kernel_.cancel(next_);
    next_ = kNoEvent;
  }
}

void Forger::publish_next() {
  next_ = kNoEvent;
  if (active_ == 0) return;
  const int kind = static_cast<int>(published_ % kRotation);
  ++published_;
  trace_.record(kernel_.now(), connection_.node(), kind_forged_,
                digest_combine(published_, static_cast<std::uint64_t>(kind)));
  (void)connection_.publish(subject_, payload(kind));  // refused while disconnected: fine
  next_ = kernel_.schedule_after(interval_, [this] { publish_next(); });
}

std::string Forger::payload(int kind) const {
  if (kind == 0) return "{\"type\": \"backbeat.beatframe.v1\", not json";
  BeatFrame frame;
  frame.cluster_id = cluster_id_;
  frame.beat_index = 0;
  frame.phase = BeatPhase::kPlan;
  frame.hlc = "0000:0000:0000";
  frame.deadline_at = kernel_.now() + beat_duration(tempo_bpm_);
  frame.tempo_bpm = tempo_bpm_;
  frame.window_id = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";
  switch (kind) {
    case 1: {
      nlohmann::json json = beat_frame_to_json(frame);
      json["tempo_bpm"] = 0;
      return json.dump();
    }
    case 2:
      frame.cluster_id = "forged-cluster";
      frame.beat_index = 1'000'000;
      break;
    case 3:
      break;  // beat 0
    default:
      frame.beat_index = std::numeric_limits<std::int64_t>::max();
      break;
  }
  return encode_beat_frame(frame);
}

}  // namespace backbeat::sim
