// Whole-cluster runs: N agents at 2 BPM, three frames per beat, a steady workload, one virtual
// hour. Counters: events_per_second, sim_seconds_per_wall_second, rss_bytes_per_agent.
// BM_ClusterOneVirtualHourWithTimeline: the same with a timeline recorded into a sink that only
// counts, the cost of the timeline's hooks and entries without any I/O (a run without a timeline
// must cost what BM_ClusterOneVirtualHour did before the timeline existed).
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "bench/steady_cluster.h"
#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

// Resident set size in bytes (Linux /proc), 0 where unavailable.
long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// Counts timeline entries and keeps nothing.
class CountingTimeline final : public TimelineSink {
 public:
  void on_start(std::uint64_t, double) override {}
  void on_entry(const TimelineEntry&) override { ++entries; }
  std::uint64_t entries = 0;
};

void run_cluster(benchmark::State& state, bool with_timeline) {
  const int agents = static_cast<int>(state.range(0));
  WorldConfig config = steady_cluster(agents);
  std::uint64_t events = 0;
  long rss_before = resident_bytes();
  long rss_peak = 0;
  CountingTimeline timeline;
  RunOptions options;
  if (with_timeline) options.timeline_sink = &timeline;
  for (auto _ : state) {
    RunOutcome out = run_world(config, 42, options);
    events = out.events;
    rss_peak = std::max(rss_peak, resident_bytes());
    benchmark::DoNotOptimize(out.fingerprint);
  }
  double iterations = static_cast<double>(state.iterations());
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events) * iterations, benchmark::Counter::kIsRate);
  state.counters["sim_seconds_per_wall_second"] =
      benchmark::Counter(3600.0 * iterations, benchmark::Counter::kIsRate);
  state.counters["rss_bytes_per_agent"] =
      static_cast<double>(std::max(0L, rss_peak - rss_before)) / agents;
  if (with_timeline) {
    state.counters["timeline_entries"] = static_cast<double>(timeline.entries) / iterations;
  }
}

void BM_ClusterOneVirtualHour(benchmark::State& state) {
  run_cluster(state, false);
}
BENCHMARK(BM_ClusterOneVirtualHour)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_ClusterOneVirtualHourWithTimeline(benchmark::State& state) {
  run_cluster(state, true);
}
BENCHMARK(BM_ClusterOneVirtualHourWithTimeline)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace backbeat::sim
