// Each fault's observable effect on the unchanged core.
#include <gtest/gtest.h>

#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

WorldConfig base(int agents = 10) {
  WorldConfig config;
  config.cluster.groups[0].count = agents;
  config.duration = minutes(20);
  return config;
}

std::size_t degraded_agents(const RunOutcome& out) {
  std::size_t n = 0;
  for (const auto& a : out.agents) n += a.degradation_windows.empty() ? 0 : 1;
  return n;
}

TEST(WorldFaultsTest, PulseOutageDegradesEveryAgentWithinOneAndAHalfBeatsAndResyncs) {
  WorldConfig config = base();
  FaultSpec outage;
  outage.kind = FaultSpec::Kind::kPulseOutage;
  outage.at = minutes(5);
  outage.duration = minutes(2);
  config.faults.push_back(outage);
  RunOutcome out = run_world(config, 3);
  Time fault_start = out.start + minutes(5);
  for (const auto& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    ASSERT_EQ(a.degradation_windows.size(), 1u);
    // The last frame came at most one phase (10 s) before the outage: degraded 1.5 beats later.
    Duration after = a.degradation_windows[0].start - fault_start;
    EXPECT_LE(after, seconds(45) + seconds(1));
    EXPECT_GE(after, seconds(45) - seconds(11));
    EXPECT_GT(a.synthetic_beats, 0u);
    EXPECT_EQ(a.frames_backwards, 0u);
    EXPECT_TRUE(a.in_sync_at_end);
    ASSERT_TRUE(a.longest_resync.has_value());
    EXPECT_LE(*a.longest_resync, seconds(31));
  }
}

TEST(WorldFaultsTest, DisconnectIncrementsReconnectCountAndLosesDetectionWindowClaims) {
  WorldConfig config = base();
  FaultSpec cut;
  cut.kind = FaultSpec::Kind::kNatsDisconnect;
  cut.at = minutes(5);
  cut.duration = seconds(20);
  cut.targets = *parse_selector("agents:0-4");
  config.faults.push_back(cut);
  RunOutcome out = run_world(config, 5);
  for (int i = 0; i < 10; ++i) {
    const AgentOutcome& a = out.agents[static_cast<std::size_t>(i)];
    EXPECT_EQ(a.reconnects, i < 5 ? 1u : 0u) << a.agent_id;
    EXPECT_EQ(a.disconnect_windows.size(), i < 5 ? 1u : 0u);
    EXPECT_TRUE(a.in_sync_at_end);
  }
  EXPECT_GT(out.messages.at("beat_frame").dropped.at("subscriber_disconnected"), 0u);
}

TEST(WorldFaultsTest, ExhaustedReconnectsCloseTheConnectionAndLoseBufferedClaims) {
  WorldConfig config = base();
  config.cluster.nats.max_reconnect_attempts = 3;
  config.cluster.nats.reconnect_wait = seconds(40);  // closes 2 minutes after the cut
  OperationWorkload op;
  op.type = "dht_store";
  op.rate_per_beat = 1;
  op.duration.value = 5;
  op.agents = *parse_selector("agent:0");
  config.workload.operations.push_back(op);
  FaultSpec cut;
  cut.kind = FaultSpec::Kind::kNatsDisconnect;
  cut.at = minutes(5);
  cut.duration = minutes(5);
  cut.targets = *parse_selector("agent:0");
  config.faults.push_back(cut);
  RunOutcome out = run_world(config, 5);
  const AgentOutcome& a = out.agents[0];
  EXPECT_FALSE(a.in_sync_at_end);
  // Synthetic beats during the outage produced claims that sat in the reconnect buffer.
  EXPECT_GT(out.claims.lost_by_cause.at("buffer_discarded"), 0u);
  EXPECT_GE(out.claims.lost, out.claims.lost_by_cause.at("buffer_discarded"));
  EXPECT_GT(a.claims_failed, 0u);  // publishes after the close are refused
}

TEST(WorldFaultsTest, DriftBeyondThresholdsShowsInBarReports) {
  WorldConfig config = base(5);
  config.pulse.drift.kind = DriftModel::Kind::kLinear;
  config.pulse.drift.ppm = -5000;  // 0.5% slow (negative: scenarios/README.md): 150 ms late a beat
  RunOutcome out = run_world(config, 9);
  ASSERT_FALSE(out.bar_reports.empty());
  EXPECT_GT(out.bar_reports.back().report.tempo_drift_ms, 200.0);
  ASSERT_FALSE(out.tempo.empty());
  EXPECT_NEAR(out.tempo.back().measured_bpm, 2.0 * (1 - 0.005), 1e-3);
}

