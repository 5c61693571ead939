// Scaling: one virtual hour at 2 BPM (120 beats, three frames per beat) with the steady workload
// of bench_world, for 100 / 1,000 / 10,000 / 100,000 agents. Counters: wall and CPU seconds,
// peak resident memory of the process (VmHWM: run one size per process, as bench/run_scaling.sh
// does, or the figure is the largest size's so far), and both per agent x beat.
#include <benchmark/benchmark.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <string>

#include "bench/steady_cluster.h"
#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

// Peak resident set size of this process in bytes (Linux VmHWM), 0 where unavailable.
double peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;  // kB
  }
  return 0;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_Scaling(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const WorldConfig config = steady_cluster(agents);
  const double beats = 120;  // one hour at 2 BPM
  RunOutcome out;
  double cpu = 0, wall = 0;
  for (auto _ : state) {
    double cpu0 = cpu_seconds();
    auto wall0 = std::chrono::steady_clock::now();
    out = run_world(config, 42, {});
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    cpu = cpu_seconds() - cpu0;
    benchmark::DoNotOptimize(out.fingerprint);
  }
  double peak = peak_resident_bytes();
  double agent_beats = agents * beats;
  double messages = 0;
  for (const auto& [kind, a] : out.messages) messages += static_cast<double>(a.delivered);
  state.counters["agents"] = agents;
  state.counters["events"] = static_cast<double>(out.events);
  state.counters["messages"] = messages;
  state.counters["wall_s"] = wall;
  state.counters["cpu_s"] = cpu;
  state.counters["peak_rss_bytes"] = peak;
  state.counters["rss_bytes_per_agent"] = peak / agents;
  state.counters["cpu_ns_per_agent_beat"] = cpu * 1e9 / agent_beats;
  state.counters["events_per_cpu_s"] = static_cast<double>(out.events) / cpu;
}
BENCHMARK(BM_Scaling)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
}  // namespace backbeat::sim
