// Tuning benchmark: `backbeat-sim tune` on 1,000 seeds of a 100-agent, one-virtual-hour scenario
// with the seed's six operation types, on 2 jobs. Target: <= 60 s wall time.
// BACKBEAT_TUNE_SEEDS overrides the seed count (e.g. 50 for a quick look); the counter
// "target_s" is the 60 s target scaled to that count.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "bench/hundred_agent_hour.h"
#include "reports/tuner.h"
#include "sim/scenario/loader.h"

namespace {

using backbeat::bench::kHundredAgentHourScenario;

void BM_Tune1000Seeds100AgentsOneHour(benchmark::State& state) {
  auto loaded =
      backbeat::sim::scenario::load_scenario_text(kHundredAgentHourScenario, "tune_bench");
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
