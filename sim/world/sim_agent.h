// SimAgent: one simulated CHORUS agent: the unchanged core (Integration + BeatClient) on its own
// NodeClock and simulated NATS connection, plus what the harness observes of it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/integration.h"
#include "core/logger.h"
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
  bool crashed() const { return integration_ == nullptr; }

  // Null while crashed.
  Integration* integration() { return integration_.get(); }
  SimConnection* connection() { return connection_; }
  NodeClock& clock() { return *clock_; }
  int index() const { return index_; }
  NodeId node() const { return static_cast<NodeId>(index_); }
  const std::string& agent_id() const { return outcome_.agent_id; }

  // Slow-peer factor applied to operation durations (1 = normal).
  double slow_factor() const { return slow_factor_; }
  void set_slow_factor(double f) { slow_factor_ = f; }
  double base_skew_ppm() const { return group_.clock_skew_ppm; }

  // The agent can hear the pulse again after a fault cut it off: measure how long until it is back
  // on the beat. A later call restarts the clock (it could not hear in between).
  void await_resync();

  // Closes open windows and folds the live counters in; call once at the end of the run.
  AgentOutcome finish(std::int64_t pulse_beat);

 private:
  void fold_counters();
  void on_beat(const BeatFrame& frame);
  void on_sync_change(bool degraded);
  void on_connection(ConnectionEvent event);

  WorldContext& world_;
  int index_;
  AgentGroup group_;
  int server_;
  std::string node_id_;
  std::unique_ptr<NodeClock> clock_;
  NullLogger logger_;
  SimConnection* connection_ = nullptr;
  std::unique_ptr<Integration> integration_;
  double slow_factor_;
  AgentOutcome outcome_;
  std::optional<Time> degraded_since_;
  std::optional<Time> disconnected_since_;
  std::optional<Time> awaiting_resync_since_;
  KindId kind_sync_;
};

}  // namespace backbeat::sim
