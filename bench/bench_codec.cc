// Throughput of the contract codecs on typical messages: the simulator decodes every frame
// and claim it routes, so these bound how many agents one core can simulate.
#include <benchmark/benchmark.h>

#include <string>

#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/decode_paths.h"
#include "core/contracts/status_claim.h"

namespace backbeat {
namespace {

constexpr std::string_view kFrame =
    R"({"type":"backbeat.beatframe.v1","cluster_id":"chorus-dev","beat_index":42,)"
    R"("downbeat":false,"phase":"execute","hlc":"01a2:0003:9f1c",)"
    R"("deadline_at":"2026-11-27T10:21:10.5Z","tempo_bpm":2.0,)"
    R"("window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071"})";

constexpr std::string_view kClaim =
    R"({"type":"backbeat.statusclaim.v1","agent_id":"chorus:agent-42",)"
    R"("task_id":"election-leader-2025","beat_index":12345,"state":"executing",)"
    R"("beats_left":3,"progress":0.4,)"
    R"j("notes":"P2P dht_store: executing (peers: 5, node: 12D3KooWAbc)",)j"
    R"("hlc":"01a2:0004:1b2c"})";

// What the simulator's agents send: BeatClient adds metadata {"seq": n} to every claim.
constexpr std::string_view kSimClaim =
    R"({"type":"backbeat.statusclaim.v1","agent_id":"chorus:agent-42","beat_index":12345,)"
    R"("state":"executing","beats_left":3,"progress":0.4,)"
    R"j("notes":"P2P dht_store: executing (peers: 5, node: 12D3KooWAbc)",)j"
    R"("hlc":"01a2:0004:1b2c","metadata":{"seq":917}})";

constexpr std::string_view kReport =
    R"({"type":"backbeat.barreport.v1","window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071",)"
    R"("from_beat":40,"to_beat":43,"agents_reporting":100,"on_time_reviews":97,)"
    R"("help_promises_fulfilled":3,"secret_rotations_ok":true,"tempo_drift_ms":-12.5})";

// decode_* (fast path, reference fallback) against the reference DOM decoder on one message.
template <typename T>
void run_decode(benchmark::State& state, Result<T> (*decode)(std::string_view),
                std::string_view text) {
  for (auto _ : state) {
    Result<T> value = decode(text);
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void BM_FrameReference(benchmark::State& s) {
  run_decode<BeatFrame>(s, reference::decode_beat_frame, kFrame);
}
void BM_FrameFast(benchmark::State& s) {
  run_decode<BeatFrame>(s, decode_beat_frame, kFrame);
}
void BM_ClaimReference(benchmark::State& s) {
  run_decode<StatusClaim>(s, reference::decode_status_claim, kClaim);
}
void BM_ClaimFast(benchmark::State& s) {
  run_decode<StatusClaim>(s, decode_status_claim, kClaim);
}
void BM_SimClaimReference(benchmark::State& s) {
  run_decode<StatusClaim>(s, reference::decode_status_claim, kSimClaim);
}
void BM_SimClaimFast(benchmark::State& s) {
  run_decode<StatusClaim>(s, decode_status_claim, kSimClaim);
}
void BM_ReportReference(benchmark::State& s) {
  run_decode<BarReport>(s, reference::decode_bar_report, kReport);
}
void BM_ReportFast(benchmark::State& s) {
  run_decode<BarReport>(s, decode_bar_report, kReport);
}
BENCHMARK(BM_FrameReference);
BENCHMARK(BM_FrameFast);
BENCHMARK(BM_ClaimReference);
BENCHMARK(BM_ClaimFast);
BENCHMARK(BM_SimClaimReference);
BENCHMARK(BM_SimClaimFast);
BENCHMARK(BM_ReportReference);
BENCHMARK(BM_ReportFast);

void BM_DecodeBeatFrame(benchmark::State& state) {
  for (auto _ : state) {
    Result<BeatFrame> frame = decode_beat_frame(kFrame);
    benchmark::DoNotOptimize(frame);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kFrame.size()));
}
BENCHMARK(BM_DecodeBeatFrame);

void BM_EncodeBeatFrame(benchmark::State& state) {
  const BeatFrame frame = *decode_beat_frame(kFrame);
  for (auto _ : state) {
    std::string text = encode_beat_frame(frame);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeBeatFrame);

void BM_DecodeStatusClaim(benchmark::State& state) {
  for (auto _ : state) {
    Result<StatusClaim> claim = decode_status_claim(kClaim);
    benchmark::DoNotOptimize(claim);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kClaim.size()));
}
BENCHMARK(BM_DecodeStatusClaim);

void BM_EncodeStatusClaim(benchmark::State& state) {
  const StatusClaim claim = *decode_status_claim(kClaim);
  for (auto _ : state) {
    std::string text = encode_status_claim(claim);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeStatusClaim);

void BM_EncodeSimStatusClaim(benchmark::State& state) {
  const StatusClaim claim = *decode_status_claim(kSimClaim);
  for (auto _ : state) {
    std::string text = encode_status_claim(claim);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeSimStatusClaim);

}  // namespace
}  // namespace backbeat
