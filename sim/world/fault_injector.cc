#include "sim/world/fault_injector.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/hash.h"
#include "sim/world/fault_kinds.h"
#include "sim/world/sim_agent.h"

namespace backbeat::sim {
namespace {

// How a fault's targets read in the derived options and the reports.
std::string describe_targets(const FaultSpec& spec, const std::vector<int>& targets) {
  switch (fault_kind(spec.kind).aim) {
    case FaultKind::Aim::kAgents:
      return fmt::format("{} ({} agents)", spec.targets.to_string(), targets.size());
    case FaultKind::Aim::kServer:
      return fmt::format("server:{}", spec.server);
    case FaultKind::Aim::kBeatSubject:
      return fmt::format("beat subject ({:g} frames per beat)", spec.rate);
    case FaultKind::Aim::kPulse:
      break;
  }
  return "pulse";
}

}  // namespace

FaultInjector::FaultInjector(WorldContext& world, RandomStream rng)
    : world_(world), rng_(rng), kind_fault_(world.trace.kind("fault")) {}

std::vector<FaultSpec> FaultInjector::draw_swarm() {
  const SwarmConfig& swarm = world_.config.swarm;
  std::vector<FaultSpec::Kind> kinds = swarm.kinds;
  if (kinds.empty()) {
    for (const FaultKind& k : fault_kinds()) {
      if (k.in_swarm_mix) kinds.push_back(k.kind);
    }
  }
  // Drop kinds this cluster cannot host.
  std::erase_if(kinds, [&](FaultSpec::Kind k) {
    const FaultKind& kind = fault_kind(k);
    return world_.config.pulse.nodes < kind.min_pulse_nodes ||
           world_.config.cluster.nats_servers < kind.swarm_min_nats_servers;
  });
  std::vector<FaultSpec> out;
  if (kinds.empty()) return out;
  Duration run = world_.config.duration;
  Duration beat = beat_duration(world_.config.pulse.tempo_bpm);
  for (int i = 0; i < swarm.faults; ++i) {
    FaultSpec f;
    f.kind = kinds[rng_.uniform_u64(kinds.size())];
    f.at = rng_.uniform_duration(run / 10, run * 8 / 10);
    f.duration = rng_.uniform_duration(beat / 2, beat * 4);
    f.targets.kind = Selector::Kind::kRandomFraction;
    f.targets.fraction = rng_.uniform(0.05, 0.3);
    f.factor = rng_.uniform(1.5, 4.0);
    f.latency = rng_.uniform_duration(Duration{}, std::chrono::milliseconds(200));
    f.probability = rng_.uniform(0.01, 0.3);
    f.delay = rng_.uniform_duration(std::chrono::milliseconds(10), std::chrono::seconds(2));
    f.server = static_cast<int>(
        rng_.uniform_u64(static_cast<std::uint64_t>(world_.config.cluster.nats_servers)));
    f.gap = rng_.uniform_duration(-std::chrono::seconds(2), std::chrono::seconds(20));
    f.ppm = rng_.uniform(-200.0, 200.0);
    f.offset =
        rng_.uniform_duration(-std::chrono::milliseconds(100), std::chrono::milliseconds(100));
    if (f.kind == FaultSpec::Kind::kPartition) {
      f.targets.fraction = rng_.uniform(0.05, 0.3);
    }
    out.push_back(f);
  }
  return out;
}

void FaultInjector::schedule() {
  std::vector<FaultSpec> specs = world_.config.faults;
  if (world_.config.swarm.enabled) {
    std::vector<FaultSpec> drawn = draw_swarm();
    specs.insert(specs.end(), drawn.begin(), drawn.end());
  }
  Time epoch = world_.kernel.now();
  Time run_end = epoch + world_.config.duration;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Active a;
    a.spec = specs[i];
    if (fault_kind(a.spec.kind).targets_agents()) {
      a.targets = world_.resolve(a.spec.targets, rng_);
    }
    a.targets_text = describe_targets(a.spec, a.targets);
    a.start = epoch + a.spec.at;
    a.end =
        a.spec.duration > Duration::zero() ? std::min(a.start + a.spec.duration, run_end) : run_end;
    world_.derived_options.push_back(fmt::format(
        "fault[{}] = {} at {:.3f} s for {:.3f} s on {}{}", i, fault_kind_name(a.spec.kind),
        to_seconds(a.spec.at), to_seconds(a.end - a.start), a.targets_text,
        i >= world_.config.faults.size() ? " (swarm)" : ""));
    faults_.push_back(std::move(a));
  }
  downed_.resize(faults_.size());
  rule_ids_.resize(faults_.size(), 0);
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
  return FaultRun{world_, faults_[i].spec, faults_[i].targets, downed_[i], rule_ids_[i], forger_};
}

void FaultInjector::begin(std::size_t i) {
  world_.trace.record(world_.kernel.now(), kNoNode, kind_fault_, digest_combine(i, 1));
  FaultRun run = run_of(i);
  fault_kind(run.spec.kind).begin(run);
}

void FaultInjector::finish(std::size_t i) {
  world_.trace.record(world_.kernel.now(), kNoNode, kind_fault_, digest_combine(i, 2));
  FaultRun run = run_of(i);
  const FaultKind& kind = fault_kind(run.spec.kind);
  kind.end(run);
  if (kind.resync == FaultKind::Resync::kAtEnd) {
    if (cuts_off_targets_only(run.spec)) {
      for (int t : run.targets) world_.agents[static_cast<std::size_t>(t)]->await_resync();
    } else {
      for (auto& agent : world_.agents) agent->await_resync();
    }
  }
}

std::vector<FaultWindow> FaultInjector::windows() const {
  std::vector<FaultWindow> out;
  for (const Active& f : faults_) {
    out.push_back({fault_kind_name(f.spec.kind), f.targets_text, f.start, f.end});
  }
  return out;
}

}  // namespace backbeat::sim
