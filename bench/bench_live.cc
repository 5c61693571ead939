// Live mode throughput: status claims per second from one process to a local nats-server with
// loss-free publishing (ReliableClaimsTransport: flush-confirmed batches) and accounting (a
// ClaimAccountant on the same connection decoding and counting every claim by (agent, seq)),
// against raw nats.c rates measured in the same run on the same server:
//   BM_RawPublishOnly   natsConnection_Publish of the same claim bytes, one flush at the end;
//   BM_RawEndToEnd      the same, with a subscriber on a second connection receiving them all;
//   BM_ClaimsAccounted  BeatClient::emit_status_claim (encode + publish) from 16 agents through
//                       the reliable transport (every claim kept until an echoed marker confirms
//                       it), the accountant receiving every one on the loop; validate:1 also
//                       decodes each claim against the contract.
// Target (issue "Live mode"): BM_ClaimsAccounted >= 40% of BM_RawEndToEnd. The claims benchmark
// also measures raw end-to-end itself just before, and reports the ratio as a counter.
//
// It starts its own nats-server (tests/live/nats_server.h) on a loopback port the server picks.
#include <benchmark/benchmark.h>
#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/beat_client.h"
#include "core/contracts/status_claim.h"
#include "core/nats/event_loop.h"
#include "core/nats/nats_transport.h"
#include "sim/live/claim_accountant.h"
#include "sim/live/reliable_claims_transport.h"
#include "tests/live/nats_server.h"

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;

testing::NatsServer& server() {
  static auto* s = new testing::NatsServer();  // stopped by its destructor? No: leaked on
  return *s;  // purpose (static destruction order vs nats.c); stopped in the atexit below
}

struct ServerStopper {
  ~ServerStopper() { server().stop(); }
} stopper;

// A claim as an agent sends it (about 250 bytes).
std::string sample_claim(std::uint64_t seq) {
  StatusClaim c;
  c.agent_id = "chorus:agent-7";
  c.task_id = "dht_store-000123";
  c.beat_index = 12345;
  c.state = ClaimState::kExecuting;
  c.beats_left = 3;
  c.progress = 0.4;
  c.notes = "P2P dht_store: executing (peers: 5, node: 12D3KooW...)";
  c.hlc = "01a2:0004:1b2c";
  c.metadata = nlohmann::json{{"seq", seq}};
  return encode_status_claim(c);
}

natsConnection* raw_connect() {
  natsConnection* nc = nullptr;
  natsConnection_ConnectTo(&nc, server().url().c_str());
  return nc;
}

// Publishes n copies of the claim; returns seconds including the final flush.
double raw_publish_only(std::int64_t n) {
  natsConnection* nc = raw_connect();
  const std::string payload = sample_claim(1);
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < n; ++i) {
    natsConnection_Publish(nc, "bench.raw.pub", payload.data(), static_cast<int>(payload.size()));
  }
  natsConnection_FlushTimeout(nc, 10000);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  natsConnection_Destroy(nc);
  return s;
}

void count_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  static_cast<std::atomic<std::int64_t>*>(closure)->fetch_add(1, std::memory_order_relaxed);
  natsMsg_Destroy(msg);
}

// Publishes n claims and waits until a subscriber on another connection has them all; seconds.
double raw_end_to_end(std::int64_t n) {
  natsConnection* pub = raw_connect();
  natsConnection* sub_conn = raw_connect();
  std::atomic<std::int64_t> received{0};
  natsSubscription* sub = nullptr;
  natsConnection_Subscribe(&sub, sub_conn, "bench.raw.e2e", count_message, &received);
  natsSubscription_SetPendingLimits(sub, -1, -1);
  natsConnection_FlushTimeout(sub_conn, 5000);
  const std::string payload = sample_claim(1);
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < n; ++i) {
    natsConnection_Publish(pub, "bench.raw.e2e", payload.data(), static_cast<int>(payload.size()));
  }
  natsConnection_FlushTimeout(pub, 10000);
  while (received.load(std::memory_order_relaxed) < n &&
         std::chrono::steady_clock::now() - start < 30s) {
    std::this_thread::sleep_for(100us);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(sub_conn);
  natsConnection_Destroy(pub);
  return s;
}

