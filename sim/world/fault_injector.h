// FaultInjector: puts the scenario's fault timeline (and, in swarm mode, a fault mix drawn from
// the seed) into the run, and records each fault's window for the outcome.
//
// Each fault starts at `at` and ends `duration` later (0 = lasts to the end of the run). A failed
// pulse leader rejoins as a follower at the end of its fault's window.
//
// Resync is measured from the moment an agent could first hear the pulse again: when a fault
// that cut agents off ends (disconnect, partition, agent crash; for a pulse outage or failover,
// when the pulse is audible again), each affected agent starts its resync clock as soon as all of
// these hold: its link is up, its server reaches the pulse leader's server, and the pulse has a
// leader and no outage. Until then it owes a resync (scenarios/README.md, "Resynchronisation").
#pragma once

#include <memory>
#include <vector>

#include "sim/world/fault_kinds.h"
#include "sim/world/forger.h"
#include "sim/world/outcome.h"
#include "sim/world/sim_nats.h"
#include "sim/world/timeline.h"
#include "sim/world/world_context.h"

namespace backbeat::sim {

class FaultInjector {
 public:
  FaultInjector(WorldContext& world, RandomStream rng);

  // Plans the faults (fault_plan.h: the swarm's draw, every target set) and schedules them.
  void schedule();
  std::vector<FaultWindow> windows() const;

 private:
  struct Active {
    FaultSpec spec;
    std::vector<int> targets;
    std::string targets_text;
    Time start{};
    Time end{};
    int pulse_node = -1;  // pulse_failover: the leader it failed
  };
  FaultRun run_of(std::size_t index);
  void begin(std::size_t index);
  void finish(std::size_t index);
  // Fault `index` beginning or ending, on the timeline (only when one is recorded).
  void note(std::size_t index, TimelineEvent event);
  // How the report names the agents `f` cuts off or acts on.
  std::string targets_text(const FaultSpec& f, std::size_t targets) const;
  // Resync bookkeeping (see the header comment).
  bool hears_pulse(int agent) const;
  void start_resync_clocks();

  WorldContext& world_;
  RandomStream rng_;
  std::vector<Active> faults_;
  // Per fault: connections it took down / message rule it added, to undo exactly that.
  std::vector<std::vector<SimConnection*>> downed_;
  std::vector<std::uint64_t> rule_ids_;
  std::vector<bool> owes_resync_;  // per agent: cut off by a fault that ended, not yet hearing
  KindId kind_fault_;
  std::unique_ptr<Forger> forger_;  // made at the first forged_frames fault
};

}  // namespace backbeat::sim
