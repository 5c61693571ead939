// Tuning benchmark: `backbeat-sim tune` on 1,000 seeds of a 100-agent, one-virtual-hour scenario
// with the seed's six operation types, on 2 jobs. Target: <= 60 s wall time.
// BACKBEAT_TUNE_SEEDS overrides the seed count (e.g. 50 for a quick look); the counter
// "target_s" is the 60 s target scaled to that count.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "reports/tuner.h"
#include "sim/scenario/loader.h"

namespace {

constexpr const char* kScenario = R"json({
  "version": 1, "name": "tune_bench", "seed": 1, "duration": "1h",
  "cluster": { "agents": 100 },
  "pulse": { "tempo_bpm": 2 },
  "workload": {
    "start_after": "2 beats",
    "operations": [
      { "type": "peer_discovery", "count": 100, "estimated_beats": 5,
        "duration": { "distribution": "uniform", "min": 1.5, "max": 3.5 } },
      { "type": "dht_store", "count": 400, "estimated_beats": 4,
        "duration": { "distribution": "lognormal", "median": 2, "sigma": 0.25 } },
      { "type": "dht_retrieve", "count": 600, "estimated_beats": 3,
        "duration": { "distribution": "uniform", "min": 0.5, "max": 1.8 } },
      { "type": "pubsub_sync", "rate_per_beat": 2, "estimated_beats": 2,
        "duration": { "distribution": "uniform", "min": 0.3, "max": 0.9 } },
      { "type": "leader_election", "count": 30, "estimated_beats": 10,
        "duration": { "distribution": "uniform", "min": 3, "max": 8 } },
      { "type": "task_coordination", "count": 60, "estimated_beats": 20,
        "duration": { "distribution": "lognormal", "median": 9, "sigma": 0.3 } }
    ]
  },
  "budgets": { "peer_discovery": 5, "dht_store": 4, "dht_retrieve": 3, "pubsub_sync": 2,
               "leader_election": 10, "task_coordination": 20 },
  "assertions": [ { "kind": "beats_within_budget", "percentile": 95 } ]
})json";

void BM_Tune1000Seeds100AgentsOneHour(benchmark::State& state) {
  auto loaded = backbeat::sim::scenario::load_scenario_text(kScenario, "tune_bench");
  if (!loaded.ok()) {
    state.SkipWithError(loaded.errors[0].to_string().c_str());
    return;
  }
  int seeds = 1000;
  if (const char* env = std::getenv("BACKBEAT_TUNE_SEEDS")) seeds = std::max(1, std::atoi(env));
  backbeat::reports::TuneOptions options;
  options.seeds = seeds;
  options.jobs = 2;
  std::size_t operations = 0;
  double wall = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    backbeat::reports::TuneResult result = backbeat::reports::tune(*loaded.scenario, options);
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    operations = 0;
    for (const auto& t : result.types) operations += t.completed;
    benchmark::DoNotOptimize(result);
  }
  state.counters["seeds"] = seeds;
  state.counters["operations"] = static_cast<double>(operations);
  state.counters["wall_s"] = wall;
  state.counters["target_s"] = 60.0 * seeds / 1000.0;
  state.counters["within_target"] = wall <= 60.0 * seeds / 1000.0 ? 1 : 0;
}
BENCHMARK(BM_Tune1000Seeds100AgentsOneHour)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
