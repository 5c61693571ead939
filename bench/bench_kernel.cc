// Simulator kernel benchmarks: event queue throughput in steady state (100,000 pending events: pop
// one, schedule one at a random future time), against a std::priority_queue of std::function in
// the same program; and RNG throughput.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "sim/kernel/kernel.h"
#include "sim/kernel/random.h"

namespace backbeat::sim {
namespace {

constexpr std::size_t kPending = 100000;
constexpr std::size_t kDeltaMask = (1 << 16) - 1;

// Random future delays (1 ns .. 1 ms), drawn up front so both queues see the same workload and
// the RNG is not measured here.
const std::vector<std::int64_t>& deltas() {
  static const std::vector<std::int64_t> d = [] {
    RandomStream r(12345);
    std::vector<std::int64_t> v(kDeltaMask + 1);
    for (auto& x : v) x = 1 + static_cast<std::int64_t>(r.uniform_u64(1'000'000));
    return v;
  }();
  return d;
}

struct Driver {
  Kernel* kernel;
  const std::int64_t* deltas;
  std::size_t next = 0;
  std::uint64_t fired = 0;
  // Each event schedules its successor: pop one, push one.
  static void on_event(void* self, std::uint64_t) {
    auto* d = static_cast<Driver*>(self);
    ++d->fired;
    d->kernel->schedule_after(Duration(d->deltas[d->next++ & kDeltaMask]), &Driver::on_event, d, 0);
  }
};

void BM_KernelRawCallback(benchmark::State& state) {
  Kernel k;
  Driver d{&k, deltas().data()};
  const auto pending = static_cast<std::size_t>(state.range(0));
  for (std::size_t i = 0; i < pending; ++i) {
    k.schedule_after(Duration(d.deltas[d.next++ & kDeltaMask]), &Driver::on_event, &d, 0);
  }
  for (auto _ : state) k.step();
  benchmark::DoNotOptimize(d.fired);
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["pending"] = static_cast<double>(k.pending());
}
BENCHMARK(BM_KernelRawCallback)->Arg(kPending)->Arg(1000);

// The same with a capturing lambda (16 bytes, stored inline in the slot).
struct LambdaDriver {
  Kernel* kernel;
  const std::int64_t* deltas;
  std::size_t next = 0;
  std::uint64_t fired = 0;
  void schedule() {
    kernel->schedule_after(Duration(deltas[next++ & kDeltaMask]), [this] {
      ++fired;
      schedule();
    });
  }
};

void BM_KernelLambda(benchmark::State& state) {
  Kernel k;
  LambdaDriver d{&k, deltas().data()};
  for (std::size_t i = 0; i < kPending; ++i) d.schedule();
  for (auto _ : state) k.step();
  benchmark::DoNotOptimize(d.fired);
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KernelLambda);

// The same with a std::function (what NodeClock users hand over through backbeat::Clock).
void BM_KernelStdFunction(benchmark::State& state) {
  Kernel k;
  const std::int64_t* dl = deltas().data();
  std::size_t next = 0;
  std::uint64_t fired = 0;
  std::function<void()> ev;
  ev = [&] {
    ++fired;
    k.schedule_after(Duration(dl[next++ & kDeltaMask]), std::function<void()>(ev));
  };
  for (std::size_t i = 0; i < kPending; ++i) {
    k.schedule_after(Duration(dl[next++ & kDeltaMask]), std::function<void()>(ev));
  }
  for (auto _ : state) k.step();
  benchmark::DoNotOptimize(fired);
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KernelStdFunction);

// Baseline: std::priority_queue of {time, seq, std::function}.
struct BaselineEntry {
  std::int64_t time;
  std::uint64_t seq;
  std::function<void()> fn;
};
struct BaselineLater {
  bool operator()(const BaselineEntry& a, const BaselineEntry& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

void BM_BaselinePriorityQueue(benchmark::State& state) {
  std::priority_queue<BaselineEntry, std::vector<BaselineEntry>, BaselineLater> q;
  const std::int64_t* dl = deltas().data();
  std::size_t next = 0;
  std::uint64_t seq = 0, fired = 0;
  std::int64_t now = 0;
  std::function<void()> ev;
  ev = [&] {
    ++fired;
    q.push(BaselineEntry{now + dl[next++ & kDeltaMask], seq++, ev});
  };
  for (std::size_t i = 0; i < kPending; ++i) {
    q.push(BaselineEntry{now + dl[next++ & kDeltaMask], seq++, ev});
  }
  for (auto _ : state) {
    BaselineEntry e = std::move(const_cast<BaselineEntry&>(q.top()));
    q.pop();
    now = e.time;
    e.fn();
  }
  benchmark::DoNotOptimize(fired);
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BaselinePriorityQueue);

void BM_RngNextU64(benchmark::State& state) {
  RandomStream r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.next_u64());
  state.counters["draws_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RngNextU64);

void BM_RngUniformU64(benchmark::State& state) {
  RandomStream r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.uniform_u64(1'000'000));
  state.counters["draws_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RngUniformU64);

void BM_RngUniformDouble(benchmark::State& state) {
  RandomStream r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.uniform_double());
  state.counters["draws_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RngUniformDouble);

void BM_RngNormal(benchmark::State& state) {
  RandomStream r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.normal(0, 1));
  state.counters["draws_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RngNormal);

void BM_RngLognormal(benchmark::State& state) {
  RandomStream r(1);
  for (auto _ : state) benchmark::DoNotOptimize(r.lognormal(0, 0.5));
  state.counters["draws_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RngLognormal);

}  // namespace
}  // namespace backbeat::sim
