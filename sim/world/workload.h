// Workload: starts operations of the seed's types on agents and moves them through the seed's
// phases, as CHORUS components would call the integration.
//
// - `count` operations start evenly spread over the first 80% of the run after `start_after`;
//   `rate_per_beat` operations arrive as a Poisson process (exponential gaps of mean
//   beat / rate at the nominal tempo). Each goes to an agent drawn uniformly from its selector.
// - An operation's real duration is drawn (in beats at the nominal tempo) and stretched by the
//   agent's slow factor; on the agent's own clock it moves to connecting, negotiating and
//   executing at the workload's phase fractions (default 10%, 30%, 50%), and completes (or
//   fails, with failure_probability) at 100%.
// - depends_on: an operation waits while its agent runs one of the named type, then starts.
// - An operation whose agent is down when it should start, or crashes while it runs, is lost.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/clock.h"
#include "sim/world/outcome.h"
#include "sim/world/world_context.h"

namespace backbeat::sim {

class Workload {
 public:
  Workload(WorldContext& world, RandomStream rng);

  // Schedules every arrival.
  void start();
  // Marks the operations of a crashed agent lost.
  void on_agent_crash(int agent);
  // Outcomes in start order; operations still running are kUnfinished.
  std::vector<OperationOutcome> finish();

  std::size_t running() const { return running_; }

 private:
  struct Op {
    OperationOutcome outcome;
    Time started_at{};
    Duration length{};
    std::array<double, 3> phases{};
    bool fail = false;
    bool running = false;
    std::array<Clock::TimerId, 4> timers{};
  };

  void arrive(std::size_t workload_index);
  void schedule_poisson(std::size_t workload_index);
  void begin(std::size_t op_index);
  void step(std::size_t op_index, int stage);
  void end(std::size_t op_index, OperationOutcome::Result result);
  void release_waiting(int agent, const std::string& finished_type);
  bool agent_runs_type(int agent, const std::string& type) const;

  WorldContext& world_;
  RandomStream rng_;
  std::vector<std::vector<int>> eligible_;  // per workload entry: agent indices
  std::vector<Op> ops_;
  std::vector<std::vector<std::size_t>> running_by_agent_;
  std::vector<std::deque<std::size_t>> waiting_by_agent_;
  std::size_t running_ = 0;
  Duration nominal_beat_;
  KindId kind_op_;
};

}  // namespace backbeat::sim
