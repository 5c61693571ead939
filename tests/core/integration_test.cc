#include "core/integration.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/in_memory_transport.h"
#include "tests/support/manual_clock.h"
#include "tests/support/test_pulse.h"

namespace backbeat {
namespace {

using testing::InMemoryTransport;
using testing::ManualClock;
using testing::TestPulse;
using testing::TestPulseOptions;

constexpr Duration kBeat = std::chrono::seconds(30);
constexpr const char* kNodeId = "12D3KooWAbcdefghijk";

class RecordingLogger final : public Logger {
 public:
  void info(std::string_view m) override { lines.push_back("INFO " + std::string(m)); }
  void warn(std::string_view m) override { lines.push_back("WARN " + std::string(m)); }
  void error(std::string_view m) override { lines.push_back("ERROR " + std::string(m)); }
  std::vector<std::string> lines;
};

class IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { integration_ = make(ClaimStateWords::kContract); }

  std::unique_ptr<Integration> make(ClaimStateWords words) {
    BackbeatConfig config;
    config.cluster_id = "chorus-dev";
    config.agent_id = "chorus-dev-alice";
    config.claim_state_words = words;
    auto created = Integration::create(config, kNodeId, logger_, clock_, transport_);
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    return std::move(created).value();
  }

  // Claims published since the last call, decoded leniently (legacy words are not contract
  // words), in order.
  std::vector<nlohmann::json> take_claims() {
    std::vector<nlohmann::json> out;
    for (const auto& p : transport_.published_matching("backbeat.status.>")) {
      out.push_back(nlohmann::json::parse(p.payload));
    }
    transport_.clear_published();
    return out;
  }
  std::vector<nlohmann::json> claims_for(const std::string& task) {
    std::vector<nlohmann::json> out;
    for (auto& c : take_claims()) {
      if (c.value("task_id", "") == task) out.push_back(c);
    }
    return out;
  }

  ManualClock clock_;
  InMemoryTransport transport_;
  RecordingLogger logger_;
  TestPulse pulse_{TestPulseOptions{}, clock_, transport_};
  std::unique_ptr<Integration> integration_;
};

TEST_F(IntegrationTest, DisabledConfigurationIsAnError) {
  BackbeatConfig config;
  config.enabled = false;
  config.agent_id = "chorus-x";
  auto created = Integration::create(config, kNodeId, logger_, clock_, transport_);
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().message(), "BACKBEAT integration is disabled");
}

TEST_F(IntegrationTest, StartAndStopFollowTheSeedsErrors) {
  EXPECT_EQ(integration_->stop().message(), "BACKBEAT integration not started");
  ASSERT_TRUE(integration_->start().is_ok());
  EXPECT_EQ(integration_->start().message(), "BACKBEAT integration already started");
  EXPECT_EQ(logger_.lines.back(),
            "INFO 🎵 CHORUS BACKBEAT integration started - cluster=chorus-dev "
            "agent=chorus-dev-alice");
  ASSERT_TRUE(integration_->stop().is_ok());
  EXPECT_EQ(logger_.lines.back(), "INFO 🎵 CHORUS BACKBEAT integration stopped");
  ASSERT_TRUE(integration_->start().is_ok());  // restartable
}

TEST_F(IntegrationTest, OperationsNeedAStartedIntegration) {
  Status s = integration_->start_p2p_operation("op-1", "dht_store", 3);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "BACKBEAT integration not started");
}

