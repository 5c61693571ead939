// AgentHost: the shell around one agent's unchanged core (Integration + BeatClient) and what the
// harness observes of it, written once for the simulated agent (sim/world/sim_agent.h) and the
// live agents (sim/live/live_run.cc).
//
// It creates and starts the core on the clock and transport it is given, and records, on the
// run's clock: degradation windows (from the client's sync changes), disconnect windows (from the
// connection's events; the first disconnect opens a window, the next (re)connect closes it), and
// the longest resync (from the end of a disconnect, or a fault that cut the agent off, to the
// first real beat heard in sync). At the end it folds the client's counters into the outcome and
// judges whether the agent was on the pulse's beat.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/integration.h"
#include "core/logger.h"
#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

class AgentHost {
 public:
  // `run_clock` (the run's time, for windows) must outlive the host.
  AgentHost(Clock& run_clock, int index, std::string agent_id, const AgentGroup& group);
  ~AgentHost();
  AgentHost(const AgentHost&) = delete;
  AgentHost& operator=(const AgentHost&) = delete;

  // Creates and starts the core as `node_id` on `clock` and `transport` (both must outlive the
  // core: until crash() or finish()). A group with backbeat disabled boots nothing (OK, the
  // host stays down and is not judged). Errors: Integration::create's and start()'s.
  Status boot(const std::string& cluster_id, const std::string& node_id, Clock& clock,
              Transport& transport);
  // The process dies: the core vanishes without a word; its counters are kept and open windows
  // close now. The host can boot again.
  void crash();
  // The run is over: judges whether the agent is on `pulse_beat` (a negative beat: no pulse seen,
  // nothing to judge) and stops the core cleanly; finish() folds its counters in later.
  void stop(std::int64_t pulse_beat);
  // Closes open windows and folds the core's counters in; judges sync against `pulse_beat`
  // unless stop() did. Call once, at the end of the run.
  AgentOutcome finish(std::int64_t pulse_beat);

  // The agent can hear the pulse again after a fault or a reconnect: measure how long until it is
  // back on the beat. A later call restarts the clock (it could not hear in between).
  void await_resync();
  // Called on every sync change after the windows are updated (the simulator traces them).
  void set_sync_listener(std::function<void(bool degraded)> listener) {
    sync_listener_ = std::move(listener);
  }

  // Called when a resync completes, with how long it took (the simulator's timeline shows it).
  void set_resync_listener(std::function<void(Duration took)> listener) {
    resync_listener_ = std::move(listener);
  }
  // Where the core's log lines go (prefixed "[agent id] "); null (the default) discards them.
  // `sink` must outlive the host.
  void set_log_sink(Logger* sink) { logger_.sink = sink; }

  // Null while down.
  Integration* integration() { return integration_.get(); }
  bool running() const { return integration_ != nullptr; }
  const std::string& agent_id() const { return outcome_.agent_id; }
  const AgentGroup& group() const { return group_; }

 private:
  void on_beat(const BeatFrame& frame);
  void on_sync_change(bool degraded);
  void on_connection(ConnectionEvent event);
  void close_windows();
  void judge_sync(std::int64_t pulse_beat);
  void release_core();

  // The core's logger: forwards to the host's sink with the agent's id in front.
  struct AgentLog final : Logger {
    Logger* sink = nullptr;
    std::string prefix;
    void info(std::string_view m) override {
      if (sink != nullptr) sink->info(prefix + std::string(m));
    }
    void warn(std::string_view m) override {
      if (sink != nullptr) sink->warn(prefix + std::string(m));
    }
    void error(std::string_view m) override {
      if (sink != nullptr) sink->error(prefix + std::string(m));
    }
    bool info_enabled() const override { return sink != nullptr && sink->info_enabled(); }
  };

  Clock& run_clock_;
  AgentGroup group_;
  AgentLog logger_;
  std::unique_ptr<Integration> integration_;
  Transport* transport_ = nullptr;
  Transport::ListenerId listener_ = 0;
  std::function<void(bool)> sync_listener_;
  std::function<void(Duration)> resync_listener_;
  AgentOutcome outcome_;
  bool judged_ = false;
  std::optional<Time> degraded_since_;
  std::optional<Time> disconnected_since_;
  std::optional<Time> awaiting_resync_since_;
};

}  // namespace backbeat::sim
