#include "sim/harness/beat_frames.h"

#include <fmt/format.h>

#include "sim/kernel/hash.h"

namespace backbeat::sim {

std::string window_id(std::string_view cluster_id, std::int64_t bar) {
  std::uint64_t base = fnv1a64(cluster_id);
  std::uint64_t hi = mix64(base ^ static_cast<std::uint64_t>(bar));
  std::uint64_t lo = mix64(hi + kGoldenGamma);
  return fmt::format("{:016x}{:016x}", hi, lo);
}

BeatFrame make_beat_frame(const BeatFrameSpec& spec, std::string hlc) {
  BeatFrame frame;
  frame.cluster_id = std::string(spec.cluster_id);
  frame.beat_index = spec.beat;
  frame.downbeat = spec.beat % spec.bar_length == 0;
  frame.phase = spec.phase;
  frame.hlc = std::move(hlc);
  frame.deadline_at = spec.beat_start + phase_end(spec.length, spec.phase);
  frame.tempo_bpm = spec.tempo_bpm;
  frame.window_id = window_id(spec.cluster_id, spec.beat / spec.bar_length);
  return frame;
}

}  // namespace backbeat::sim