TEST_F(IntegrationTest, UnknownOperationsAreNotFound) {
  ASSERT_TRUE(integration_->start().is_ok());
  EXPECT_EQ(
      integration_->update_p2p_operation_phase("nope", OperationPhase::kExecuting, 1).message(),
      "operation nope not found");
  EXPECT_EQ(integration_->complete_p2p_operation("nope", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(integration_->fail_p2p_operation("nope", "x").code(), StatusCode::kNotFound);
}

TEST_F(IntegrationTest, BadOperationArgumentsAreRejected) {
  ASSERT_TRUE(integration_->start().is_ok());
  EXPECT_EQ(integration_->start_p2p_operation("has space", "election", 3).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(integration_->start_p2p_operation("op", "election", 0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(integration_->start_p2p_operation("op", "", 3).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(integration_->start_p2p_operation("op", "election", 3).is_ok());
  EXPECT_EQ(integration_->start_p2p_operation("op", "election", 3).message(),
            "operation op already active");
}

// The seed's documented claims, field for field, in legacy claim-state mode.
TEST_F(IntegrationTest, LegacyModeClaimsEqualTheSeedsExamples) {
  std::ifstream in(std::string(BACKBEAT_TEST_DATA_DIR) + "/contracts/seed-claims.json");
  ASSERT_TRUE(in.good());
  nlohmann::json seed = nlohmann::json::parse(in);
  auto expect_fields = [&](const nlohmann::json& claim, int index) {
    const nlohmann::json& fields = seed["claims"][index]["fields"];
    SCOPED_TRACE(seed["claims"][index]["when"].get<std::string>());
    for (const auto& [key, value] : fields.items()) {
      ASSERT_TRUE(claim.contains(key)) << key;
      if (value.is_number_float()) {
        EXPECT_DOUBLE_EQ(claim[key].get<double>(), value.get<double>()) << key;
      } else {
        EXPECT_EQ(claim[key], value) << key;
      }
    }
  };

  auto legacy = make(ClaimStateWords::kLegacy);
  ASSERT_TRUE(legacy->start().is_ok());
  ASSERT_TRUE(legacy
                  ->start_p2p_operation("election-leader-2025", "election", 5,
                                        {{"candidates", 3}, {"quorum", 2}})
                  .is_ok());
  expect_fields(take_claims().at(0), 0);
  ASSERT_TRUE(legacy->complete_p2p_operation("election-leader-2025", 3).is_ok());
  expect_fields(take_claims().at(0), 1);
  ASSERT_TRUE(legacy->start_p2p_operation("election-leader-2025", "election", 5).is_ok());
  take_claims();
  ASSERT_TRUE(
      legacy->fail_p2p_operation("election-leader-2025", "quorum not reached within timeout")
          .is_ok());
  expect_fields(take_claims().at(0), 2);

  // A dht_store operation, 5 beats estimated, 2 beats old, executing with 5 peers.
  pulse_.start();
  clock_.advance_by(kBeat / 2);  // beat 0
  ASSERT_TRUE(legacy->start_p2p_operation("operation-id", "dht_store", 5).is_ok());
  ASSERT_TRUE(
      legacy->update_p2p_operation_phase("operation-id", OperationPhase::kExecuting, 5).is_ok());
  ASSERT_TRUE(legacy->start_p2p_operation("other-op", "pubsub_sync", 2).is_ok());
  take_claims();
  clock_.advance_by(kBeat * 2);  // beat 2
  std::vector<nlohmann::json> beat_two;
  for (auto& c : take_claims()) {
    if (c["beat_index"] == 2 && c["task_id"] == "operation-id") beat_two.push_back(c);
  }
  ASSERT_EQ(beat_two.size(), 1u);
  expect_fields(beat_two[0], 3);

  // The health claim at beat 8 with 2 active operations at 2 BPM while connected.
  clock_.advance_by(kBeat * 6);  // beat 8
  std::vector<nlohmann::json> health;
  for (auto& c : take_claims()) {
    if (c["task_id"] == "chorus-p2p-health") health.push_back(c);
  }
  ASSERT_EQ(health.size(), 1u);
  expect_fields(health[0], 4);
}

TEST_F(IntegrationTest, ContractModeUsesContractStates) {
  ASSERT_TRUE(integration_->start().is_ok());
  ASSERT_TRUE(integration_->start_p2p_operation("a", "election", 5).is_ok());
  ASSERT_TRUE(integration_->complete_p2p_operation("a", 3).is_ok());
  for (const auto& p : transport_.published()) {
    Result<StatusClaim> claim = decode_status_claim(p.payload);
    ASSERT_TRUE(claim.is_ok()) << claim.status().to_string();
  }
  auto claims = take_claims();
  EXPECT_EQ(claims.back()["state"], "completed");
}

TEST_F(IntegrationTest, EveryBeatEmitsOneClaimPerActiveOperationWithSeedArithmetic) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat / 2);  // on beat 0
  ASSERT_TRUE(integration_->start_p2p_operation("op-a", "dht_store", 4).is_ok());
  ASSERT_TRUE(integration_->start_p2p_operation("op-b", "election", 2).is_ok());
  take_claims();
  clock_.advance_by(kBeat * 3);  // beats 1, 2, 3
  std::vector<nlohmann::json> a, b;
  for (auto& c : take_claims()) {
    if (c["task_id"] == "op-a") a.push_back(c);
    if (c["task_id"] == "op-b") b.push_back(c);
  }
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(a[0]["beats_left"], 3);
  EXPECT_DOUBLE_EQ(a[0]["progress"].get<double>(), 0.25);
  EXPECT_EQ(a[2]["beats_left"], 1);
  EXPECT_DOUBLE_EQ(a[2]["progress"].get<double>(), 0.75);
  // op-b is over its 2-beat estimate at beat 3: clamped, still executing.
  EXPECT_EQ(b[2]["beats_left"], 0);
  EXPECT_DOUBLE_EQ(b[2]["progress"].get<double>(), 1.0);
  EXPECT_EQ(b[2]["state"], "executing");
  EXPECT_EQ(b[2]["notes"], "P2P election: started (peers: 0, node: 12D3KooW...)");
}

TEST_F(IntegrationTest, HealthClaimEveryEightBeatsFollowsTheStateRule) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat * 8 - kNanosecond);  // beats 0..7: health at beat 0 only
  auto health = claims_for("chorus-p2p-health");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0]["beat_index"], 0);
  EXPECT_EQ(health[0]["state"], "idle");  // "waiting" in the seed's words

  ASSERT_TRUE(integration_->start_p2p_operation("op", "dht_store", 20).is_ok());
  clock_.advance_by(kBeat * 8);  // beat 8
  health = claims_for("chorus-p2p-health");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0]["beat_index"], 8);
  EXPECT_EQ(health[0]["state"], "executing");
  EXPECT_EQ(health[0]["notes"],
            "CHORUS P2P healthy: connected=true, operations=1, tempo=2 BPM, node=12D3KooW...");

  // An invalid frame between two health claims makes the next one "failed", then it clears.
  ASSERT_TRUE(transport_.publish("backbeat.beat.chorus-dev", "junk").is_ok());
  clock_.advance_by(kBeat * 8);  // beat 16
  health = claims_for("chorus-p2p-health");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0]["state"], "failed");
  clock_.advance_by(kBeat * 8);  // beat 24
  health = claims_for("chorus-p2p-health");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0]["state"], "executing");
}

