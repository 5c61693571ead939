// Verdicts users can trust: each test fails on one of the model bugs issue 12 found (pulse
// failover without election or recovery, unfair resync measurement, the drift sign, a restarted
// agent's claims counted as lost and duplicated, a partition's target shown as every agent).
#include <gtest/gtest.h>

#include "sim/scenario/assertion.h"
#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

WorldConfig cluster(int agents = 10, Duration duration = minutes(20)) {
  WorldConfig config;
  config.cluster.groups[0].count = agents;
  config.duration = duration;
  return config;
}

FaultSpec failover(Duration at, Duration duration, Duration gap) {
  FaultSpec f;
  f.kind = FaultSpec::Kind::kPulseFailover;
  f.at = at;
  f.duration = duration;
  f.gap = gap;
  return f;
}

std::vector<scenario::AssertionResult> in_sync_within(const WorldConfig& config,
                                                      const RunOutcome& out, double beats) {
  scenario::AssertionSpec spec;
  spec.kind = scenario::AssertionSpec::Kind::kAgentsInSyncWithin;
  spec.beats = beats;
  return scenario::evaluate_assertions({spec}, config, out);
}

// Bug 1: with two nodes the second failover promoted nobody and a failed leader never came back.
TEST(PulseFailoverTest, AFailedLeaderRecoversAsFollowerAndIsElectedWhenTheOtherFails) {
  WorldConfig config = cluster();
  config.pulse.nodes = 2;
  config.faults.push_back(failover(minutes(4), minutes(2), seconds(10)));  // node 0 down 4..6 m
  config.faults.push_back(failover(minutes(9), minutes(2), seconds(10)));  // node 1 down 9..11 m
  RunOutcome out = run_world(config, 7);
  EXPECT_FALSE(out.pulse_silent_since.has_value());
  for (const AgentOutcome& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    EXPECT_TRUE(a.in_sync_at_end);
    EXPECT_EQ(a.frames_backwards, 0u);
    ASSERT_TRUE(a.longest_resync.has_value());
    EXPECT_LE(*a.longest_resync, seconds(31));  // the first beat of the new leader
  }
  for (const scenario::AssertionResult& r : in_sync_within(config, out, 2)) {
    EXPECT_TRUE(r.pass) << r.name << ": " << r.detail;
  }
}

TEST(PulseFailoverTest, EveryNodeFailedIsReportedAsNoPulseNotAsAgentsOutOfSync) {
  WorldConfig config = cluster();
  config.pulse.nodes = 2;
  config.faults.push_back(failover(minutes(4), Duration{}, seconds(10)));  // never recover
  config.faults.push_back(failover(minutes(8), Duration{}, seconds(10)));
  RunOutcome out = run_world(config, 7);
  ASSERT_TRUE(out.pulse_silent_since.has_value());
  EXPECT_EQ(*out.pulse_silent_since - out.start, minutes(8));
  EXPECT_EQ(out.pulse_silence_cause, "every pulse node failed");
  std::vector<scenario::AssertionResult> results = in_sync_within(config, out, 2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].name, "pulse_silent_at_end");
  EXPECT_FALSE(results[1].pass);
  EXPECT_NE(results[1].detail.find("no pulse from t = 480.0 s (every pulse node failed)"),
            std::string::npos)
      << results[1].detail;
}

TEST(PulseFailoverTest, OverlappingFailoversLeaveNoPulseUntilTheFirstLeaderRecovers) {
  WorldConfig config = cluster();
  config.pulse.nodes = 2;
  config.faults.push_back(failover(minutes(4), minutes(3), seconds(5)));   // node 0 down 4..7 m
  config.faults.push_back(failover(minutes(5), minutes(10), seconds(5)));  // node 1 down 5..15 m
  RunOutcome out = run_world(config, 3);
  EXPECT_FALSE(out.pulse_silent_since.has_value());  // node 0 leads again from 7 m + 5 s
  for (const AgentOutcome& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    EXPECT_TRUE(a.in_sync_at_end);
    ASSERT_TRUE(a.longest_resync.has_value());
    EXPECT_LE(*a.longest_resync, seconds(31));
  }
}

