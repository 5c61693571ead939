// Peer comparison: the same workload in SimGrid (s4u) and in our simulator, timed in one run.
//
// Workload: a pulse broadcasts one frame per beat (2 BPM, so every 30 virtual seconds) to N
// agents; each agent answers every frame with one status claim to a reverb. Messages counted are
// deliveries: N frames + N claims per beat.
//
// - SimGrid: actors for the pulse, each agent and the reverb on their own hosts of a star
//   platform (one 1 GBps link per host to the centre, 1-2 ms latency) built with the s4u API;
//   one mailbox per agent plus the reverb's; per beat the pulse makes N asynchronous puts of the
//   frame (300 bytes) and waits for them all, each agent gets its frame and puts its claim (400
//   bytes), the reverb gets all claims. (Detached puts would be cheaper per call, but SimGrid
//   3.32's cost per message then grows with the run's length: 46k msg/s over 6 beats, 3.3k over
//   120 at 1,000 agents.) SimGrid keeps one engine per process, so it
//   runs in a forked child and is timed by the child's CPU time (wait4).
// - ours, "full": the simulated world's own parts: SimNats, Pulse (frames_per_beat = 1), Reverb
//   and N unchanged cores (Integration + BeatClient on a NodeClock and a SimConnection), each
//   holding one long-running operation so that it claims once per beat (plus the core's health
//   claim every 8 beats). Real JSON on the wire: frames encoded by the pulse and decoded by every
//   agent and the reverb, claims encoded by the core and decoded by the reverb; every publish
//   and delivery traced and fingerprinted.
// - ours, "lean": the kernel and SimNats only (subjects, wildcard matching, latency, jitter,
//   FIFO, accounting, trace), with fixed pre-encoded payloads: SimGrid's level of modelling.
//
// Rates are messages per CPU second of the process doing the work (the machine is shared;
// wall time is reported too). speedup_vs_simgrid = ours (full) / SimGrid; speedup_lean_vs_simgrid
// = ours (lean) / SimGrid.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "core/integration.h"
#include "core/logger.h"
#include "core/subject.h"
#include "sim/kernel/kernel.h"
#include "sim/kernel/node_clock.h"
#include "sim/kernel/random.h"
#include "sim/kernel/trace.h"
#include "sim/world/pulse.h"
#include "sim/world/reverb.h"
#include "sim/world/sim_nats.h"
#include "sim/world/topology.h"

namespace backbeat::sim {
namespace {

constexpr double kBeatSeconds = 30.0;  // 2 BPM
const char* const kCluster = "chorus-sim";

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct PeerRun {
  double messages = 0;  // deliveries
  double cpu = 0;       // seconds
  double wall = 0;      // seconds
  double rate() const { return cpu > 0 ? messages / cpu : 0; }
};

// ---------------------------------------------------------------------------------------------
// SimGrid

struct SgPayload {
  int beat = 0;
};

std::uint64_t simgrid_workload(int agents, int beats) {
  namespace sg4 = simgrid::s4u;
  std::vector<std::string> args = {"peer_comparison", "--log=root.thres:critical",
                                   "--cfg=contexts/stack-size:128"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());

  sg4::NetZone* zone = sg4::create_star_zone("cluster");
  auto attach = [zone](const std::string& name, const char* latency) {
    sg4::Host* host = zone->create_host(name, "1Gf");
    sg4::Link* link = zone->create_link("link-" + name, "1GBps")->set_latency(latency)->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link)},
                    true);
    return host;
  };
  sg4::Host* pulse_host = attach("pulse", "1ms");
  sg4::Host* reverb_host = attach("reverb", "1ms");
  std::vector<sg4::Host*> agent_hosts;
  for (int i = 0; i < agents; ++i)
    agent_hosts.push_back(attach("agent-" + std::to_string(i), "2ms"));
  zone->seal();

  std::vector<sg4::Mailbox*> inboxes;
  for (int i = 0; i < agents; ++i)
    inboxes.push_back(sg4::Mailbox::by_name("agent-" + std::to_string(i)));
  sg4::Mailbox* reverb_box = sg4::Mailbox::by_name("reverb");
  static SgPayload frame;
  static SgPayload claim;
  std::uint64_t received = 0;

  sg4::Actor::create("pulse", pulse_host, [&] {
    for (int b = 0; b < beats; ++b) {
      sg4::this_actor::sleep_until(b * kBeatSeconds);
      std::vector<sg4::CommPtr> sends;
      sends.reserve(inboxes.size());
      for (sg4::Mailbox* box : inboxes) sends.push_back(box->put_async(&frame, 300));
      sg4::Comm::wait_all(sends);
    }
  });
  for (int i = 0; i < agents; ++i) {
    sg4::Mailbox* inbox = inboxes[static_cast<std::size_t>(i)];
    sg4::Actor::create("agent-" + std::to_string(i), agent_hosts[static_cast<std::size_t>(i)],
                       [inbox, reverb_box, beats, &received] {
                         for (int b = 0; b < beats; ++b) {
                           benchmark::DoNotOptimize(inbox->get<SgPayload>());
                           ++received;
                           reverb_box->put(&claim, 400);
                         }
                       });
  }
  sg4::Actor::create("reverb", reverb_host, [&] {
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(agents) * beats; ++k) {
      benchmark::DoNotOptimize(reverb_box->get<SgPayload>());
      ++received;
    }
  });
  engine.run();
  return received;
}

