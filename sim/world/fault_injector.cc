#include "sim/world/fault_injector.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sim/harness/workload.h"
#include "sim/kernel/hash.h"
#include "sim/world/fault_kinds.h"
#include "sim/world/fault_plan.h"
#include "sim/world/pulse.h"
#include "sim/world/sim_agent.h"
#include "sim/world/timeline.h"
#include "sim/world/topology.h"

namespace backbeat::sim {
FaultInjector::FaultInjector(WorldContext& world, RandomStream rng)
    : world_(world), rng_(rng), kind_fault_(world.trace.kind("fault")) {}

void FaultInjector::schedule() {
  std::vector<PlannedFault> plan = plan_faults(world_.config, rng_);
  Time epoch = world_.kernel.now();
  Time run_end = epoch + world_.config.duration;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Active a;
    a.spec = std::move(plan[i].spec);
    a.targets = std::move(plan[i].targets);
    a.targets_text = targets_text(a.spec, a.targets.size());
    a.start = epoch + a.spec.at;
    a.end =
        a.spec.duration > Duration::zero() ? std::min(a.start + a.spec.duration, run_end) : run_end;
    world_.derived_options.push_back(fmt::format("fault[{}] = {} at {:.3f} s for {:.3f} s on {}{}",
                                                 i, fault_kind_name(a.spec.kind),
                                                 to_seconds(a.spec.at), to_seconds(a.end - a.start),
                                                 a.targets_text, plan[i].drawn ? " (swarm)" : ""));
    faults_.push_back(std::move(a));
  }
  downed_.resize(faults_.size());
  rule_ids_.resize(faults_.size(), 0);
  owes_resync_.assign(world_.agents.size(), false);
  world_.pulse->on_audible([this] {
    owes_resync_.assign(world_.agents.size(), true);  // nobody heard the silent pulse
    start_resync_clocks();
  });
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    Time start = faults_[i].start;
    if (auto prepare = fault_kind(faults_[i].spec.kind).prepare) {
      FaultRun run = run_of(i);
      prepare(run, start);
    }
    world_.kernel.schedule_at(start, [this, i] { begin(i); });
    if (faults_[i].end < run_end || faults_[i].spec.duration > Duration::zero()) {
      world_.kernel.schedule_at(faults_[i].end, [this, i] { finish(i); });
    }
  }
}

FaultRun FaultInjector::run_of(std::size_t i) {
  return FaultRun{world_,       faults_[i].spec,       faults_[i].targets, downed_[i],
                  rule_ids_[i], faults_[i].pulse_node, owes_resync_,       forger_};
}

void FaultInjector::begin(std::size_t i) {
  world_.trace.record(world_.kernel.now(), kNoNode, kind_fault_, digest_combine(i, 1));
  if (world_.timeline != nullptr) note(i, TimelineEvent::kFaultBegin);
  FaultRun run = run_of(i);
  fault_kind(run.spec.kind).begin(run);
}

void FaultInjector::note(std::size_t i, TimelineEvent event) {
  const Active& a = faults_[i];
  const FaultKind& kind = fault_kind(a.spec.kind);
  const std::string what = fmt::format("fault[{}] {}", i, kind.name);
  if (kind.aim == FaultKind::Aim::kServer) {
    world_.timeline->on_server(a.spec.server, event, a.targets_text, what);
  } else {
    world_.timeline->on_world(event, a.targets_text, what);
  }
}

void FaultInjector::finish(std::size_t i) {
  world_.trace.record(world_.kernel.now(), kNoNode, kind_fault_, digest_combine(i, 2));
  if (world_.timeline != nullptr) note(i, TimelineEvent::kFaultEnd);
  FaultRun run = run_of(i);
  const FaultKind& kind = fault_kind(run.spec.kind);
  kind.end(run);
  // The agents a fault cut off owe a resync from its end (scenarios/README.md,
  // "Resynchronisation"); the clock starts once each can hear the pulse. Kinds that decide
  // themselves: a pulse outage or failover when the pulse is audible again (on_audible), a downed
  // server's agents when they reconnect, a crashed agent from its restart (its end marks it).
  if (kind.resync == FaultKind::Resync::kAtEnd) {
    for (int t : run.targets) owes_resync_[static_cast<std::size_t>(t)] = true;
  }
  start_resync_clocks();
}

bool FaultInjector::hears_pulse(int agent) const {
  const SimConnection* c = world_.agents[static_cast<std::size_t>(agent)]->connection();
  if (c == nullptr) return false;  // crashed
  for (const std::vector<SimConnection*>& downed : downed_) {
    if (std::find(downed.begin(), downed.end(), c) != downed.end()) return false;  // link down
  }
  const int from = world_.pulse->leader_server();  // -1 while no node leads
  return world_.pulse->audible() && from >= 0 && world_.topology.connected(c->server(), from);
}

void FaultInjector::start_resync_clocks() {
  for (std::size_t a = 0; a < owes_resync_.size(); ++a) {
    if (!owes_resync_[a] || !hears_pulse(static_cast<int>(a))) continue;
    owes_resync_[a] = false;
    world_.agents[a]->await_resync();
  }
}

std::string FaultInjector::targets_text(const FaultSpec& f, std::size_t targets) const {
  const FaultKind& kind = fault_kind(f.kind);
  switch (kind.aim) {
    case FaultKind::Aim::kServer:
      return fmt::format("server:{} ({} agents on it)", f.server, targets);
    case FaultKind::Aim::kPulse:
      return kind.min_pulse_nodes > 1 ? "pulse leader" : "pulse";
    case FaultKind::Aim::kBeatSubject:
      return fmt::format("beat subject ({:g} frames per beat)", f.rate);
    case FaultKind::Aim::kAgents:
      break;
  }
  if (!cuts_off_targets_only(f)) {
    return fmt::format("servers {} ({} agents cut off from the pulse)", fmt::join(f.servers, ","),
                       targets);
  }
  return fmt::format("{} ({} agents)", f.targets.to_string(), targets);
}

std::vector<FaultWindow> FaultInjector::windows() const {
  std::vector<FaultWindow> out;
  for (const Active& f : faults_) {
    out.push_back({fault_kind_name(f.spec.kind), f.targets_text, f.targets, f.start, f.end});
  }
  return out;
}

}  // namespace backbeat::sim
