// Workload: starts operations of the scenario's types on agents and moves them through the
// scenario's phases, as CHORUS components would call the integration. Written once for both
// worlds over Clock and a WorkloadHost: the simulator hosts it on the kernel's time and its
// agents' NodeClocks (sim/world/world.cc), live mode on the event loop (sim/live/live_run.cc).
//
// - `count` operations start evenly spread over the first 80% of the run after `start_after`;
//   `rate_per_beat` operations arrive as a Poisson process (exponential gaps of mean
//   beat / rate at the nominal tempo). Each goes to an agent drawn uniformly from its selector
//   (sim/harness/agent_selection.h).
// - An operation's real duration is drawn (in beats at the nominal tempo) and stretched by the
//   agent's slow factor; on the agent's own clock it moves to connecting, negotiating and
//   executing at the operation's phase fractions (`phases`, default 10%, 30%, 50%), and completes
//   (or fails, with failure_probability) at 100%.
// - cut_off: the operation runs under the integration's asynchronous beat budget (its budget
//   beats): its natural end reports its outcome through the budget's done; still running at the
//   deadline beat, it is failed "beat budget exceeded" and ends kCutOff (its timers cancelled,
//   its token observed by any step still due).
// - depends_on: an operation waits while its agent runs one of the named type, then starts.
// - workflows: an instance arrives like an operation (count or rate_per_beat) on one agent drawn
//   from its selector; its root steps start at once, each other step when every step it comes
//   after has completed, as an operation of its type started with the integration's
//   start_workflow_operation (so budgets, adaptive budgets, warnings and cut_off apply). A step
//   that fails, is cut off or is lost fails the instance: its dependants never start, the steps
//   already running finish. Workflow steps ignore depends_on.
// - admission (the agents limit concurrent operations): an operation (not a workflow step) is
//   requested through the core's admission with its priority; one that waits starts when its
//   agent's core admits it (its beats and budget count from then), one that is shed ends kShed.
// - capacity_per_agent: an operation that starts while its agent runs more is stretched.
// - An operation whose agent is down when it should start, or crashes while it runs, is lost.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/clock.h"
#include "core/integration.h"
#include "sim/kernel/random.h"
#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

// What the workload needs of the world that runs it. Agents are numbered as in the scenario.
class WorkloadHost {
 public:
  virtual ~WorkloadHost() = default;
  // The run's clock: arrivals and elapsed times.
  virtual Clock& run_clock() = 0;
  // The agent's own clock: its operations' phases.
  virtual Clock& agent_clock(int agent) = 0;
  // The agent's core; null while the agent is down.
  virtual Integration* integration(int agent) = 0;
  // Slow-peer factor applied to the agent's operation durations (1 = normal).
  virtual double slow_factor(int agent) const = 0;
  // An operation started running, and one ended (any result); the simulator traces them.
  virtual void on_operation_started(const OperationOutcome&) {}
  virtual void on_operation_ended(const OperationOutcome&) {}
};

class Workload {
 public:
  // `config` and `host` must outlive the workload. `rng` draws agents, durations and failures;
  // `selector_rng` resolves random selectors.
  Workload(const WorldConfig& config, WorkloadHost& host, RandomStream rng,
           RandomStream selector_rng);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // Schedules every arrival from now on.
  void start();
  // Cancels every pending arrival and phase timer; running operations stay unfinished.
  void stop();
  // Marks the operations of a crashed agent lost.
  void on_agent_crash(int agent);
  // Outcomes in start order; operations still running are kUnfinished.
  std::vector<OperationOutcome> finish();

  std::size_t started() const { return ops_.size(); }
  std::size_t running() const { return running_; }

 private:
  static constexpr std::size_t kNotStarted = static_cast<std::size_t>(-1);

  // A running workflow instance: its template, agent, id and each step's operation index.
  struct Flow {
    std::size_t spec = 0;
    int agent = 0;
    std::string id;
    std::vector<std::size_t> op_of_step;  // kNotStarted until the step starts
    bool failed = false;
  };

  struct Op {
    int flow = -1;  // index in flows_ for a workflow step
    std::size_t step = 0;
    OperationOutcome outcome;
    Time started_at{};
    Duration length{};
    std::array<double, 3> phases{};
    bool fail = false;
    bool cut_off = false;  // run under the asynchronous beat budget
    bool running = false;
    bool queued = false;  // waiting for its agent's admission
    OperationPriority priority = OperationPriority::kNormal;
    std::array<Clock::TimerId, 4> timers{};
    std::stop_token budget_token;   // cut_off: stop requested at the deadline beat
    BeatBudgets::Done budget_done;  // cut_off: the operation's own outcome, for the budget
  };

  // `source`: an index of workload.operations, then of workload.workflows after them.
  void arrive(std::size_t source);
  Op make_op(const OperationWorkload& spec, int agent);
  void arrive_workflow(std::size_t workflow_index, int agent);
  double rate_per_beat(std::size_t source) const;
  void start_ready_steps(std::size_t flow);
  void schedule_poisson(std::size_t workload_index);
  void begin(std::size_t op_index);
  void step(std::size_t op_index, int stage);
  // Runs an operation its agent's core has started: phases, end, budget.
  void run(std::size_t op_index, Integration& integration);
  // admission: requests the start from the agent's core; the answer may come later.
  void request_admission(std::size_t op_index, Integration& integration);
  void on_admission(std::size_t op_index, const AdmissionNotice& notice);
  void end(std::size_t op_index, OperationOutcome::Result result);
  // cut_off: runs the operation under the agent's asynchronous beat budget.
  void begin_under_budget(std::size_t op_index, Integration& integration);
  void on_budget_result(std::size_t op_index, const Status& result);
  void release_waiting(int agent, const std::string& finished_type);
  bool agent_runs_type(int agent, const std::string& type) const;
  // The budget the agent's core gave the operation, when the scenario adapts budgets.
  void take_agent_budget(OperationOutcome& outcome, const Integration& integration) const;

  const WorldConfig& config_;
  WorkloadHost& host_;
  RandomStream rng_;
  RandomStream selector_rng_;
  bool stopped_ = false;
  std::vector<Clock::TimerId> arrival_timers_;  // evenly spread arrivals (fired ids are ignored)
  std::vector<Clock::TimerId> poisson_timers_;  // per source: its next Poisson arrival
  std::vector<std::vector<int>> eligible_;      // per source: agent indices
  std::vector<Op> ops_;
  std::vector<Flow> flows_;
  std::vector<std::vector<std::size_t>> running_by_agent_;
  std::vector<std::deque<std::size_t>> waiting_by_agent_;
  std::size_t running_ = 0;
  Duration nominal_beat_;
};

}  // namespace backbeat::sim