TEST_F(IntegrationTest, DownbeatCleansUpOperationsMarkedCompletedOrFailed) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat / 2);  // beat 0
  ASSERT_TRUE(integration_->start_p2p_operation("done-op", "pubsub_sync", 2).is_ok());
  ASSERT_TRUE(integration_->start_p2p_operation("failed-op", "pubsub_sync", 2).is_ok());
  ASSERT_TRUE(integration_->start_p2p_operation("live-op", "pubsub_sync", 2).is_ok());
  ASSERT_TRUE(
      integration_->update_p2p_operation_phase("done-op", OperationPhase::kCompleted, 2).is_ok());
  ASSERT_TRUE(
      integration_->update_p2p_operation_phase("failed-op", OperationPhase::kFailed, 2).is_ok());
  take_claims();
  clock_.advance_by(kBeat * 3);  // beats 1..3: all three still reported, each in its own state
  EXPECT_EQ(integration_->get_health().active_operations, 3u);
  std::map<std::string, std::vector<std::string>> states;
  for (const auto& c : take_claims()) {
    states[c["task_id"].get<std::string>()].push_back(c["state"].get<std::string>());
  }
  using States = std::vector<std::string>;
  EXPECT_EQ(states["done-op"], (States{"completed", "completed", "completed"}));
  EXPECT_EQ(states["failed-op"], (States{"failed", "failed", "failed"}));
  EXPECT_EQ(states["live-op"], (States{"executing", "executing", "executing"}));
  clock_.advance_by(kBeat);  // beat 4: downbeat, after that beat's claims
  EXPECT_EQ(integration_->get_health().active_operations, 1u);
  EXPECT_TRUE(integration_->active_operations().contains("live-op"));
  EXPECT_EQ(claims_for("failed-op").size(), 1u);  // reported on the downbeat, then removed
  clock_.advance_by(kBeat);                       // beat 5
  EXPECT_TRUE(claims_for("failed-op").empty());
}