TEST(WorldFaultsTest, AgentCrashLosesItsOperationsAndRestarts) {
  WorldConfig config = base(4);
  OperationWorkload op;
  op.type = "election";
  op.rate_per_beat = 2;
  op.duration.value = 4;
  op.estimated_beats = 5;
  op.agents = *parse_selector("agent:0");
  config.workload.operations.push_back(op);
  FaultSpec crash;
  crash.kind = FaultSpec::Kind::kAgentCrash;
  crash.at = minutes(6);
  crash.duration = minutes(1);
  crash.targets = *parse_selector("agent:0");
  config.faults.push_back(crash);
  RunOutcome out = run_world(config, 11);
  EXPECT_EQ(out.agents[0].crashes, 1u);
  EXPECT_TRUE(out.agents[0].in_sync_at_end);
  std::size_t lost = 0, completed = 0;
  for (const auto& o : out.operations) {
    lost += o.result == OperationOutcome::Result::kLost;
    completed += o.result == OperationOutcome::Result::kCompleted;
  }
  EXPECT_GT(lost, 0u);
  EXPECT_GT(completed, lost);
}

TEST(WorldFaultsTest, PulseFailoverWithAGapDegradesAndResyncsWithoutBackwardsBeats) {
  WorldConfig config = base();
  config.pulse.nodes = 2;
  FaultSpec failover;
  failover.kind = FaultSpec::Kind::kPulseFailover;
  failover.at = minutes(5);
  failover.gap = minutes(1);
  config.faults.push_back(failover);
  RunOutcome out = run_world(config, 13);
  EXPECT_EQ(degraded_agents(out), 10u);
  for (const auto& a : out.agents) {
    EXPECT_TRUE(a.in_sync_at_end);
    EXPECT_EQ(a.frames_backwards, 0u);
  }
}

TEST(WorldFaultsTest, MessageLossDropsClaimsAndIsAccounted) {
  WorldConfig config = base();
  FaultSpec loss;
  loss.kind = FaultSpec::Kind::kMessageLoss;
  loss.at = minutes(1);
  loss.duration = minutes(10);
  loss.probability = 0.5;
  loss.subject = "backbeat.status.>";
  config.faults.push_back(loss);
  RunOutcome out = run_world(config, 17);
  EXPECT_GT(out.claims.lost, 0u);
  EXPECT_EQ(out.claims.lost, out.claims.lost_by_cause.at("loss"));
}

TEST(WorldFaultsTest, ClockSkewChangesTheAgentsMeasuredTempoAndDriftClass) {
  WorldConfig config = base(2);
  RunOutcome plain = run_world(config, 19);
  EXPECT_NEAR(plain.agents[0].measured_bpm, 2.0, 1e-3);
  EXPECT_EQ(plain.agents[0].tempo_drift, "acceptable");
  config.cluster.groups[0].clock_skew_ppm = 20000;  // agent clocks 2% fast
  RunOutcome skewed = run_world(config, 19);
  // A fast clock sees longer beats: 2 BPM measures as 2 / 1.02.
  EXPECT_NEAR(skewed.agents[0].measured_bpm, 2.0 / 1.02, 1e-3);
  EXPECT_EQ(skewed.agents[0].tempo_drift, "critical");
  EXPECT_TRUE(skewed.agents[0].in_sync_at_end);
}

TEST(WorldFaultsTest, SlowPeersTakeMoreBeatsPerOperation) {
  WorldConfig config = base(4);
  OperationWorkload op;
  op.type = "dht_store";
  op.rate_per_beat = 4;
  op.duration.value = 2;
  op.estimated_beats = 3;
  config.workload.operations.push_back(op);
  FaultSpec slow;
  slow.kind = FaultSpec::Kind::kSlowPeers;
  slow.at = seconds(1);
  slow.duration = Duration{};  // the whole run
  slow.factor = 3.0;
  slow.latency = std::chrono::milliseconds(300);
  slow.targets = *parse_selector("agents:0-1");
  config.faults.push_back(slow);
  RunOutcome out = run_world(config, 23);
  double slow_beats = 0, fast_beats = 0;
  int slow_n = 0, fast_n = 0;
  for (const auto& o : out.operations) {
    if (o.result != OperationOutcome::Result::kCompleted) continue;
    (o.agent < 2 ? slow_beats : fast_beats) += static_cast<double>(o.beats());
    (o.agent < 2 ? slow_n : fast_n) += 1;
  }
  ASSERT_GT(slow_n, 10);
  ASSERT_GT(fast_n, 10);
  EXPECT_GT(slow_beats / slow_n, 2.5 * fast_beats / fast_n);
}

