// Pulse: the simulated BACKBEAT pulse service, one or more nodes publishing contract beat frames.
//
// The beat schedule is the cluster's: beat k+1 starts one beat length after beat k. A drifting
// pulse advertises one tempo and keeps another: it counts 60/tempo seconds on a clock whose rate
// error is the drift model's ppm at that moment, so a beat lasts (60/tempo) / (1 + ppm x 1e-6) of
// real time. The sign is the format reference's (scenarios/README.md, "Drift sign"): positive ppm
// = the pulse's clock runs fast = shorter beats, a higher measured tempo, beats early; negative =
// slow, longer beats, a lower measured tempo, beats late.
//
// Failover: the nodes form a Raft group. The leader publishes one frame per phase at the phase's
// start (or only the execute frame), stamped with its own clock's HLC and deadline_at (the frames
// themselves are built by sim/harness/beat_frames.h, as the live pulse builds them); followers
// are silent. When the leader fails, the lowest live node wins the election `gap` later (a
// negative gap = the successor starts publishing that much before the leader dies: an overlap).
// A failed node that recovers rejoins as a follower; if there was no leader, it triggers an
// election. Quorum is not modelled: any live node can lead. With no live node the pulse is silent
// until one recovers.
// Tempo changes move at most 10% per beat, at beat boundaries, in steps of 0.1 BPM (a change that
// cannot move by 0.1 within 10% stays put).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/contracts/beat_frame.h"
#include "core/contracts/hlc.h"
#include "core/invariant.h"
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

  // Beat 0 starts now, node 0 leading.
  void start();
  // Outages nest: the pulse is silent while any is active.
  void begin_outage();
  void end_outage();

  // The leader dies; the lowest live node is elected `gap` later (now if the gap is negative: the
  // successor has been publishing since overlap_successor()). Nothing happens without a leader.
  // Returns the failed node (-1 if none led).
  int fail_leader(Duration gap);
  // For a negative gap, called |gap| before fail_leader(): the node that will win the election
  // starts publishing alongside the leader.
  void overlap_successor();
  // A failed node comes back as a follower; with no leader and no election pending, an election
  // is held `election_delay` later.
  void recover_node(int node, Duration election_delay);

  int leader() const { return leader_; }  // -1 while no node leads
  int live_nodes() const;
  // Frames can be heard: a node leads and no outage is active.
  bool audible() const { return leader_ >= 0 && outages_ == 0; }
  // Called (once per change) when the pulse becomes audible again after a silence.
  void on_audible(std::function<void()> listener) { on_audible_ = std::move(listener); }
  // While silent: since when, and why ("every pulse node failed", "pulse outage", "election").
  std::optional<Time> silent_since() const { return silent_since_; }
  const char* silence_cause() const;
  // The NATS server the leader publishes through (-1 while no node leads).
  int leader_server() const;

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
  int lowest_live_node() const;  // -1 if none
  void hold_election();
  // Tracks silences: calls on_audible_ when `was_audible` is false and the pulse is audible now.
  void after_change(bool was_audible);

  Kernel& kernel_;
  TraceRecorder& trace_;
  PulseConfig config_;
  std::string cluster_id_;
  std::string subject_;
  std::vector<PulseNodeHandle> nodes_;
  std::vector<bool> alive_;
  int leader_ = 0;
  int successor_ = -1;  // publishing alongside the leader during an overlap
  bool election_pending_ = false;
  std::function<void()> on_audible_;
  std::optional<Time> silent_since_;
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