// A failed operation says so at once and on every beat until the downbeat removes it, never
// "executing" (the bug: the failed phase reported like any running phase).
TEST_F(IntegrationTest, AFailedOperationIsReportedFailedWithNoProgressLeft) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat / 2);  // beat 0
  ASSERT_TRUE(integration_->start_p2p_operation("op", "dht_store", 6).is_ok());
  take_claims();
  ASSERT_TRUE(integration_->update_p2p_operation_phase("op", OperationPhase::kFailed, 1).is_ok());
  auto now = claims_for("op");
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0]["state"], "failed");
  EXPECT_EQ(now[0]["beats_left"], 0);
  EXPECT_DOUBLE_EQ(now[0]["progress"].get<double>(), 0.0);
  EXPECT_EQ(now[0]["notes"], "P2P dht_store: failed (peers: 1, node: 12D3KooW...)");
  clock_.advance_by(kBeat);  // beat 1
  auto next = claims_for("op");
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0]["state"], "failed");
}

// On a health beat the operation claims come first, then the health claim (the seed's order:
// the health claim summarises the beat's operations).
TEST_F(IntegrationTest, TheHealthClaimFollowsTheOperationClaimsOfItsBeat) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat / 2);  // beat 0
  ASSERT_TRUE(integration_->start_p2p_operation("op-a", "dht_store", 20).is_ok());
  ASSERT_TRUE(integration_->start_p2p_operation("op-b", "election", 20).is_ok());
  clock_.advance_by(kBeat * 8);  // through beat 8, a health beat
  std::vector<std::string> beat_eight;
  for (const auto& c : take_claims()) {
    if (c["beat_index"] == 8) beat_eight.push_back(c["task_id"].get<std::string>());
  }
  EXPECT_EQ(beat_eight, (std::vector<std::string>{"op-a", "op-b", "chorus-p2p-health"}));
}

TEST_F(IntegrationTest, AMalformedConfigurationIsRefusedNamingTheField) {
  BackbeatConfig config;
  config.cluster_id = "chorus.dev";  // a dot would split the NATS subject
  config.agent_id = "chorus-dev-alice";
  auto created = Integration::create(config, kNodeId, logger_, clock_, transport_);
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(created.status().message(),
            "CHORUS_BACKBEAT_CLUSTER_ID: expected 1..64 characters of [A-Za-z0-9_-], got "
            "'chorus.dev'");

  config.cluster_id = "chorus-dev";
  config.nats_url = "";
  created = Integration::create(config, kNodeId, logger_, clock_, transport_);
  ASSERT_FALSE(created.is_ok());
  EXPECT_NE(created.status().message().find("CHORUS_BACKBEAT_NATS_URL"), std::string::npos)
      << created.status().message();
}

TEST_F(IntegrationTest, BadClientTuningIsRefusedAtCreate) {
  BackbeatConfig config;
  config.cluster_id = "chorus-dev";
  config.agent_id = "chorus-dev-alice";
  BeatClientConfig tuning;
  tuning.degradation_after_beats = 0;
  auto created = Integration::create(config, kNodeId, logger_, clock_, transport_, tuning);
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(created.status().message(),
            "degradation_after_beats: expected a positive number of beats");
  // The tuning's own ids are replaced by the configuration's, so they cannot make it fail.
  tuning = BeatClientConfig{};
  tuning.cluster_id = "not a cluster";
  tuning.agent_id = "";
  created = Integration::create(config, kNodeId, logger_, clock_, transport_, tuning);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ((*created)->beat_client().config().cluster_id, "chorus-dev");
  EXPECT_EQ((*created)->beat_client().config().agent_id, "chorus-dev-alice");
}

TEST_F(IntegrationTest, StartWrapsTheClientsErrorAndCanBeRetried) {
  transport_.refuse_subscriptions(Status::unavailable("permissions violation"));
  Status s = integration_->start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "failed to start BACKBEAT client: permissions violation");
  EXPECT_FALSE(integration_->started());
  EXPECT_FALSE(integration_->get_health().started);
  EXPECT_EQ(integration_->start_p2p_operation("op", "election", 3).code(),
            StatusCode::kFailedPrecondition);
  transport_.refuse_subscriptions(Status::ok());
  ASSERT_TRUE(integration_->start().is_ok());
  // Callbacks were registered once: one claim per beat for the operation, not two.
  ASSERT_TRUE(integration_->start_p2p_operation("op", "election", 3).is_ok());
  take_claims();
  pulse_.start();
  clock_.advance_by(kBeat / 2);
  EXPECT_EQ(claims_for("op").size(), 1u);
}

