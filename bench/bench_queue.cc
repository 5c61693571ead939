// Work-queue benchmark (issue 15 section 5): seeds per second through a real nats-server -js with
// 1 and 2 worker processes of backbeat-sim (one simulation thread each) for 100-agent, one-hour
// seeds, and the queue's overhead per seed against the same seeds run on one local thread.
// Targets: 2 workers >= 1.8 x 1 worker; overhead < 1% of a seed's own run time.
// BACKBEAT_QUEUE_SEEDS sets the seed count (default 40), in jobs of the coordinator's default size
// (sim/queue/coordinator.h kDefaultJobSize). Not a test: the figures depend on the machine and on
// what else runs on it.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/hundred_agent_hour.h"
#include "sim/batch/build_identity.h"
#include "sim/batch/seed_job.h"
#include "sim/queue/coordinator.h"
#include "sim/queue/work_queue.h"
#include "sim/scenario/loader.h"
#include "tests/live/nats_server.h"

namespace {

using namespace backbeat;
using namespace std::chrono_literals;

// A world that costs next to nothing to run: a job of it measures the queue, not the simulation.
constexpr const char* kTinyScenario = R"json({
  "version": 1, "name": "queue_bench_tiny", "seed": 1, "duration": "10s",
  "cluster": { "agents": 1 }, "pulse": { "tempo_bpm": 60 }
})json";

std::uint64_t seed_count() {
  const char* env = std::getenv("BACKBEAT_QUEUE_SEEDS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 40;
}

sim::batch::SeedJob bench_job() {
  auto loaded = sim::scenario::load_scenario_text(bench::kHundredAgentHourScenario, "queue_bench");
  return sim::batch::seed_job(sim::batch::JobKind::kSweep, *loaded.scenario, 1, seed_count());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seconds per seed on one local thread, measured once.
double local_seconds_per_seed() {
  static const double value = [] {
    sim::batch::JobRunOptions run;
    run.jobs = 1;
    const auto start = std::chrono::steady_clock::now();
    auto result = sim::batch::run_seed_job(bench_job(), run);
    benchmark::DoNotOptimize(result);
    return seconds_since(start) / static_cast<double>(seed_count());
  }();
  return value;
}

pid_t spawn_worker(const std::string& url, int index) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string name = "bench-" + std::to_string(index);
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDOUT_FILENO);
    ::execl(BACKBEAT_SIM_BINARY, BACKBEAT_SIM_BINARY, "worker", "--nats", url.c_str(), "-j", "1",
            "--name", name.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

void BM_QueueSeedsPerSecond(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const double local = local_seconds_per_seed();
  live::testing::NatsServerOptions so;
  so.jetstream = true;
  live::testing::NatsServer server(so);
  if (!server.ok()) {
    state.SkipWithError(server.error().c_str());
    return;
  }
  live::NatsOptions o;
  o.servers = server.url();
  auto q = sim::queue::WorkQueue::connect(o);
  if (!q) {
    state.SkipWithError(q.status().message().c_str());
    return;
  }
  const sim::batch::SeedJob job = bench_job();
  sim::queue::CoordinatorOptions co;
  co.ack_wait = 30s;
  co.build = sim::batch::build_identity();
  (void)(*q)->ensure(co.ack_wait);
  std::vector<pid_t> pids;
  for (int i = 0; i < workers; ++i) pids.push_back(spawn_worker(server.url(), i));
  {  // Warm-up, untimed: the workers connect and compute their build identity.
    sim::batch::SeedJob one = job;
    one.last_seed = one.first_seed;
    sim::queue::CoordinatorOptions warm = co;
    warm.job_size = 1;
    for (int i = 0; i < workers; ++i) {
      one.first_seed = one.last_seed = 1000 + static_cast<std::uint64_t>(i);
      (void)sim::queue::run_on_queue(**q, one, warm);
    }
  }
  double wall = 0;
  for (auto _ : state) {
    // A fresh run id per iteration (the job size is part of it): nothing is resumed.
    co.job_size = sim::queue::kDefaultJobSize + static_cast<std::uint64_t>(state.iterations());
    const auto start = std::chrono::steady_clock::now();
    auto result = sim::queue::run_on_queue(**q, job, co);
    wall = seconds_since(start);
    if (!result || result->records.size() != job.seed_count()) {
      state.SkipWithError("the queue did not return every seed");
      break;
    }
  }
  for (pid_t pid : pids) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
  const double seeds = static_cast<double>(job.seed_count());
  state.counters["workers"] = workers;
  state.counters["seeds"] = seeds;
  state.counters["wall_s"] = wall;
  state.counters["seeds_per_s"] = seeds / wall;
  state.counters["local_seed_s"] = local;
  // Wall time per seed per worker against one local thread: with a loaded machine this counts
  // whatever else competes for the cores (BM_QueueOverheadPerSeed isolates the queue's share).
  state.counters["vs_local_pct"] = 100.0 * (wall * workers / seeds - local) / local;
}
// The queue's own cost per job (publish, fetch, parse, result, ack, read back), from 40 jobs of
// one tiny seed each on one worker, and what it adds to a 100-agent one-hour seed in a job of the
// default size (overhead_pct) and of 5 seeds (overhead_pct_5), as a percentage of the seed's run
// time on one local thread.
void BM_QueueOverheadPerSeed(benchmark::State& state) {
  constexpr std::uint64_t kJobs = 40, kJobSize = sim::queue::kDefaultJobSize;
  const double local = local_seconds_per_seed();
  auto tiny = sim::scenario::load_scenario_text(kTinyScenario, "queue_bench_tiny");
  if (!tiny.ok()) {
    state.SkipWithError(tiny.errors[0].to_string().c_str());
    return;
  }
  const sim::batch::SeedJob job =
      sim::batch::seed_job(sim::batch::JobKind::kSweep, *tiny.scenario, 1, kJobs);
  sim::batch::JobRunOptions run;
  const auto local_start = std::chrono::steady_clock::now();
  (void)sim::batch::run_seed_job(job, run);
  const double tiny_local = seconds_since(local_start) / kJobs;
  live::testing::NatsServerOptions so;
  so.jetstream = true;
  live::testing::NatsServer server(so);
  live::NatsOptions o;
  o.servers = server.url();
  auto q = sim::queue::WorkQueue::connect(o);
  if (!server.ok() || !q) {
    state.SkipWithError("no nats-server -js");
    return;
  }
  sim::queue::CoordinatorOptions co;
  co.job_size = 1;
  co.build = sim::batch::build_identity();
  (void)(*q)->ensure(co.ack_wait);
  const pid_t worker = spawn_worker(server.url(), 0);
  sim::batch::SeedJob warm = job;
  warm.first_seed = warm.last_seed = 1000;
  (void)sim::queue::run_on_queue(**q, warm, co);
  double per_job = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto result = sim::queue::run_on_queue(**q, job, co);
    per_job = seconds_since(start) / kJobs - tiny_local;
    if (!result || result->records.size() != kJobs) state.SkipWithError("seeds missing");
  }
  ::kill(worker, SIGTERM);
  ::waitpid(worker, nullptr, 0);
  state.counters["queue_ms_per_job"] = 1000 * per_job;
  state.counters["local_seed_s"] = local;
  state.counters["job_size"] = kJobSize;
  state.counters["overhead_pct"] = 100.0 * per_job / kJobSize / local;
  state.counters["overhead_pct_5"] = 100.0 * per_job / 5 / local;
}
BENCHMARK(BM_QueueOverheadPerSeed)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

BENCHMARK(BM_QueueSeedsPerSecond)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