// Bug 1, resync: the clock starts when the agent could first hear a pulse again.
TEST(ResyncTest, ADisconnectEndingDuringAPulseOutageIsTimedFromTheOutagesEnd) {
  WorldConfig config = cluster();
  FaultSpec cut;
  cut.kind = FaultSpec::Kind::kNatsDisconnect;
  cut.at = minutes(5);
  cut.duration = seconds(20);
  cut.targets = *parse_selector("agents:0-4");
  FaultSpec outage;
  outage.kind = FaultSpec::Kind::kPulseOutage;
  outage.at = minutes(5) + seconds(10);
  outage.duration = minutes(2);  // ends 1 m 50 s after the link is back
  config.faults = {cut, outage};
  RunOutcome out = run_world(config, 5);
  for (const AgentOutcome& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    EXPECT_TRUE(a.in_sync_at_end);
    ASSERT_TRUE(a.longest_resync.has_value());
    EXPECT_LE(*a.longest_resync, seconds(31));
  }
}

TEST(ResyncTest, AnOutageEndingDuringAPartitionIsTimedFromTheHeal) {
  WorldConfig config = cluster(6);
  config.cluster.nats_servers = 2;  // odd agents on server 1, the pulse on 0
  FaultSpec outage;
  outage.kind = FaultSpec::Kind::kPulseOutage;
  outage.at = minutes(5);
  outage.duration = minutes(1);
  FaultSpec cut;
  cut.kind = FaultSpec::Kind::kPartition;
  cut.at = minutes(5) + seconds(30);
  cut.duration = minutes(2);  // heals 1 m 30 s after the pulse is back
  cut.servers = {1};
  config.faults = {outage, cut};
  RunOutcome out = run_world(config, 29);
  for (const AgentOutcome& a : out.agents) {
    SCOPED_TRACE(a.agent_id);
    EXPECT_TRUE(a.in_sync_at_end);
    ASSERT_TRUE(a.longest_resync.has_value());
    EXPECT_LE(*a.longest_resync, seconds(31));
  }
}

// Bug 2: the drift sign (scenarios/README.md, "Drift sign").
RunOutcome drifting(double ppm) {
  WorldConfig config = cluster(5, minutes(30));
  config.pulse.drift.kind = DriftModel::Kind::kLinear;
  config.pulse.drift.ppm = ppm;
  return run_world(config, 21);
}

TEST(DriftSignTest, ASlowPulseIsMeasuredSlowAndLate) {
  RunOutcome out = drifting(-20000);  // 2% slow
  ASSERT_FALSE(out.tempo.empty());
  EXPECT_LT(out.tempo.back().measured_bpm, 2.0 * 0.99);
  EXPECT_GT(out.tempo.back().drift_ms, 0.0);
  ASSERT_FALSE(out.bar_reports.empty());
  EXPECT_GT(out.bar_reports.back().report.tempo_drift_ms, 0.0);
  for (const AgentOutcome& a : out.agents) EXPECT_LT(a.measured_bpm, 2.0 * 0.99) << a.agent_id;
  // 60 beats at 2 BPM would take 30 minutes; a slow pulse has not reached them.
  EXPECT_LT(out.tempo.back().beat_index, 59);
}

TEST(DriftSignTest, AFastPulseIsMeasuredFastAndEarly) {
  RunOutcome out = drifting(20000);  // 2% fast
  ASSERT_FALSE(out.tempo.empty());
  EXPECT_GT(out.tempo.back().measured_bpm, 2.0 * 1.01);
  EXPECT_LT(out.tempo.back().drift_ms, 0.0);
  ASSERT_FALSE(out.bar_reports.empty());
  EXPECT_LT(out.bar_reports.back().report.tempo_drift_ms, 0.0);
  for (const AgentOutcome& a : out.agents) EXPECT_GT(a.measured_bpm, 2.0 * 1.01) << a.agent_id;
  EXPECT_GT(out.tempo.back().beat_index, 60);
}

