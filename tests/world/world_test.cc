#include "sim/world/world.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace backbeat::sim {
namespace {

WorldConfig steady(int agents = 20, Duration duration = std::chrono::minutes(30)) {
  WorldConfig config;
  config.cluster.groups[0].count = agents;
  config.duration = duration;
  OperationWorkload dht;
  dht.type = "dht_store";
  dht.rate_per_beat = 2.0;
  dht.duration.kind = DurationDistribution::Kind::kUniform;
  dht.duration.min = 1.0;
  dht.duration.max = 3.0;
  dht.estimated_beats = 3;
  config.workload.operations.push_back(dht);
  config.budgets["dht_store"] = 4;
  return config;
}

TEST(WorldTest, SteadyClusterFollowsTheBeatAndCompletesOperations) {
  WorldConfig config = steady();
  ASSERT_TRUE(config.validate().is_ok());
  RunOutcome out = run_world(config, 42);
  EXPECT_EQ(out.sim_time, std::chrono::minutes(30));
  ASSERT_EQ(out.agents.size(), 20u);
  for (const AgentOutcome& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    EXPECT_TRUE(a.in_sync_at_end);
    EXPECT_TRUE(a.degradation_windows.empty());
    EXPECT_EQ(a.frames_invalid + a.frames_foreign + a.frames_backwards, 0u);
    EXPECT_GE(a.final_beat, 58);  // 60 beats in 30 minutes at 2 BPM
  }
  std::size_t completed = 0;
  for (const OperationOutcome& op : out.operations) {
    if (op.result == OperationOutcome::Result::kCompleted) {
      ++completed;
      EXPECT_GE(op.beats(), 0);
      EXPECT_LE(op.beats(), 4) << op.id;
    }
  }
  EXPECT_GT(completed, 80u);  // ~2 per beat over 80% of 60 beats
  EXPECT_EQ(out.claims.lost, 0u);
  EXPECT_EQ(out.claims.nonconforming, 0u);
  EXPECT_EQ(out.claims.received, out.claims.published);
  ASSERT_GE(out.bar_reports.size(), 14u);
  // Bar 4 (beats 16..19) holds the health claims of beat 16: every agent reports.
  const BarReport& bar = out.bar_reports[4].report;
  EXPECT_EQ(bar.from_beat, 16);
  EXPECT_EQ(bar.agents_reporting, 20);
  EXPECT_EQ(bar.to_beat - bar.from_beat, 3);
  EXPECT_NEAR(bar.tempo_drift_ms, 0.0, 5.0);
  EXPECT_GT(out.events, 0u);
  EXPECT_NE(out.fingerprint, 0u);
}

TEST(WorldTest, SameSeedSameFingerprintDifferentSeedDifferentFingerprint) {
  WorldConfig config = steady(10, std::chrono::minutes(10));
  RunOutcome a = run_world(config, 7);
  RunOutcome b = run_world(config, 7);
  RunOutcome c = run_world(config, 8);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.events, b.events);
  EXPECT_NE(a.fingerprint, c.fingerprint);
}

// Any change of behaviour shows up here; update it on purpose (and say why in the commit).
TEST(WorldTest, GoldenFingerprint) {
  WorldConfig config = steady(8, std::chrono::minutes(10));
  RunOutcome out = run_world(config, 20261127);
  EXPECT_EQ(hex64(out.fingerprint), "a2e54545cde3d2a3") << "events=" << out.events;
}

TEST(WorldTest, SeedLoadTestAcrossManyAgents) {
  // The seed's load test as a simulation: 1,000 dht_store operations over 50 agents, all
  // completed, nothing left active.
  WorldConfig config;
  config.cluster.groups[0].count = 50;
  config.duration = std::chrono::minutes(10);
  config.workload.start_after = std::chrono::seconds(5);
  OperationWorkload op;
  op.type = "dht_store";
  op.count = 1000;
  op.estimated_beats = 5;
  op.duration.value = 3.0;
  config.workload.operations.push_back(op);
  RunOutcome out = run_world(config, 1);
  ASSERT_EQ(out.operations.size(), 1000u);
  for (const OperationOutcome& o : out.operations) {
    ASSERT_EQ(o.result, OperationOutcome::Result::kCompleted) << o.id;
  }
  EXPECT_EQ(out.claims.lost, 0u);
}

}  // namespace
}  // namespace backbeat::sim