// SimGrid allows one engine per process: run it in a child, timed by the child's CPU time.
PeerRun run_simgrid(int agents, int beats) {
  PeerRun run;
  int fds[2];
  if (pipe(fds) != 0) return run;
  double wall = wall_seconds();
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::uint64_t received = simgrid_workload(agents, beats);
    ssize_t w = write(fds[1], &received, sizeof received);
    _exit(w == sizeof received ? 0 : 1);
  }
  close(fds[1]);
  std::uint64_t received = 0;
  ssize_t r = read(fds[0], &received, sizeof received);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  run.wall = wall_seconds() - wall;
  if (r != sizeof received || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return run;
  run.messages = static_cast<double>(received);
  run.cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
            static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  return run;
}

// ---------------------------------------------------------------------------------------------
// Ours

double delivered(const SimNats& nats) {
  double n = 0;
  for (const auto& [kind, a] : nats.accounting_by_name()) n += static_cast<double>(a.delivered);
  return n;
}

Time run_end(Kernel& kernel, int beats) {
  // The last beat's frame at (beats - 1) x 30 s, plus time for its claims to arrive.
  return kernel.now() + std::chrono::seconds(static_cast<int>(kBeatSeconds) * (beats - 1) + 10);
}

// The world's own parts with N unchanged cores, each holding one long operation.
PeerRun run_ours_full(int agents, int beats) {
  double cpu = cpu_seconds(), wall = wall_seconds();
  Kernel kernel;
  TraceRecorder trace;
  Topology topology(1);
  Seeds seeds(42);
  SimNats nats(kernel, trace, topology, NatsBehaviour{}, seeds.stream("network"), true);

  NodeClock pulse_clock(kernel);
  auto pulse_node = static_cast<NodeId>(agents);
  SimConnection& pulse_connection =
      nats.connect(pulse_node, 0, std::chrono::milliseconds(1), Duration{});
  PulseConfig pulse_config;
  pulse_config.frames_per_beat = 1;
  Pulse pulse(kernel, trace, pulse_config, kCluster,
              {{pulse_node, &pulse_connection, &pulse_clock, Duration{}}}, seeds.stream("pulse"));

  NodeClock reverb_clock(kernel);
  SimConnection& reverb_connection =
      nats.connect(pulse_node + 1, 0, std::chrono::milliseconds(1), Duration{});
  Reverb reverb(reverb_clock, reverb_connection, kCluster);
  (void)reverb.start();

  struct Agent {
    explicit Agent(Kernel& k) : clock(k) {}
    NodeClock clock;
    NullLogger logger;
    std::unique_ptr<Integration> integration;
  };
  std::vector<std::unique_ptr<Agent>> nodes;
  for (int i = 0; i < agents; ++i) {
    auto agent = std::make_unique<Agent>(kernel);
    SimConnection& c = nats.connect(static_cast<NodeId>(i), 0, std::chrono::milliseconds(2),
                                    std::chrono::milliseconds(1));
    BackbeatConfig config;
    config.cluster_id = kCluster;
    config.agent_id = "chorus:agent-" + std::to_string(i);
    config.nats_url = "nats://sim:4222";
    auto created = Integration::create(config, "12D3KooW" + std::to_string(1000000 + i),
                                       agent->logger, agent->clock, c);
    if (!created) return {};
    agent->integration = std::move(created).value();
    (void)agent->integration->start();
    (void)agent->integration->start_p2p_operation("op-" + std::to_string(i), "dht_store",
                                                  beats + 10);
    nodes.push_back(std::move(agent));
  }
  pulse.start();
  kernel.run_until(run_end(kernel, beats));
  reverb.flush();
  PeerRun run;
  run.messages = delivered(nats);
  benchmark::DoNotOptimize(trace.fingerprint());
  nodes.clear();
  run.cpu = cpu_seconds() - cpu;
  run.wall = wall_seconds() - wall;
  return run;
}

