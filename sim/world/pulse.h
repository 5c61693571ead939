// Pulse: the simulated BACKBEAT pulse service, one or more nodes publishing contract beat frames.
//
// The beat schedule is the cluster's: beat k+1 starts one beat length after beat k, the length
// being 60/tempo stretched by the drift model's rate error at that moment (a drifting pulse
// advertises one tempo and keeps another). Each active node publishes one frame per phase at the
// phase's start (or only the execute frame), stamped with its own clock's HLC and deadline_at;
// the frames themselves are built by sim/harness/beat_frames.h, as the live pulse builds them.
// Tempo changes move at most 10% per beat, at beat boundaries, in steps of 0.1 BPM (a change that
// cannot move by 0.1 within 10% stays put).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/contracts/beat_frame.h"
#include "core/contracts/hlc.h"
#include "sim/kernel/kernel.h"
#include "sim/kernel/node_clock.h"
#include "sim/kernel/random.h"
#include "sim/kernel/trace.h"
#include "sim/world/sim_nats.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

struct PulseNodeHandle {
  NodeId node;
  SimConnection* connection;
  NodeClock* clock;
  Duration publish_offset{};  // this node's lag behind the cluster schedule
};

class Pulse {
 public:
  Pulse(Kernel& kernel, TraceRecorder& trace, const PulseConfig& config, std::string cluster_id,
        std::vector<PulseNodeHandle> nodes, RandomStream rng);

  // Beat 0 starts now.
  void start();
  // Outages nest: the pulse is silent while any is active.
  void begin_outage() { ++outages_; }
  void end_outage() { --outages_; }
  // Node activity for failover: only active nodes publish.
  void set_node_active(int node, bool active) { active_[static_cast<std::size_t>(node)] = active; }
  int leader() const;  // lowest active node, -1 if none

  double tempo_bpm() const { return tempo_; }
  std::int64_t current_beat() const { return beat_ - 1; }
  Time current_beat_start() const { return beat_start_; }
  std::uint64_t frames_published() const { return frames_; }

 private:
  static void on_beat(void* self, std::uint64_t);
  void publish_phase(int node, std::int64_t beat, BeatPhase phase, Time beat_start, Duration length,
                     double tempo);
  double rate_error_ppm(Duration elapsed);
  double next_tempo(Duration elapsed);

  Kernel& kernel_;
  TraceRecorder& trace_;
  PulseConfig config_;
  std::string cluster_id_;
  std::string subject_;
  std::vector<PulseNodeHandle> nodes_;
  std::vector<bool> active_;
  std::vector<HlcGenerator> hlc_;
  RandomStream rng_;
  Time epoch_{};
  double tempo_;
  std::int64_t beat_ = 0;  // next beat to start
  Time beat_start_{};
  Time next_nominal_start_{};
  int outages_ = 0;
  std::size_t next_change_ = 0;
  double target_tempo_;
  std::uint64_t frames_ = 0;
  KindId kind_beat_;
};

}  // namespace backbeat::sim