// Bug 3: a restarted agent numbers its claims from 1 again; those are new claims.
TEST(ClaimAccountingTest, ARestartedAgentsClaimsAreNeitherDuplicatesNorLost) {
  WorldConfig config = cluster();
  OperationWorkload sync;
  sync.type = "pubsub_sync";
  sync.rate_per_beat = 2.0;
  sync.estimated_beats = 2;
  config.workload.operations.push_back(sync);
  FaultSpec crash;
  crash.kind = FaultSpec::Kind::kAgentCrash;
  crash.at = minutes(5);
  crash.duration = minutes(1);
  crash.targets = *parse_selector("agents:0-2");
  config.faults.push_back(crash);
  RunOutcome out = run_world(config, 11);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(out.agents[static_cast<std::size_t>(i)].crashes, 1u);
  EXPECT_EQ(out.claims.duplicates, 0u);
  EXPECT_EQ(out.claims.received + out.claims.in_flight + out.claims.lost, out.claims.published);
  std::uint64_t by_cause = 0;
  for (const auto& [cause, n] : out.claims.lost_by_cause) by_cause += n;
  EXPECT_EQ(out.claims.lost, by_cause);  // every lost claim has a cause
}

TEST(ClaimAccountingTest, ARealDuplicateIsStillCountedOnce) {
  WorldConfig config = cluster();
  FaultSpec dup;
  dup.kind = FaultSpec::Kind::kMessageDuplication;
  dup.at = minutes(1);
  dup.duration = minutes(10);
  dup.probability = 0.3;
  dup.subject = "backbeat.status.>";
  FaultSpec crash;
  crash.kind = FaultSpec::Kind::kAgentCrash;
  crash.at = minutes(5);
  crash.duration = minutes(1);
  crash.targets = *parse_selector("agents:0-2");
  config.faults = {dup, crash};
  RunOutcome out = run_world(config, 37);
  EXPECT_GT(out.claims.duplicates, 0u);
  EXPECT_EQ(out.claims.received + out.claims.in_flight + out.claims.lost, out.claims.published);
}

// Bug 4: each fault's target text names what it acts on.
TEST(FaultTargetsTest, EachKindNamesWhatItActsOn) {
  WorldConfig config = cluster(30, minutes(10));
  config.cluster.nats_servers = 3;  // agent i on server i % 3: ten per server
  config.pulse.nodes = 2;
  auto add = [&](FaultSpec::Kind kind) -> FaultSpec& {
    FaultSpec f;
    f.kind = kind;
    f.at = minutes(1);
    config.faults.push_back(f);
    return config.faults.back();
  };
  add(FaultSpec::Kind::kPartition).servers = {1};
  add(FaultSpec::Kind::kPartition).servers = {0, 2};  // the pulse's side: server 1 is cut off
  add(FaultSpec::Kind::kServerDown).server = 2;
  add(FaultSpec::Kind::kNatsDisconnect).targets = *parse_selector("agents:0-3");
  add(FaultSpec::Kind::kPartition).targets = *parse_selector("server:1");
  add(FaultSpec::Kind::kMessageLoss);
  add(FaultSpec::Kind::kPulseOutage);
  add(FaultSpec::Kind::kPulseFailover);
  add(FaultSpec::Kind::kForgedFrames).rate = 2;
  RunOutcome out = run_world(config, 1);
  ASSERT_EQ(out.faults.size(), config.faults.size());
  EXPECT_EQ(out.faults[0].targets, "servers 1 (10 agents cut off from the pulse)");
  EXPECT_EQ(out.faults[1].targets, "servers 0,2 (10 agents cut off from the pulse)");
  EXPECT_EQ(out.faults[2].targets, "server:2 (10 agents on it)");
  EXPECT_EQ(out.faults[3].targets, "agents:0-3 (4 agents)");
  EXPECT_EQ(out.faults[4].targets, "server:1 (10 agents)");
  EXPECT_EQ(out.faults[5].targets, "all (30 agents)");
  EXPECT_EQ(out.faults[6].targets, "pulse");
  EXPECT_EQ(out.faults[7].targets, "pulse leader");
  EXPECT_EQ(out.faults[8].targets, "beat subject (2 frames per beat)");
}

}  // namespace
}  // namespace backbeat::sim