// Kernel + SimNats with fixed payloads.
PeerRun run_ours_lean(int agents, int beats) {
  double cpu = cpu_seconds(), wall = wall_seconds();
  Kernel kernel;
  TraceRecorder trace;
  Topology topology(1);
  Seeds seeds(42);
  SimNats nats(kernel, trace, topology, NatsBehaviour{}, seeds.stream("network"), true);
  SubjectScheme subjects;
  const std::string frame_subject = subjects.beat_frames(kCluster);
  const std::string frame(300, 'f');
  const std::string claim(400, 'c');
  auto pulse_node = static_cast<NodeId>(agents);
  SimConnection& pulse_connection =
      nats.connect(pulse_node, 0, std::chrono::milliseconds(1), Duration{});
  SimConnection& reverb_connection =
      nats.connect(pulse_node + 1, 0, std::chrono::milliseconds(1), Duration{});
  std::uint64_t claims = 0;
  (void)reverb_connection.subscribe(subjects.all_status_claims(kCluster),
                                    [&claims](const Message&) { ++claims; });
  for (int i = 0; i < agents; ++i) {
    SimConnection& c = nats.connect(static_cast<NodeId>(i), 0, std::chrono::milliseconds(2),
                                    std::chrono::milliseconds(1));
    std::string claim_subject =
        subjects.status_claims(kCluster, "chorus:agent-" + std::to_string(i));
    (void)c.subscribe(frame_subject, [&c, claim_subject, &claim](const Message&) {
      (void)c.publish(claim_subject, claim);
    });
  }
  struct Beat {
    SimConnection* connection;
    const std::string* subject;
    const std::string* payload;
    Kernel* kernel;
    int left;
    static void fire(void* self, std::uint64_t) {
      auto* b = static_cast<Beat*>(self);
      (void)b->connection->publish(*b->subject, *b->payload);
      if (--b->left > 0) {
        b->kernel->schedule_after(std::chrono::seconds(static_cast<int>(kBeatSeconds)), &fire, self,
                                  0);
      }
    }
  } beat{&pulse_connection, &frame_subject, &frame, &kernel, beats};
  kernel.schedule_at(kernel.now(), &Beat::fire, &beat, 0);
  kernel.run_until(run_end(kernel, beats));
  PeerRun run;
  run.messages = delivered(nats);
  benchmark::DoNotOptimize(trace.fingerprint());
  run.cpu = cpu_seconds() - cpu;
  run.wall = wall_seconds() - wall;
  return run;
}

void BM_PeerComparison(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const int beats = static_cast<int>(state.range(1));
  PeerRun simgrid, full, lean;
  for (auto _ : state) {
    simgrid = run_simgrid(agents, beats);
    full = run_ours_full(agents, beats);
    lean = run_ours_lean(agents, beats);
  }
  if (simgrid.messages == 0) {
    state.SkipWithError("the SimGrid run failed");
    return;
  }
  state.counters["beats"] = beats;
  state.counters["simgrid_messages"] = simgrid.messages;
  state.counters["simgrid_msgs_per_cpu_s"] = simgrid.rate();
  state.counters["simgrid_cpu_s"] = simgrid.cpu;
  state.counters["ours_messages"] = full.messages;
  state.counters["ours_msgs_per_cpu_s"] = full.rate();
  state.counters["ours_cpu_s"] = full.cpu;
  state.counters["lean_msgs_per_cpu_s"] = lean.rate();
  state.counters["speedup_vs_simgrid"] = full.rate() / simgrid.rate();
  state.counters["speedup_lean_vs_simgrid"] = lean.rate() / simgrid.rate();
}
// (agents, beats): one virtual hour at 1,000 agents; 6 virtual minutes at 10,000 (SimGrid alone
// would need minutes of CPU for the full hour). Rates are per message, so comparable.
BENCHMARK(BM_PeerComparison)
    ->Args({100, 120})
    ->Args({1000, 120})
    ->Args({10000, 12})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
}  // namespace backbeat::sim
