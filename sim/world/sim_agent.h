// SimAgent: one simulated CHORUS agent: an AgentHost (sim/harness/agent_host.h: the unchanged core
// plus what the harness observes of it, as in live mode) on its own NodeClock and simulated NATS
// connection, plus what only a simulator does to it (crashes, slowness, clock faults).
#pragma once

#include <memory>
#include <string>

#include "core/integration.h"
#include "sim/harness/agent_host.h"
#include "sim/kernel/node_clock.h"
#include "sim/world/outcome.h"
#include "sim/world/sim_nats.h"
#include "sim/world/world_context.h"

namespace backbeat::sim {

class SimAgent {
 public:
  SimAgent(WorldContext& world, int index, const AgentGroup& group, int server);
  ~SimAgent();

  // Connects and starts the integration (the process starting).
  void boot();
  // The process dies: the integration and its connection vanish without a word.
  void crash();
  bool crashed() const { return !host_.running(); }

  // The core's log lines go to `sink` (RunOptions::agent_log); null discards them.
  void set_log_sink(Logger* sink) { host_.set_log_sink(sink); }

  // Null while crashed.
  Integration* integration() { return host_.integration(); }
  SimConnection* connection() { return connection_; }
  NodeClock& clock() { return *clock_; }
  int index() const { return index_; }
  NodeId node() const { return static_cast<NodeId>(index_); }
  const std::string& agent_id() const { return host_.agent_id(); }

  // Slow-peer factor applied to operation durations (1 = normal).
  double slow_factor() const { return slow_factor_; }
  void set_slow_factor(double f) { slow_factor_ = f; }
  double base_skew_ppm() const { return group_.clock_skew_ppm; }

  // The agent can hear the pulse again after a fault cut it off: measure how long until it is back
  // on the beat. A later call restarts the clock (it could not hear in between).
  void await_resync() { host_.await_resync(); }

  // Closes open windows and folds the live counters in; call once at the end of the run.
  AgentOutcome finish(std::int64_t pulse_beat) { return host_.finish(pulse_beat); }

 private:
  WorldContext& world_;
  int index_;
  AgentGroup group_;
  int server_;
  std::string node_id_;
  std::unique_ptr<NodeClock> clock_;
  SimConnection* connection_ = nullptr;
  double slow_factor_;
  AgentHost host_;
  KindId kind_sync_;
};

}  // namespace backbeat::sim