// The seed registers the operation even when its first claim cannot be published; the error is
// returned and the operation is reported on the next beat.
TEST_F(IntegrationTest, AnOperationWhoseFirstClaimFailsIsStillRegistered) {
  ASSERT_TRUE(integration_->start().is_ok());
  transport_.disconnect();
  Status s = integration_->start_p2p_operation("op", "election", 3);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(integration_->active_operations().contains("op"));
  EXPECT_EQ(integration_->beat_client().counters().claims_failed, 1u);
  EXPECT_EQ(integration_->start_p2p_operation("op", "election", 3).message(),
            "operation op already active");
  transport_.reconnect();
  pulse_.start();
  clock_.advance_by(kBeat / 2);
  auto claims = claims_for("op");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0]["state"], "executing");
}

TEST_F(IntegrationTest, CompletedOperationsStillReportDoneUntilTheDownbeat) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat / 2);
  ASSERT_TRUE(integration_->start_p2p_operation("op", "pubsub_sync", 2).is_ok());
  ASSERT_TRUE(
      integration_->update_p2p_operation_phase("op", OperationPhase::kCompleted, 2).is_ok());
  take_claims();
  clock_.advance_by(kBeat);  // beat 1
  auto claims = claims_for("op");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0]["state"], "completed");
  EXPECT_DOUBLE_EQ(claims[0]["progress"].get<double>(), 1.0);
}

TEST_F(IntegrationTest, HealthHasTheSeedsTwelveFields) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat * 3);
  ASSERT_TRUE(integration_->start_p2p_operation("op", "election", 5).is_ok());
  IntegrationHealth health = integration_->get_health();
  EXPECT_TRUE(health.enabled);
  EXPECT_TRUE(health.started);
  EXPECT_TRUE(health.connected);
  EXPECT_EQ(health.current_beat, 3);
  EXPECT_DOUBLE_EQ(health.current_tempo, 2.0);
  EXPECT_NEAR(health.measured_bpm, 2.0, 1e-9);
  EXPECT_EQ(health.tempo_drift, "acceptable");
  EXPECT_EQ(health.reconnect_count, 0u);
  EXPECT_EQ(health.active_operations, 1u);
  EXPECT_FALSE(health.local_degradation);
  EXPECT_TRUE(health.errors.empty());
  EXPECT_EQ(health.node_id, kNodeId);
  nlohmann::ordered_json json = health.to_json();
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"enabled", "started", "connected", "current_beat",
                                            "current_tempo", "measured_bpm", "tempo_drift",
                                            "reconnect_count", "active_operations",
                                            "local_degradation", "errors", "node_id"}));
  transport_.disconnect();
  transport_.reconnect();
  EXPECT_EQ(integration_->get_health().reconnect_count, 1u);
}

TEST_F(IntegrationTest, PulseOutageShowsAsLocalDegradationInHealth) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat * 2);
  pulse_.set_silent(true);
  clock_.advance_by(kBeat * 2);
  EXPECT_TRUE(integration_->get_health().local_degradation);
  pulse_.set_silent(false);
  clock_.advance_by(kBeat * 2);
  EXPECT_FALSE(integration_->get_health().local_degradation);
}

TEST_F(IntegrationTest, ExecuteWithBeatBudget) {
  int runs = 0;
  auto two_beats = [&] {
    ++runs;
    clock_.advance_by(kBeat * 2);
    return Status::ok();
  };
  EXPECT_TRUE(integration_->execute_with_beat_budget(1, two_beats).is_ok());  // not started
  ASSERT_TRUE(integration_->start().is_ok());
  EXPECT_EQ(integration_->execute_with_beat_budget(1, two_beats).code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(integration_->execute_with_beat_budget(2, two_beats).is_ok());
  EXPECT_EQ(runs, 3);
}

// The seed's load test: 1,000 operations, three minutes of beats, all completed.
TEST_F(IntegrationTest, SeedLoadTestOnTheVirtualClock) {
  ASSERT_TRUE(integration_->start().is_ok());
  pulse_.start();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(
        integration_->start_p2p_operation("test-op-" + std::to_string(i), "dht_store", 5).is_ok());
  }
  clock_.advance_by(std::chrono::minutes(3));
  EXPECT_EQ(integration_->beat_client().current_beat(), 6);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(integration_->complete_p2p_operation("test-op-" + std::to_string(i), 5).is_ok());
  }
  EXPECT_EQ(integration_->get_health().active_operations, 0u);
  // 1,000 start claims, 7 beats x 1,000 operation claims, 1 health claim, 1,000 completions.
  EXPECT_EQ(integration_->beat_client().counters().claims_published, 1000u + 7000u + 1u + 1000u);
}

}  // namespace
}  // namespace backbeat
