// FaultInjector: puts the scenario's fault timeline (and, in swarm mode, a fault mix drawn from
// the seed) into the run, and records each fault's window for the outcome.
//
// Each fault starts at `at` and ends `duration` later (0 = lasts to the end of the run). When a
// fault that cut agents off ends (disconnect, partition, server down, pulse outage or failover),
// the affected agents start measuring their resync.
#pragma once

#include <memory>
#include <vector>

#include "sim/world/fault_kinds.h"
#include "sim/world/forger.h"
#include "sim/world/outcome.h"
#include "sim/world/sim_nats.h"
#include "sim/world/world_context.h"

namespace backbeat::sim {

class FaultInjector {
 public:
  FaultInjector(WorldContext& world, RandomStream rng);

  // Draws the swarm faults (if enabled), resolves every target set and schedules everything.
  void schedule();
  std::vector<FaultWindow> windows() const;

 private:
  struct Active {
    FaultSpec spec;
    std::vector<int> targets;
    std::string targets_text;
    Time start{};
    Time end{};
  };
  std::vector<FaultSpec> draw_swarm();
  FaultRun run_of(std::size_t index);
  void begin(std::size_t index);
  void finish(std::size_t index);

  WorldContext& world_;
  RandomStream rng_;
  std::vector<Active> faults_;
  // Per fault: connections it took down / message rule it added, to undo exactly that.
  std::vector<std::vector<SimConnection*>> downed_;
  std::vector<std::uint64_t> rule_ids_;
  KindId kind_fault_;
  std::unique_ptr<Forger> forger_;  // made at the first forged_frames fault
};

}  // namespace backbeat::sim
