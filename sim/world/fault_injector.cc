#include "sim/world/fault_injector.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sim/harness/workload.h"
#include "sim/kernel/hash.h"
#include "sim/world/pulse.h"
#include "sim/world/sim_agent.h"
#include "sim/world/topology.h"

namespace backbeat::sim {
namespace {

bool cuts_agents_off(FaultSpec::Kind kind) {
  switch (kind) {
    case FaultSpec::Kind::kNatsDisconnect:
    case FaultSpec::Kind::kServerDown:
    case FaultSpec::Kind::kPartition:
    case FaultSpec::Kind::kPulseOutage:
    case FaultSpec::Kind::kPulseFailover:
      return true;
    default:
      return false;
  }
}

bool targets_agents(FaultSpec::Kind kind) {
  switch (kind) {
    case FaultSpec::Kind::kNatsDisconnect:
    case FaultSpec::Kind::kSlowPeers:
    case FaultSpec::Kind::kPartition:
    case FaultSpec::Kind::kMessageLoss:
    case FaultSpec::Kind::kMessageDuplication:
    case FaultSpec::Kind::kMessageReorder:
    case FaultSpec::Kind::kAgentCrash:
    case FaultSpec::Kind::kClockSkew:
      return true;
    default:
      return false;
  }
}

}  // namespace

FaultInjector::FaultInjector(WorldContext& world, RandomStream rng)
    : world_(world), rng_(rng), kind_fault_(world.trace.kind("fault")) {}

std::vector<FaultSpec> FaultInjector::draw_swarm() {
  const SwarmConfig& swarm = world_.config.swarm;
  std::vector<FaultSpec::Kind> kinds = swarm.kinds;
  if (kinds.empty()) {
    for (int k = 0; k <= static_cast<int>(FaultSpec::Kind::kClockSkew); ++k) {
      kinds.push_back(static_cast<FaultSpec::Kind>(k));
    }
  }
  // Drop kinds this cluster cannot host.
  std::erase_if(kinds, [&](FaultSpec::Kind k) {
    return (k == FaultSpec::Kind::kPulseFailover && world_.config.pulse.nodes < 2) ||
           ((k == FaultSpec::Kind::kServerDown) && world_.config.cluster.nats_servers < 2);
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
    a.targets = resolve_targets(a.spec);
    a.targets_text = targets_text(a.spec, a.targets.size());
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
  owes_resync_.assign(world_.agents.size(), false);
  world_.pulse->on_audible([this] {
    owes_resync_.assign(world_.agents.size(), true);  // nobody heard the silent pulse
    start_resync_clocks();
  });
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    Time start = faults_[i].start;
    if (faults_[i].spec.kind == FaultSpec::Kind::kPulseFailover &&
        faults_[i].spec.gap < Duration::zero()) {
      // Overlap: the standby starts before the leader dies.
      Time standby = std::max(epoch, start + faults_[i].spec.gap);
      world_.kernel.schedule_at(standby, [this] { world_.pulse->overlap_successor(); });
    }
    world_.kernel.schedule_at(start, [this, i] { begin(i); });
    if (faults_[i].end < run_end || faults_[i].spec.duration > Duration::zero()) {
      world_.kernel.schedule_at(faults_[i].end, [this, i] { finish(i); });
    }
  }
}

void FaultInjector::begin(std::size_t i) {
  Active& f = faults_[i];
  Time now = world_.kernel.now();
  world_.trace.record(now, kNoNode, kind_fault_, digest_combine(i, 1));
  switch (f.spec.kind) {
    case FaultSpec::Kind::kNatsDisconnect:
    case FaultSpec::Kind::kPartition:
      if (f.spec.kind == FaultSpec::Kind::kPartition && !f.spec.servers.empty()) {
        world_.topology.partition(f.spec.servers);
        break;
      }
      for (int t : f.targets) {
        SimConnection* c = world_.agents[static_cast<std::size_t>(t)]->connection();
        if (c == nullptr) continue;
        world_.nats.link_down(*c);
        downed_[i].push_back(c);
      }
      break;
    case FaultSpec::Kind::kServerDown:
      world_.nats.server_down(f.spec.server);
      break;
    case FaultSpec::Kind::kSlowPeers:
      for (int t : f.targets) {
        SimAgent& a = *world_.agents[static_cast<std::size_t>(t)];
        a.set_slow_factor(a.slow_factor() * f.spec.factor);
        if (a.connection()) {
          a.connection()->set_extra_latency(f.spec.latency);
          a.connection()->set_processing_time(f.spec.processing);
        }
      }
      break;
    case FaultSpec::Kind::kMessageLoss:
    case FaultSpec::Kind::kMessageDuplication:
    case FaultSpec::Kind::kMessageReorder: {
      MessageFaultRule rule;
      rule.kind = f.spec.kind;
      rule.pattern = f.spec.subject;
      rule.probability = f.spec.probability;
      rule.delay = f.spec.delay;
      if (f.spec.targets.kind != Selector::Kind::kAll) {
        rule.nodes.assign(world_.agents.size(), false);
        for (int t : f.targets) rule.nodes[static_cast<std::size_t>(t)] = true;
      }
      rule_ids_[i] = world_.nats.add_message_fault(std::move(rule));
      break;
    }
    case FaultSpec::Kind::kPulseOutage:
      world_.pulse->begin_outage();
      break;
    case FaultSpec::Kind::kPulseFailover:
      f.pulse_node = world_.pulse->fail_leader(f.spec.gap);
      break;
    case FaultSpec::Kind::kAgentCrash:
      for (int t : f.targets) {
        world_.agents[static_cast<std::size_t>(t)]->crash();
        world_.workload->on_agent_crash(t);
      }
      break;
    case FaultSpec::Kind::kClockSkew:
      for (int t : f.targets) {
        NodeClock& clock = world_.agents[static_cast<std::size_t>(t)]->clock();
        clock.set_skew_ppb(ppm_to_ppb(f.spec.ppm));
        if (f.spec.offset != Duration::zero()) clock.step_by(f.spec.offset);
      }
      break;
    case FaultSpec::Kind::kForgedFrames:
      if (!forger_) {
        // Its own node after the agents, pulse nodes and reverb, on server 0 like the pulse.
        const auto node = static_cast<NodeId>(
            world_.agents.size() + static_cast<std::size_t>(world_.config.pulse.nodes) + 1);
        SimConnection& c =
            world_.nats.connect(node, 0, world_.config.cluster.pulse_link_latency, Duration{});
        forger_ = std::make_unique<Forger>(world_.kernel, world_.trace, c,
                                           world_.config.cluster.cluster_id,
                                           world_.config.pulse.tempo_bpm);
      }
      forger_->start(f.spec.rate);
      break;
  }
}

void FaultInjector::finish(std::size_t i) {
  Active& f = faults_[i];
  world_.trace.record(world_.kernel.now(), kNoNode, kind_fault_, digest_combine(i, 2));
  switch (f.spec.kind) {
    case FaultSpec::Kind::kNatsDisconnect:
    case FaultSpec::Kind::kPartition:
      if (f.spec.kind == FaultSpec::Kind::kPartition && !f.spec.servers.empty()) {
        world_.topology.heal_partition();
        break;
      }
      for (SimConnection* c : downed_[i]) world_.nats.link_up(*c);
      downed_[i].clear();
      break;
    case FaultSpec::Kind::kServerDown:
      world_.nats.server_up(f.spec.server);
      break;
    case FaultSpec::Kind::kSlowPeers:
      for (int t : f.targets) {
        SimAgent& a = *world_.agents[static_cast<std::size_t>(t)];
        a.set_slow_factor(a.slow_factor() / f.spec.factor);
        if (a.connection()) {
          a.connection()->set_extra_latency(Duration{});
          a.connection()->set_processing_time(Duration{});
        }
      }
      break;
    case FaultSpec::Kind::kMessageLoss:
    case FaultSpec::Kind::kMessageDuplication:
    case FaultSpec::Kind::kMessageReorder:
      world_.nats.remove_message_fault(rule_ids_[i]);
      break;
    case FaultSpec::Kind::kPulseOutage:
      world_.pulse->end_outage();
      break;
    case FaultSpec::Kind::kPulseFailover:
      world_.pulse->recover_node(f.pulse_node, f.spec.gap);
      break;
    case FaultSpec::Kind::kAgentCrash:
      for (int t : f.targets) {
        SimAgent& a = *world_.agents[static_cast<std::size_t>(t)];
        if (!a.crashed()) continue;
        a.boot();
        owes_resync_[static_cast<std::size_t>(t)] = true;
      }
      break;
    case FaultSpec::Kind::kClockSkew:
      for (int t : f.targets) {
        SimAgent& a = *world_.agents[static_cast<std::size_t>(t)];
        a.clock().set_skew_ppb(ppm_to_ppb(a.base_skew_ppm()));
      }
      break;
    case FaultSpec::Kind::kForgedFrames:
      forger_->stop();
      break;
  }
  // Pulse faults are over when the pulse is audible again (on_audible); agents that failed over
  // from a downed server resynchronised when they reconnected.
  if (cuts_agents_off(f.spec.kind) && f.spec.kind != FaultSpec::Kind::kPulseOutage &&
      f.spec.kind != FaultSpec::Kind::kPulseFailover &&
      f.spec.kind != FaultSpec::Kind::kServerDown) {
    for (int t : f.targets) owes_resync_[static_cast<std::size_t>(t)] = true;
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

std::vector<int> FaultInjector::resolve_targets(const FaultSpec& f) {
  Selector servers;  // the agents behind the servers a server fault cuts off
  servers.kind = Selector::Kind::kServer;
  std::vector<int> out;
  auto add_server = [&](int server) {
    servers.server = server;
    std::vector<int> behind = world_.resolve(servers, rng_);
    out.insert(out.end(), behind.begin(), behind.end());
  };
  if (f.kind == FaultSpec::Kind::kServerDown) {
    add_server(f.server);
  } else if (f.kind == FaultSpec::Kind::kPartition && !f.servers.empty()) {
    // Cut off: the side the pulse (server 0) is not on.
    bool pulse_inside = std::find(f.servers.begin(), f.servers.end(), 0) != f.servers.end();
    for (int s = 0; s < world_.config.cluster.nats_servers; ++s) {
      bool inside = std::find(f.servers.begin(), f.servers.end(), s) != f.servers.end();
      if (inside != pulse_inside) add_server(s);
    }
    std::sort(out.begin(), out.end());
  } else if (targets_agents(f.kind)) {
    out = world_.resolve(f.targets, rng_);
  }
  return out;
}

std::string FaultInjector::targets_text(const FaultSpec& f, std::size_t targets) const {
  switch (f.kind) {
    case FaultSpec::Kind::kServerDown:
      return fmt::format("server:{} ({} agents on it)", f.server, targets);
    case FaultSpec::Kind::kPartition:
      if (f.servers.empty()) break;
      return fmt::format("servers {} ({} agents cut off from the pulse)", fmt::join(f.servers, ","),
                         targets);
    case FaultSpec::Kind::kPulseOutage:
      return "pulse";
    case FaultSpec::Kind::kPulseFailover:
      return "pulse leader";
    case FaultSpec::Kind::kForgedFrames:
      return fmt::format("beat subject ({:g} frames per beat)", f.rate);
    default:
      break;
  }
  return fmt::format("{} ({} agents)", f.targets.to_string(), targets);
}

std::vector<FaultWindow> FaultInjector::windows() const {
  std::vector<FaultWindow> out;
  for (const Active& f : faults_) {
    out.push_back({fault_kind_name(f.spec.kind), f.targets_text, f.start, f.end});
  }
  return out;
}

}  // namespace backbeat::sim
