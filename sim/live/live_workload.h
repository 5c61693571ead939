// LiveWorkload: sim/world/workload.cc's semantics on a real clock, for live runs.
//
// Same rules as the simulator's workload: `count` operations spread evenly over the first 80% of
// the run after start_after, `rate_per_beat` Poisson arrivals, durations drawn in beats at the
// nominal tempo and stretched by the agent's slow factor, phases connecting/negotiating/executing
// at 10/30/50% and completion (or failure with failure_probability) at 100%, depends_on waits.
// Simplifications: selectors "random:P%" and "server:N" are resolved without the simulator's
// topology (random from the seed; server:N = every agent, one shared connection); there are no
// crashes, so no operation is lost to one.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <vector>

#include "core/clock.h"
#include "core/integration.h"
#include "sim/kernel/random.h"
#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::live {

class LiveWorkload {
 public:
  struct AgentHandle {
    Integration* integration = nullptr;
    double slow_factor = 1.0;
    std::string group;
  };

  // `config`, `clock` and the agents' integrations must outlive the workload.
  LiveWorkload(const sim::WorldConfig& config, Clock& clock, std::vector<AgentHandle> agents,
               std::uint64_t seed);
  ~LiveWorkload();
  LiveWorkload(const LiveWorkload&) = delete;
  LiveWorkload& operator=(const LiveWorkload&) = delete;

  // Schedules the arrivals from now on.
  void start();
  // Cancels every pending arrival and phase timer (operations still running stay unfinished).
  void stop();
  // Outcomes in start order; running operations are kUnfinished. Call after stop().
  std::vector<sim::OperationOutcome> finish();

  std::size_t started() const { return ops_.size(); }
  std::size_t running() const { return running_; }

 private:
  struct Op {
    sim::OperationOutcome outcome;
    Time started_at{};
    Duration length{};
    bool fail = false;
    bool running = false;
    Clock::TimerId timers[4] = {};
  };

  std::vector<int> resolve(const sim::Selector& selector, sim::RandomStream& rng) const;
  Clock::TimerId after(Time at, std::function<void()> fn);
  void arrive(std::size_t workload_index);
  void schedule_poisson(std::size_t workload_index);
  void begin(std::size_t op_index);
  void step(std::size_t op_index, int stage);
  void end(std::size_t op_index, sim::OperationOutcome::Result result);
  void release_waiting(int agent, const std::string& finished_type);
  bool agent_runs_type(int agent, const std::string& type) const;

  const sim::WorldConfig& config_;
  Clock& clock_;
  std::vector<AgentHandle> agents_;
  sim::Seeds seeds_;
  sim::RandomStream rng_;
  Duration nominal_beat_;
  bool stopped_ = false;
  std::set<Clock::TimerId> arrival_timers_;
  std::vector<std::vector<int>> eligible_;
  std::vector<Op> ops_;
  std::vector<std::vector<std::size_t>> running_by_agent_;
  std::vector<std::deque<std::size_t>> waiting_by_agent_;
  std::size_t running_ = 0;
};

}  // namespace backbeat::live
