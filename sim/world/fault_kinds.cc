#include "sim/world/fault_kinds.h"

#include <algorithm>
#include <stdexcept>

#include "sim/harness/workload.h"
#include "sim/world/forger.h"
#include "sim/world/pulse.h"
#include "sim/world/sim_agent.h"
#include "sim/world/sim_nats.h"
#include "sim/world/topology.h"
#include "sim/world/world_context.h"

namespace backbeat::sim {
namespace {

using K = FaultSpec::Kind;
using Aim = FaultKind::Aim;
using Resync = FaultKind::Resync;

SimAgent& agent(FaultRun& run, int index) {
  return *run.world.agents[static_cast<std::size_t>(index)];
}

// ---------------------------------------------------------------------------------------------
// Begin and end of each kind.

void begin_disconnect(FaultRun& run) {
  for (int t : run.targets) {
    SimConnection* c = agent(run, t).connection();
    if (c == nullptr) continue;
    run.world.nats.link_down(*c);
    run.downed.push_back(c);
  }
}

void end_disconnect(FaultRun& run) {
  for (SimConnection* c : run.downed) run.world.nats.link_up(*c);
  run.downed.clear();
}

void begin_server_down(FaultRun& run) {
  run.world.nats.server_down(run.spec.server);
}
void end_server_down(FaultRun& run) {
  run.world.nats.server_up(run.spec.server);
}

void begin_slow_peers(FaultRun& run) {
  for (int t : run.targets) {
    SimAgent& a = agent(run, t);
    a.set_slow_factor(a.slow_factor() * run.spec.factor);
    if (a.connection()) {
      a.connection()->set_extra_latency(run.spec.latency);
      a.connection()->set_processing_time(run.spec.processing);
    }
  }
}

void end_slow_peers(FaultRun& run) {
  for (int t : run.targets) {
    SimAgent& a = agent(run, t);
    a.set_slow_factor(a.slow_factor() / run.spec.factor);
    if (a.connection()) {
      a.connection()->set_extra_latency(Duration{});
      a.connection()->set_processing_time(Duration{});
    }
  }
}

// A partition cuts the routes between two sides of the servers, or (without `servers`) cuts
// its targets off their servers like a disconnect.
void begin_partition(FaultRun& run) {
  if (run.spec.servers.empty()) return begin_disconnect(run);
  run.world.topology.partition(run.spec.servers);
}

void end_partition(FaultRun& run) {
  if (run.spec.servers.empty()) return end_disconnect(run);
  run.world.topology.heal_partition();
}

// Loss, duplication and reorder: one message rule in SimNats, which reads the kind.
void begin_message_fault(FaultRun& run) {
  MessageFaultRule rule;
  rule.kind = run.spec.kind;
  rule.pattern = run.spec.subject;
  rule.probability = run.spec.probability;
  rule.delay = run.spec.delay;
  if (run.spec.targets.kind != Selector::Kind::kAll) {
    rule.nodes.assign(run.world.agents.size(), false);
    for (int t : run.targets) rule.nodes[static_cast<std::size_t>(t)] = true;
  }
  run.rule_id = run.world.nats.add_message_fault(std::move(rule));
}

void end_message_fault(FaultRun& run) {
  run.world.nats.remove_message_fault(run.rule_id);
}

void begin_pulse_outage(FaultRun& run) {
  run.world.pulse->begin_outage();
}
void end_pulse_outage(FaultRun& run) {
  run.world.pulse->end_outage();
}

// Failover: the pulse nodes are a Raft group (sim/world/pulse.h). The leader dies; the lowest
// live node is elected `gap` later (a negative gap is an overlap: the successor starts publishing
// before the leader dies); the failed node rejoins as a follower when the fault ends. Agents owe
// a resync when the pulse is audible again (the injector's on_audible).
void prepare_pulse_failover(FaultRun& run, Time start) {
  if (run.spec.gap >= Duration::zero()) return;
  WorldContext& world = run.world;
  Time standby = std::max(world.kernel.now(), start + run.spec.gap);
  world.kernel.schedule_at(standby, [&world] { world.pulse->overlap_successor(); });
}

void begin_pulse_failover(FaultRun& run) {
  run.pulse_node = run.world.pulse->fail_leader(run.spec.gap);
}

void end_pulse_failover(FaultRun& run) {
  run.world.pulse->recover_node(run.pulse_node, run.spec.gap);
}

void begin_agent_crash(FaultRun& run) {
  for (int t : run.targets) {
    agent(run, t).crash();
    run.world.workload->on_agent_crash(t);
  }
}

void end_agent_crash(FaultRun& run) {
  for (int t : run.targets) {
    SimAgent& a = agent(run, t);
    if (!a.crashed()) continue;
    a.boot();
    run.owes_resync[static_cast<std::size_t>(t)] = true;  // from its restart
  }
}

void begin_clock_skew(FaultRun& run) {
  for (int t : run.targets) {
    NodeClock& clock = agent(run, t).clock();
    clock.set_skew_ppb(ppm_to_ppb(run.spec.ppm));
    if (run.spec.offset != Duration::zero()) clock.step_by(run.spec.offset);
  }
}

void end_clock_skew(FaultRun& run) {
  for (int t : run.targets) {
    SimAgent& a = agent(run, t);
    a.clock().set_skew_ppb(ppm_to_ppb(a.base_skew_ppm()));
  }
}

void begin_forged_frames(FaultRun& run) {
  WorldContext& world = run.world;
  if (!run.forger) {
    // Its own node after the agents, pulse nodes and reverb, on server 0 like the pulse.
    const auto node = static_cast<NodeId>(world.agents.size() +
                                          static_cast<std::size_t>(world.config.pulse.nodes) + 1);
    SimConnection& c =
        world.nats.connect(node, 0, world.config.cluster.pulse_link_latency, Duration{});
    run.forger =
        std::make_unique<Forger>(world.kernel, world.trace, c, world.config.cluster.cluster_id,
                                 world.config.pulse.tempo_bpm);
  }
  run.forger->start(run.spec.rate);
}

void end_forged_frames(FaultRun& run) {
  run.forger->stop();
}

// ---------------------------------------------------------------------------------------------
// The tables.

const std::vector<FaultParam>& params_table() {
  static const std::vector<FaultParam> params = {
      {.name = "targets", .member = &FaultSpec::targets, .doc = "the agents it hits (a selector)"},
      {.name = "server",
       .member = &FaultSpec::server,
       .min = 0,
       .max = 63,
       .required = true,
       .doc = "the NATS server that goes down"},
      {.name = "factor",
       .member = &FaultSpec::factor,
       .min = 1,
       .max = 1000,
       .doc = "the targets' operations take this many times longer"},
      {.name = "latency",
       .member = &FaultSpec::latency,
       .doc = "extra latency on the targets' links"},
      {.name = "processing",
       .member = &FaultSpec::processing,
       .doc = "time a target takes to handle each delivered message"},
      {.name = "servers",
       .member = &FaultSpec::servers,
       .min = 0,
       .max = 63,
       .doc = "the servers on one side of the cut (instead of targets)"},
      {.name = "subject",
       .member = &FaultSpec::subject,
       .doc = "NATS subject pattern of the messages affected"},
      {.name = "probability",
       .member = &FaultSpec::probability,
       .min = 0,
       .max = 1,
       .doc = "chance that a matching message is hit"},
      {.name = "delay",
       .member = &FaultSpec::delay,
       .sign = DurationSign::kPositive,
       .doc = "largest extra delay (uniform), so messages overtake each other"},
      {.name = "gap",
       .member = &FaultSpec::gap,
       .sign = DurationSign::kAny,
       .doc = "from the leader's death to the standby's takeover; negative = overlap"},
      {.name = "ppm",
       .member = &FaultSpec::ppm,
       .min = -100000,
       .max = 100000,
       .doc = "the targets' clock rate error during the fault, parts per million"},
      {.name = "offset",
       .member = &FaultSpec::offset,
       .sign = DurationSign::kAny,
       .doc = "a jump of the targets' clocks when the fault starts"},
      {.name = "rate",
       .member = &FaultSpec::rate,
       .min = 0.1,
       .max = 1000,
       .doc = "forged frames per beat on the beat subject"},
  };
  return params;
}

const std::vector<FaultKind>& kinds_table() {
  // In FaultSpec::Kind order (checked below): the swarm draws by index in this table.
  static const std::vector<FaultKind> kinds = [] {
    std::vector<FaultKind> k = {
        {.kind = K::kNatsDisconnect,
         .name = "nats_disconnect",
         .doc = "the targets' connections drop and reconnect",
         .params = {"targets"},
         .aim = Aim::kAgents,
         .resync = Resync::kAtEnd,
         .in_swarm_mix = true,
         .begin = begin_disconnect,
         .end = end_disconnect},
        {.kind = K::kServerDown,
         .name = "server_down",
         .doc = "a whole NATS server goes down",
         .params = {"server"},
         .aim = Aim::kServer,
         .resync = Resync::kByKind,
         .in_swarm_mix = true,
         .swarm_min_nats_servers = 2,
         .begin = begin_server_down,
         .end = end_server_down},
        {.kind = K::kSlowPeers,
         .name = "slow_peers",
         .doc = "the targets work slower, with extra link latency and message processing time",
         .params = {"targets", "factor", "latency", "processing"},
         .aim = Aim::kAgents,
         .resync = Resync::kNever,
         .in_swarm_mix = true,
         .begin = begin_slow_peers,
         .end = end_slow_peers},
        {.kind = K::kPartition,
         .name = "partition",
         .doc = "cuts the routes between two sides of the servers, or the targets off theirs",
         .params = {"servers", "targets"},
         .aim = Aim::kAgents,
         .resync = Resync::kAtEnd,
         .in_swarm_mix = true,
         .begin = begin_partition,
         .end = end_partition},
        {.kind = K::kMessageLoss,
         .name = "message_loss",
         .doc = "drops messages on the subject",
         .params = {"targets", "subject", "probability"},
         .aim = Aim::kAgents,
         .resync = Resync::kNever,
         .in_swarm_mix = true,
         .begin = begin_message_fault,
         .end = end_message_fault},
        {.kind = K::kMessageDuplication,
         .name = "message_duplication",
         .doc = "delivers messages on the subject twice",
         .params = {"targets", "subject", "probability"},
         .aim = Aim::kAgents,
         .resync = Resync::kNever,
         .in_swarm_mix = true,
         .begin = begin_message_fault,
         .end = end_message_fault},
        {.kind = K::kMessageReorder,
         .name = "message_reorder",
         .doc = "delays messages on the subject so they overtake each other",
         .params = {"targets", "subject", "probability", "delay"},
         .aim = Aim::kAgents,
         .resync = Resync::kNever,
         .in_swarm_mix = true,
         .begin = begin_message_fault,
         .end = end_message_fault},
        {.kind = K::kPulseOutage,
         .name = "pulse_outage",
         .doc = "the leading pulse stops publishing",
         .params = {},
         .aim = Aim::kPulse,
         .resync = Resync::kByKind,
         .in_swarm_mix = true,
         .begin = begin_pulse_outage,
         .end = end_pulse_outage},
        {.kind = K::kPulseFailover,
         .name = "pulse_failover",
         .doc = "the leading pulse dies; the lowest live node is elected after gap (negative: an "
                "overlap); the failed node rejoins as a follower when the fault ends",
         .params = {"gap"},
         .aim = Aim::kPulse,
         .resync = Resync::kByKind,
         .in_swarm_mix = true,
         .min_pulse_nodes = 2,
         .begin = begin_pulse_failover,
         .end = end_pulse_failover,
         .prepare = prepare_pulse_failover},
        {.kind = K::kAgentCrash,
         .name = "agent_crash",
         .doc = "the targets crash and restart when the fault ends",
         .params = {"targets"},
         .aim = Aim::kAgents,
         .resync = Resync::kByKind,
         .in_swarm_mix = true,
         .begin = begin_agent_crash,
         .end = end_agent_crash},
        {.kind = K::kClockSkew,
         .name = "clock_skew",
         .doc = "the targets' clocks change rate and jump",
         .params = {"targets", "ppm", "offset"},
         .aim = Aim::kAgents,
         .resync = Resync::kNever,
         .in_swarm_mix = true,
         .begin = begin_clock_skew,
         .end = end_clock_skew},
        {.kind = K::kForgedFrames,
         .name = "forged_frames",
         .doc = "a rogue publisher sends forged frames on the beat subject",
         .params = {"rate"},
         .aim = Aim::kBeatSubject,
         .resync = Resync::kNever,
         .in_swarm_mix = false,  // added after saved swarm seeds existed
         .begin = begin_forged_frames,
         .end = end_forged_frames},
    };
    for (std::size_t i = 0; i < k.size(); ++i) {
      if (static_cast<std::size_t>(k[i].kind) != i) {
        throw std::logic_error("fault_kinds: the table is not in FaultSpec::Kind order");
      }
      for (std::string_view p : k[i].params) {
        if (find_fault_param(p) == nullptr) {
          throw std::logic_error("fault_kinds: unknown parameter " + std::string(p));
        }
      }
    }
    return k;
  }();
  return kinds;
}

}  // namespace

bool FaultKind::has_param(std::string_view param) const {
  return std::find(params.begin(), params.end(), param) != params.end();
}

std::span<const FaultKind> fault_kinds() {
  return kinds_table();
}

const FaultKind& fault_kind(FaultSpec::Kind kind) {
  return kinds_table().at(static_cast<std::size_t>(kind));
}

std::span<const FaultParam> fault_params() {
  return params_table();
}

const FaultParam* find_fault_param(std::string_view name) {
  for (const FaultParam& p : params_table()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool cuts_off_targets_only(const FaultSpec& spec) {
  return fault_kind(spec.kind).targets_agents() &&
         !(spec.kind == FaultSpec::Kind::kPartition && !spec.servers.empty());
}

const char* fault_kind_name(FaultSpec::Kind kind) {
  return fault_kind(kind).name.data();
}

std::optional<FaultSpec::Kind> parse_fault_kind(std::string_view name) {
  for (const FaultKind& k : kinds_table()) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

}  // namespace backbeat::sim