TEST(WorldFaultsTest, PartitionCutsOffTheFarSideUntilItHeals) {
  WorldConfig config = base(6);
  config.cluster.nats_servers = 2;  // agents alternate between servers; the pulse is on 0
  FaultSpec cut;
  cut.kind = FaultSpec::Kind::kPartition;
  cut.at = minutes(5);
  cut.duration = minutes(3);
  cut.servers = {1};
  config.faults.push_back(cut);
  RunOutcome out = run_world(config, 29);
  for (const auto& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    bool far_side = a.index % 2 == 1;
    EXPECT_EQ(a.degradation_windows.size(), far_side ? 1u : 0u);
    EXPECT_EQ(a.reconnects, 0u);  // a partition between servers is not a disconnect
    EXPECT_TRUE(a.in_sync_at_end);
  }
  EXPECT_GT(out.messages.at("beat_frame").dropped.at("partition"), 0u);
}

TEST(WorldFaultsTest, ServerDownFailsClientsOverToALiveServer) {
  WorldConfig config = base(6);
  config.cluster.nats_servers = 2;
  FaultSpec down;
  down.kind = FaultSpec::Kind::kServerDown;
  down.at = minutes(5);
  down.duration = minutes(5);
  down.server = 1;
  config.faults.push_back(down);
  RunOutcome out = run_world(config, 31);
  for (const auto& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    EXPECT_EQ(a.reconnects, a.index % 2 == 1 ? 1u : 0u);
    EXPECT_TRUE(a.degradation_windows.empty());  // failover takes about a second
    EXPECT_TRUE(a.in_sync_at_end);
  }
}

TEST(WorldFaultsTest, DuplicatedClaimsAreCountedNotLost) {
  WorldConfig config = base();
  FaultSpec dup;
  dup.kind = FaultSpec::Kind::kMessageDuplication;
  dup.at = minutes(1);
  dup.duration = minutes(10);
  dup.probability = 0.3;
  dup.subject = "backbeat.status.>";
  config.faults.push_back(dup);
  RunOutcome out = run_world(config, 37);
  EXPECT_GT(out.claims.duplicates, 0u);
  EXPECT_EQ(out.claims.lost, 0u);
  EXPECT_EQ(out.claims.received, out.claims.published);
}

TEST(WorldFaultsTest, ReorderedFramesNeverMoveTheBeatBackwards) {
  WorldConfig config = base();
  FaultSpec reorder;
  reorder.kind = FaultSpec::Kind::kMessageReorder;
  reorder.at = minutes(1);
  reorder.duration = minutes(10);
  reorder.probability = 0.5;
  reorder.delay = seconds(25);  // long enough for later phase frames to overtake
  reorder.subject = "backbeat.beat.>";
  config.faults.push_back(reorder);
  RunOutcome out = run_world(config, 41);
  std::uint64_t dropped = 0;
  for (const auto& a : out.agents) {
    dropped += a.frames_stale + a.frames_backwards;
    EXPECT_TRUE(a.in_sync_at_end);
  }
  EXPECT_GT(dropped, 0u);
}

// A rogue publisher on the beat subject (sim/world/forger.h): every forged frame lands in its
// counter, no agent degrades or leaves the pulse, and the reverb keeps reporting real bars (the
// 2^63-1 frame is held by the agents' and the reverb's JumpGuard alike).
TEST(WorldFaultsTest, ForgedFramesAreDroppedOrHeldAndTheBeatGoesOn) {
  WorldConfig config = base();
  FaultSpec forged;
  forged.kind = FaultSpec::Kind::kForgedFrames;
  forged.at = minutes(5);
  forged.duration = minutes(2);  // 4 beats at 2 BPM
  forged.rate = 5;               // 20 frames: 4 of each of the 5 kinds
  config.faults.push_back(forged);
  RunOutcome out = run_world(config, 43);
  RunOutcome clean = run_world(base(), 43);
  ASSERT_EQ(out.agents.size(), 10u);
  for (std::size_t i = 0; i < out.agents.size(); ++i) {
    const AgentOutcome& a = out.agents[i];
    SCOPED_TRACE(a.agent_id);
    EXPECT_EQ(a.frames_invalid, 8u);  // not JSON, tempo 0
    EXPECT_EQ(a.frames_foreign, 4u);
    EXPECT_EQ(a.frames_backwards, 4u);    // beat 0
    EXPECT_EQ(a.frames_unconfirmed, 4u);  // beat 2^63-1
    EXPECT_EQ(a.skipped_beats, clean.agents[i].skipped_beats);
    EXPECT_TRUE(a.degradation_windows.empty());
    EXPECT_TRUE(a.in_sync_at_end);
    EXPECT_EQ(a.final_beat, clean.agents[i].final_beat);
  }
  ASSERT_FALSE(out.bar_reports.empty());
  EXPECT_EQ(out.bar_reports.back().report.to_beat, clean.bar_reports.back().report.to_beat);
  EXPECT_EQ(out.bar_reports.size(), clean.bar_reports.size());
}

}  // namespace
}  // namespace backbeat::sim