void BM_RawPublishOnly(benchmark::State& state) {
  if (!server().ok()) return state.SkipWithError(server().error().c_str());
  const std::int64_t n = state.range(0);
  double total = 0;
  for (auto _ : state) {
    const double s = raw_publish_only(n);
    state.SetIterationTime(s);
    total += s;
  }
  state.counters["msgs_per_s"] =
      benchmark::Counter(static_cast<double>(n * state.iterations()) / total);
}
BENCHMARK(BM_RawPublishOnly)->Arg(1'000'000)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_RawEndToEnd(benchmark::State& state) {
  if (!server().ok()) return state.SkipWithError(server().error().c_str());
  const std::int64_t n = state.range(0);
  double total = 0;
  for (auto _ : state) {
    const double s = raw_end_to_end(n);
    state.SetIterationTime(s);
    total += s;
  }
  state.counters["msgs_per_s"] =
      benchmark::Counter(static_cast<double>(n * state.iterations()) / total);
}
BENCHMARK(BM_RawEndToEnd)->Arg(1'000'000)->UseManualTime()->Unit(benchmark::kMillisecond);

// Emits n claims from `agents` BeatClients through the reliable transport; returns seconds until
// the accountant has received all of them (and every claim is confirmed), or -1 on failure.
double claims_accounted(std::int64_t n, int agents, bool validate, std::uint64_t& lost,
                        std::uint64_t& flushes) {
  EventLoop loop;
  NatsOptions options;
  options.servers = server().url();
  options.name = "bench-live";
  auto nats = NatsTransport::connect(options, loop);
  if (!nats) return -1;
  ReliableClaimsTransport claims(**nats, loop);
  AccountantOptions ao;
  ao.cluster_id = "bench";
  ao.validate = validate;
  ao.follow_beats = false;
  ClaimAccountant accountant(ao, **nats, loop);
  if (!accountant.start() || !(*nats)->flush(2s)) return -1;
  std::vector<std::unique_ptr<BeatClient>> clients;
  for (int a = 0; a < agents; ++a) {
    BeatClientConfig config;
    config.cluster_id = "bench";
    config.agent_id = "chorus:agent-" + std::to_string(a);
    clients.push_back(std::make_unique<BeatClient>(config, loop, claims));
    if (!clients.back()->start()) return -1;
  }
  StatusClaim claim;
  claim.task_id = "dht_store-000123";
  claim.state = ClaimState::kExecuting;
  claim.beats_left = 3;
  claim.progress = 0.4;
  claim.notes = "P2P dht_store: executing (peers: 5, node: 12D3KooW...)";
  std::int64_t emitted = 0;
  // Emit in slices so deliveries to the accountant interleave on the loop.
  std::function<void()> slice = [&] {
    for (int i = 0; i < 512 && emitted < n; ++i, ++emitted) {
      (void)clients[static_cast<std::size_t>(emitted % agents)]->emit_status_claim(claim);
    }
    if (emitted < n) loop.post(slice);
  };
  const auto start = std::chrono::steady_clock::now();
  loop.post(slice);
  const bool done = loop.run_until(
      [&] {
        return emitted == n && claims.window_size() == 0 &&
               accountant.received() >= static_cast<std::uint64_t>(n);
      },
      60s);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  lost = static_cast<std::uint64_t>(n) - accountant.received();
  flushes = claims.counters().flushes + claims.counters().markers;
  clients.clear();
  accountant.stop();
  (*nats)->close();
  loop.run_for(1ms);
  return done ? s : -1;
}

void BM_ClaimsAccounted(benchmark::State& state) {
  if (!server().ok()) return state.SkipWithError(server().error().c_str());
  const std::int64_t n = state.range(0);
  const bool validate = state.range(1) != 0;
  double raw = raw_end_to_end(n);  // the reference, measured now on the same server
  double total = 0;
  std::uint64_t lost = 0, flushes = 0;
  for (auto _ : state) {
    const double s = claims_accounted(n, 16, validate, lost, flushes);
    if (s < 0) return state.SkipWithError("claims did not all arrive within 60 s");
    state.SetIterationTime(s);
    total += s;
  }
  const double rate = static_cast<double>(n * state.iterations()) / total;
  const double raw_rate = static_cast<double>(n) / raw;
  state.counters["claims_per_s"] = benchmark::Counter(rate);
  state.counters["raw_e2e_per_s"] = benchmark::Counter(raw_rate);
  state.counters["ratio_vs_raw_e2e"] = benchmark::Counter(rate / raw_rate);
  state.counters["lost"] = benchmark::Counter(static_cast<double>(lost));
  state.counters["confirmations"] = benchmark::Counter(static_cast<double>(flushes));
}
BENCHMARK(BM_ClaimsAccounted)
    ->Args({200'000, 1})
    ->Args({200'000, 0})
    ->ArgNames({"claims", "validate"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace backbeat::live
