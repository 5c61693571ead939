#include "sim/world/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "sim/harness/agent_selection.h"
#include "sim/harness/workload.h"
#include "sim/kernel/hash.h"
#include "sim/kernel/node_clock.h"
#include "sim/world/fault_injector.h"
#include "sim/world/kernel_clock.h"
#include "sim/world/pulse.h"
#include "sim/world/reverb.h"
#include "sim/world/sim_agent.h"
#include "sim/world/sim_nats.h"
#include "sim/world/topology.h"

namespace backbeat::sim {
namespace {

// The workload's host in a simulated world: the kernel's time, the agents' NodeClocks and cores,
// and a trace record when an operation starts and ends.
class SimWorkloadHost final : public WorkloadHost {
 public:
  explicit SimWorkloadHost(WorldContext& world)
      : world_(world), kind_op_(world.trace.kind("workload.op")) {}

  Clock& run_clock() override { return world_.clock; }
  Clock& agent_clock(int agent) override { return agent_at(agent).clock(); }
  Integration* integration(int agent) override { return agent_at(agent).integration(); }
  double slow_factor(int agent) const override {
    return world_.agents[static_cast<std::size_t>(agent)]->slow_factor();
  }
  void on_operation_started(const OperationOutcome& op) override {
    world_.trace.record(world_.kernel.now(), agent_at(op.agent).node(), kind_op_,
                        digest_combine(fnv1a64(op.id), 0));
    if (world_.timeline != nullptr) {
      world_.timeline->on_node(agent_at(op.agent).node(), TimelineEvent::kOperationStarted, op.id,
                               0, fmt::format("{} at beat {}", op.type, op.start_beat));
    }
  }
  void on_operation_ended(const OperationOutcome& op) override {
    world_.trace.record(
        world_.kernel.now(), agent_at(op.agent).node(), kind_op_,
        digest_combine(fnv1a64(op.id), (static_cast<std::uint64_t>(op.result) << 32) |
                                           static_cast<std::uint32_t>(op.beats())));
    if (world_.timeline != nullptr) note_end(op);
  }

 private:
  void note_end(const OperationOutcome& op) {
    // The workload ends operations completed, failed or lost (unfinished ones never end).
    const TimelineEvent event =
        op.result == OperationOutcome::Result::kCompleted ? TimelineEvent::kOperationCompleted
        : op.result == OperationOutcome::Result::kFailed  ? TimelineEvent::kOperationFailed
                                                          : TimelineEvent::kOperationLost;
    const NodeId node = agent_at(op.agent).node();
    world_.timeline->on_node(
        node, event, op.id, 0,
        fmt::format("{} after {} beats (budget {})", op.type, op.beats(), op.budget_beats));
    if (op.over_budget()) {
      world_.timeline->on_node(
          node, TimelineEvent::kBudgetOverrun, op.id, 0,
          fmt::format("{} took {} beats, budget {}", op.type, op.beats(), op.budget_beats));
    }
  }

  SimAgent& agent_at(int agent) { return *world_.agents[static_cast<std::size_t>(agent)]; }

