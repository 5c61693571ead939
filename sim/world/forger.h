// Forger: a hostile publisher on the cluster's beat subject (fault "forged_frames").
//
// While active it publishes `frames_per_beat` messages per beat of the scenario's tempo, in a
// fixed rotation (no randomness, so a run stays a function of its seed):
//   0. text that is not JSON;
//   1. a frame of our cluster with tempo_bpm 0 (outside the contract's range);
//   2. a contract-valid frame of another cluster;
//   3. a contract-valid frame of our cluster for beat 0 (backwards once the run is under way);
//   4. a contract-valid frame of our cluster for beat 2^63-1 (the jump BeatClient must hold).
// Every agent must drop or hold each of them and keep following the real pulse; the counters in
// AgentOutcome say which bin each landed in.
#pragma once

#include <cstdint>
#include <string>

#include "sim/kernel/kernel.h"
#include "sim/kernel/trace.h"
#include "sim/world/sim_nats.h"

namespace backbeat::sim {

class Forger {
 public:
  // `kernel`, `trace` and `connection` must outlive the forger.
  Forger(Kernel& kernel, TraceRecorder& trace, SimConnection& connection, std::string cluster_id,
         double tempo_bpm);
  ~Forger();
  Forger(const Forger&) = delete;
  Forger& operator=(const Forger&) = delete;

  // Starts publishing (a later start replaces the rate; starts and stops nest).
  void start(double frames_per_beat);
  void stop();

 private:
  static constexpr int kRotation = 5;  // message kinds, in the order listed above

  void publish_next();
  std::string payload(int kind) const;

  Kernel& kernel_;
  TraceRecorder& trace_;
  SimConnection& connection_;
  std::string cluster_id_;
  std::string subject_;
  double tempo_bpm_;
  Duration interval_{};
  int active_ = 0;
  EventId next_ = kNoEvent;
  std::uint64_t published_ = 0;
  KindId kind_forged_;
};

}  // namespace backbeat::sim