  WorldContext& world_;
  KindId kind_op_;
};

}  // namespace

std::vector<int> WorldContext::resolve(const Selector& selector, RandomStream& rng) const {
  return select_agents(config, selector, rng);
}

const char* operation_result_name(OperationOutcome::Result result) {
  switch (result) {
    case OperationOutcome::Result::kCompleted:
      return "completed";
    case OperationOutcome::Result::kFailed:
      return "failed";
    case OperationOutcome::Result::kLost:
      return "lost";
    case OperationOutcome::Result::kUnfinished:
      return "unfinished";
    case OperationOutcome::Result::kCutOff:
      return "cut_off";
    case OperationOutcome::Result::kShed:
      return "shed";
  }
  return "unknown";
}

RunOutcome run_world(const WorldConfig& config, std::uint64_t seed, const RunOptions& options) {
  Kernel kernel;
  TraceRecorder trace;
  if (options.trace_sink != nullptr) trace.add_sink(options.trace_sink);
  const ClusterConfig& cluster = config.cluster;

  Topology topology(cluster.nats_servers);
  if (cluster.server_links.empty()) {
    for (int a = 0; a < cluster.nats_servers; ++a) {
      for (int b = a + 1; b < cluster.nats_servers; ++b) {
        topology.add_route(a, b, std::chrono::milliseconds(5), std::chrono::milliseconds(1), 0.0);
      }
    }
  } else {
    for (const ServerLink& l : cluster.server_links) {
      topology.add_route(l.a, l.b, l.latency, l.jitter, l.loss);
    }
  }
  Seeds seeds(seed);
  SimNats nats(kernel, trace, topology, cluster.nats, seeds.stream("network"),
               config.record_deliveries_in_trace);
  KernelClock run_clock(kernel);
  std::optional<Timeline> timeline;
  if (options.timeline_sink != nullptr) {
    timeline.emplace(kernel, *options.timeline_sink);
    nats.set_timeline(&*timeline);
  }
  WorldContext world{config,   kernel, run_clock, trace,   seeds,
                     topology, nats,   nullptr,   nullptr, timeline ? &*timeline : nullptr,
                     {},       {}};
  world.derived_options.push_back(fmt::format("seed = {}", seed));
  world.derived_options.push_back(fmt::format("agents = {} in {} group(s) on {} NATS server(s)",
                                              cluster.agent_count(), cluster.groups.size(),
                                              cluster.nats_servers));

  // Node ids: agents 0..N-1, then pulse nodes, then the reverb.
  const int agent_count = cluster.agent_count();
  int index = 0;
  for (const AgentGroup& group : cluster.groups) {
    for (int k = 0; k < group.count; ++k, ++index) {
      int server = group.server >= 0 ? group.server : index % cluster.nats_servers;
      world.agents.push_back(std::make_unique<SimAgent>(world, index, group, server));
      world.agents.back()->set_log_sink(options.agent_log);
    }
  }

  RandomStream pulse_rng = seeds.stream("pulse");
  std::vector<std::unique_ptr<NodeClock>> pulse_clocks;
  std::vector<PulseNodeHandle> pulse_nodes;
  for (int p = 0; p < config.pulse.nodes; ++p) {
    NodeClockOptions clock;
    Duration publish_offset{};
    if (p > 0) {
      // Standby nodes run on their own clocks, a little off the leader's schedule.
      clock.offset =
          pulse_rng.uniform_duration(-std::chrono::milliseconds(20), std::chrono::milliseconds(20));
      publish_offset = pulse_rng.uniform_duration(Duration{}, std::chrono::milliseconds(50));
      world.derived_options.push_back(
          fmt::format("pulse[{}] clock offset = {:.3f} ms, publish lag = {:.3f} ms", p,
                      to_seconds(clock.offset) * 1e3, to_seconds(publish_offset) * 1e3));
    }
    pulse_clocks.push_back(std::make_unique<NodeClock>(kernel, clock));
    NodeId node = static_cast<NodeId>(agent_count + p);
    SimConnection& c = nats.connect(node, 0, cluster.pulse_link_latency, Duration{});
    pulse_nodes.push_back({node, &c, pulse_clocks.back().get(), publish_offset});
  }
  Pulse pulse(kernel, trace, config.pulse, cluster.cluster_id, pulse_nodes, pulse_rng);
  world.pulse = &pulse;
  if (timeline) timeline->set_pulse(&pulse);

  NodeClock reverb_clock(kernel);
  NodeId reverb_node = static_cast<NodeId>(agent_count + config.pulse.nodes);
  SimConnection& reverb_connection =
      nats.connect(reverb_node, 0, cluster.reverb_link_latency, Duration{});
  Reverb reverb(reverb_clock, reverb_connection, cluster.cluster_id);
  (void)reverb.start();

  if (options.trace_sink != nullptr) {
    for (int i = 0; i < agent_count; ++i) {
      trace.set_node_name(static_cast<NodeId>(i),
                          world.agents[static_cast<std::size_t>(i)]->agent_id());
    }
    for (int p = 0; p < config.pulse.nodes; ++p) {
      trace.set_node_name(static_cast<NodeId>(agent_count + p), fmt::format("pulse-{}", p));
    }
    trace.set_node_name(reverb_node, "reverb");
  }
  if (timeline) {
    for (int i = 0; i < agent_count; ++i) {
      timeline->name_node(static_cast<NodeId>(i),
                          world.agents[static_cast<std::size_t>(i)]->agent_id(),
                          TimelineRole::kAgent);
    }
    for (int p = 0; p < config.pulse.nodes; ++p) {
      timeline->name_node(static_cast<NodeId>(agent_count + p), fmt::format("pulse-{}", p),
                          TimelineRole::kPulse);
    }
    timeline->name_node(reverb_node, "reverb", TimelineRole::kReverb);
    // The forged_frames fault's node (sim/world/fault_kinds.cc), should one appear.
    timeline->name_node(reverb_node + 1, "forger", TimelineRole::kWorld);
    timeline->start(seed, config.pulse.tempo_bpm);
  }

  // Agents boot over the first second, in a seeded order, like processes coming up.
  RandomStream boot_rng = seeds.stream("boot");
  for (auto& agent : world.agents) {
    SimAgent* a = agent.get();
    kernel.schedule_after(boot_rng.uniform_duration(Duration{}, std::chrono::seconds(1)),
                          [a] { a->boot(); });
  }
  pulse.start();

  SimWorkloadHost workload_host(world);
  Workload workload(config, workload_host, seeds.stream("workload"),
                    seeds.stream("workload-selectors"));
  world.workload = &workload;
  workload.start();
  FaultInjector faults(world, seeds.stream("faults"));
  faults.schedule();

  // Run in slices so long runs can report progress (and be stopped).
  Time start = kernel.now();
  Time end = start + config.duration;
  const int slices = 100;
  for (int s = 1; s <= slices; ++s) {
    kernel.run_until(start + config.duration * s / slices);
    if (options.progress && !options.progress(static_cast<double>(s) / slices)) break;
  }
  reverb.flush();

  RunOutcome outcome;
  outcome.seed = seed;
  outcome.start = start;
  outcome.sim_time = kernel.now() - start;
  outcome.operations = workload.finish();
  for (auto& agent : world.agents) outcome.agents.push_back(agent->finish(pulse.current_beat()));
  outcome.messages = nats.accounting_by_name();
  outcome.claims = reverb.claims();
  for (const AgentOutcome& a : outcome.agents) outcome.claims.published += a.claims_published;
  outcome.claims.in_flight = nats.in_flight(MessageKind::kStatusClaim);
  std::uint64_t accounted = outcome.claims.received + outcome.claims.in_flight;
  outcome.claims.lost =
      outcome.claims.published > accounted ? outcome.claims.published - accounted : 0;
  auto claim_drops = outcome.messages.find("status_claim");
  if (claim_drops != outcome.messages.end())
    outcome.claims.lost_by_cause = claim_drops->second.dropped;
  outcome.bar_reports = reverb.reports();
  outcome.faults = faults.windows();
  outcome.tempo = reverb.tempo();
  outcome.pulse_silent_since = pulse.silent_since();
  if (outcome.pulse_silent_since) outcome.pulse_silence_cause = pulse.silence_cause();
  outcome.derived_options = std::move(world.derived_options);
  outcome.events = kernel.events_processed();
  outcome.trace_records = trace.count();
  outcome.fingerprint = trace.fingerprint();
  (void)end;
  return outcome;
}

}  // namespace backbeat::sim
