#include "core/beat_client.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
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

constexpr Duration kBeat = std::chrono::seconds(30);  // 2 BPM

class BeatClientTest : public ::testing::Test {
 protected:
  BeatClientTest() : client_(make_config(), clock_, transport_) {
    client_.on_beat([this](const BeatFrame& f) { beats_.push_back(f.beat_index); });
    client_.on_downbeat([this](const BeatFrame& f) { downbeats_.push_back(f.beat_index); });
  }

  static BeatClientConfig make_config() {
    BeatClientConfig config;
    config.cluster_id = "chorus-dev";
    config.agent_id = "chorus:agent-1";
    return config;
  }

  // Publishes a frame on the cluster's beat subject at the current time.
  void publish(const BeatFrame& frame) {
    ASSERT_TRUE(transport_.publish("backbeat.beat.chorus-dev", encode_beat_frame(frame)).is_ok());
  }
  void publish_raw(const std::string& payload) {
    ASSERT_TRUE(transport_.publish("backbeat.beat.chorus-dev", payload).is_ok());
  }
  BeatFrame frame(std::int64_t index, BeatPhase phase = BeatPhase::kPlan) {
    return pulse_.frame_for(index, phase, clock_.now());
  }
  bool strictly_increasing() const {
    return std::adjacent_find(beats_.begin(), beats_.end(),
                              [](auto a, auto b) { return b <= a; }) == beats_.end();
  }

  ManualClock clock_;
  InMemoryTransport transport_;
  TestPulse pulse_{TestPulseOptions{}, clock_, transport_};
  BeatClient client_;
  std::vector<std::int64_t> beats_;
  std::vector<std::int64_t> downbeats_;
};

TEST_F(BeatClientTest, StartAndStopGuardTheirPreconditions) {
  EXPECT_EQ(client_.stop().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(client_.start().is_ok());
  Status again = client_.start();
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "beat client already started");
  EXPECT_TRUE(client_.stop().is_ok());
  EXPECT_EQ(transport_.subscription_count(), 0u);
}

TEST_F(BeatClientTest, InvalidConfigIsRefusedAtStart) {
  BeatClientConfig config = make_config();
  config.cluster_id = "has.dot";
  BeatClient bad(config, clock_, transport_);
  Status s = bad.start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cluster_id"), std::string::npos);
}

TEST_F(BeatClientTest, FiresOnBeatOncePerIndexAndDownbeatAtBarStarts) {
  ASSERT_TRUE(client_.start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat * 10 - kNanosecond);  // beats 0..9, three frames each
  EXPECT_EQ(pulse_.frames_published(), 30u);
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(downbeats_, (std::vector<std::int64_t>{0, 4, 8}));
  EXPECT_EQ(client_.counters().frames_accepted, 30u);
  EXPECT_EQ(client_.current_beat(), 9);
  EXPECT_EQ(client_.current_phase(), BeatPhase::kReview);
  EXPECT_DOUBLE_EQ(client_.current_tempo_bpm(), 2.0);
  EXPECT_EQ(client_.current_window(), fmt::format("{:032x}", 3));
  EXPECT_NEAR(client_.measured_bpm(), 2.0, 1e-9);
  EXPECT_EQ(client_.tempo_drift_class(), TempoDrift::kAcceptable);
  EXPECT_FALSE(client_.local_degradation());
  EXPECT_TRUE(client_.errors().empty());
}

TEST_F(BeatClientTest, ExecuteOnlyPulseStillFiresEveryBeat) {
  TestPulseOptions options;
  options.frames_per_beat = 1;
  TestPulse pulse(options, clock_, transport_);
  ASSERT_TRUE(client_.start().is_ok());
  pulse.start();
  clock_.advance_by(kBeat * 6 - kNanosecond);
  EXPECT_EQ(beats_.size(), 6u);
  // Execute frames arrive a third into the beat; the meter corrects for it.
  EXPECT_NEAR(client_.measured_bpm(), 2.0, 1e-6);
  EXPECT_EQ(client_.tempo_drift(), Duration::zero());
}

TEST_F(BeatClientTest, LostPlanFrameDoesNotLoseTheBeat) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(0, BeatPhase::kPlan));
  clock_.advance_by(kBeat / 3);
  publish(frame(1, BeatPhase::kExecute));  // beat 1's plan frame never arrived
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(client_.current_phase(), BeatPhase::kExecute);
}

TEST_F(BeatClientTest, MeasuredTempoAndDriftClassFollowARealPulseThatRunsSlow) {
  ASSERT_TRUE(client_.start().is_ok());
  struct Case {
    double spacing_s;
    TempoDrift expected;
  };
  // Offsets grow by (spacing - 30 s) per beat; the mean over 16 beats is 7.5x that.
  for (Case c : {Case{30.001, TempoDrift::kAcceptable}, Case{30.01, TempoDrift::kWarning},
                 Case{30.1, TempoDrift::kCritical}}) {
    ManualClock clock;
    InMemoryTransport transport;
    BeatClient client(make_config(), clock, transport);
    ASSERT_TRUE(client.start().is_ok());
    Time t0 = clock.now();
    for (int i = 0; i < 16; ++i) {
      clock.advance_to(t0 + from_seconds(c.spacing_s * i));
      ASSERT_TRUE(transport
                      .publish("backbeat.beat.chorus-dev", encode_beat_frame(pulse_.frame_for(
                                                               i, BeatPhase::kPlan, clock.now())))
                      .is_ok());
    }
    SCOPED_TRACE(c.spacing_s);
    EXPECT_NEAR(client.measured_bpm(), 60.0 / c.spacing_s, 1e-6);
    EXPECT_EQ(client.tempo_drift_class(), c.expected);
  }
}

TEST_F(BeatClientTest, InvalidForeignAndBackwardsFramesAreDroppedAndCounted) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(5));
  publish_raw("{not json");
  publish_raw(R"({"type":"backbeat.beatframe.v1"})");
  BeatFrame foreign = frame(6);
  foreign.cluster_id = "someone-else";
  publish(foreign);
  publish(frame(4));
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(client_.current_beat(), 5);
  EXPECT_EQ(client_.counters().frames_received, 5u);
  EXPECT_EQ(client_.counters().frames_invalid, 2u);
  EXPECT_EQ(client_.counters().frames_foreign, 1u);
  EXPECT_EQ(client_.counters().frames_backwards, 1u);
  std::vector<std::string> errors = client_.errors();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find("(json)"), std::string::npos);
  EXPECT_NE(errors[2].find("someone-else"), std::string::npos);
  EXPECT_NE(errors[3].find("backwards"), std::string::npos);
}

// One contract-valid frame with beat_index 2^63-1 must not capture the agent: it is held, and
// the real pulse's next frames are followed (tests/live/hostile_traffic_test.cc, over NATS).
TEST_F(BeatClientTest, ALoneFarJumpIsHeldAndNeverMovesTheBeat) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(5));
  constexpr std::int64_t kHuge = std::numeric_limits<std::int64_t>::max();
  publish(frame(kHuge));
  publish(frame(kHuge));  // a repeat is not a confirmation
  EXPECT_EQ(client_.current_beat(), 5);
  for (std::int64_t i = 6; i <= 9; ++i) {
    clock_.advance_by(kBeat);
    publish(frame(i));
  }
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{5, 6, 7, 8, 9}));
  EXPECT_EQ(client_.counters().frames_unconfirmed, 2u);
  EXPECT_EQ(client_.counters().frames_backwards, 0u);
  EXPECT_EQ(client_.counters().skipped_beats, 0u);
  EXPECT_EQ(client_.counters().degradation_episodes, 0u);
  ASSERT_FALSE(client_.errors().empty());
  EXPECT_NE(client_.errors().front().find("held beat frame: beat_index 9223372036854775807"),
            std::string::npos)
      << client_.errors().front();
}

TEST_F(BeatClientTest, AFarJumpConfirmedByTheNextFrameIsFollowedOneFrameLate) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(5));
  publish(frame(1000));                       // held
  publish(frame(1000, BeatPhase::kExecute));  // newer: confirms
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{5, 1000}));
  EXPECT_EQ(client_.counters().frames_unconfirmed, 1u);
  EXPECT_EQ(client_.counters().skipped_beats, 994u);
  clock_.advance_by(kBeat);
  publish(frame(1001));
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{5, 1000, 1001}));
}

TEST_F(BeatClientTest, AJumpWithinReachIsFollowedAtOnce) {
  BeatClientConfig config = make_config();
  config.max_unconfirmed_jump_beats = 10;
  BeatClient client(config, clock_, transport_);
  std::vector<std::int64_t> fired;
  client.on_beat([&](const BeatFrame& f) { fired.push_back(f.beat_index); });
  ASSERT_TRUE(client.start().is_ok());
  publish(frame(5));
  publish(frame(15));  // 10 ahead at once: the slack
  clock_.advance_by(kBeat);
  publish(frame(27));  // 12 ahead after one beat: reach 2 x 1 + 10
  clock_.advance_by(kBeat);
  publish(frame(40));  // 13 ahead after one beat: held
  EXPECT_EQ(fired, (std::vector<std::int64_t>{5, 15, 27}));
  EXPECT_EQ(client.counters().frames_unconfirmed, 1u);
  publish(frame(28));  // the real pulse, near our beat: the held frame is discarded
  publish(frame(41));  // not a confirmation any more: held again
  EXPECT_EQ(fired, (std::vector<std::int64_t>{5, 15, 27, 28}));
  EXPECT_EQ(client.counters().frames_unconfirmed, 2u);
}

TEST(BeatClientConfig, MaxUnconfirmedJumpBeatsMustBePositive) {
  BeatClientConfig config;
  config.cluster_id = "c";
  config.agent_id = "a";
  config.max_unconfirmed_jump_beats = 0;
  EXPECT_EQ(config.validate().message(), "max_unconfirmed_jump_beats: expected at least 1");
}

TEST_F(BeatClientTest, RepeatedAndEarlierPhaseFramesOfTheSameBeatAreStale) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(1, BeatPhase::kExecute));
  publish(frame(1, BeatPhase::kExecute));
  publish(frame(1, BeatPhase::kPlan));
  publish(frame(1, BeatPhase::kReview));
  EXPECT_EQ(beats_.size(), 1u);
  EXPECT_EQ(client_.counters().frames_stale, 2u);
  EXPECT_EQ(client_.current_phase(), BeatPhase::kReview);
  EXPECT_TRUE(client_.errors().empty());
}

TEST_F(BeatClientTest, AMissedDownbeatStillStartsTheBarWhenTheWindowChanges) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(2));
  publish(frame(5));  // beat 4 (the downbeat) was lost; beat 5 is in the next window
  EXPECT_EQ(downbeats_, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(client_.counters().skipped_beats, 2u);
}

TEST_F(BeatClientTest, DegradesAfterOneAndAHalfSilentBeatsAndResyncsWithoutDuplicates) {
  std::vector<bool> sync_changes;
  client_.on_sync_change([&](bool degraded) { sync_changes.push_back(degraded); });
  ASSERT_TRUE(client_.start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat * 4 - kNanosecond);  // beats 0..3; last frame at 3.67 beats
  pulse_.set_silent(true);
  Time last_frame = clock_.now() - kBeat / 3 + kNanosecond;
  clock_.advance_to(last_frame + kBeat * 3 / 2 - kNanosecond);
  EXPECT_FALSE(client_.local_degradation());
  clock_.advance_to(last_frame + kBeat * 3 / 2);
  EXPECT_TRUE(client_.local_degradation());
  // Beats 4 and 5 were due: only the latest fires, marked synthetic.
  EXPECT_EQ(beats_.back(), 5);
  EXPECT_EQ(client_.counters().synthetic_beats, 1u);
  clock_.advance_by(kBeat * 3);
  EXPECT_EQ(client_.counters().synthetic_beats, 4u);
  EXPECT_EQ(beats_.back(), 8);

  pulse_.set_silent(false);
  clock_.advance_by(kBeat * 4);
  EXPECT_FALSE(client_.local_degradation());
  EXPECT_EQ(client_.counters().degradation_episodes, 1u);
  EXPECT_EQ(client_.counters().resyncs, 1u);
  EXPECT_EQ(sync_changes, (std::vector<bool>{true, false}));
  EXPECT_TRUE(strictly_increasing());
  EXPECT_EQ(client_.current_beat(), pulse_.next_beat() - 1);
  EXPECT_NE(client_.errors().back().find("local degradation"), std::string::npos);
}

TEST_F(BeatClientTest, ResyncToAPulseBehindTheLocalBeatNeverGoesBackwards) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(10));
  clock_.advance_by(kBeat * 5);  // degraded at 1.5 beats, synthetic beats up to 15
  ASSERT_TRUE(client_.local_degradation());
  std::int64_t local = client_.current_beat();
  ASSERT_GE(local, 14);
  publish(frame(11));  // the pulse restarts behind us
  EXPECT_FALSE(client_.local_degradation());
  EXPECT_EQ(client_.current_beat(), local);
  EXPECT_EQ(client_.counters().frames_behind_local, 1u);
  EXPECT_EQ(client_.counters().frames_backwards, 0u);
  for (std::int64_t i = 12; i <= local + 2; ++i) {
    clock_.advance_by(kBeat);
    publish(frame(i));
  }
  EXPECT_TRUE(strictly_increasing());
  EXPECT_EQ(client_.current_beat(), local + 2);
  EXPECT_FALSE(client_.local_degradation());
}

TEST_F(BeatClientTest, SyncStateTakesEveryLegalMove) {
  std::vector<SyncState> seen;
  auto note = [&] {
    if (seen.empty() || seen.back() != client_.sync_state()) seen.push_back(client_.sync_state());
  };
  ASSERT_TRUE(client_.start().is_ok());
  note();
  EXPECT_FALSE(client_.has_beat());
  publish(frame(10));  // awaiting -> following
  note();
  clock_.advance_by(kBeat * 5);  // following -> degraded: synthetic beats up to 15
  note();
  publish(frame(11));  // degraded -> behind local
  note();
  clock_.advance_by(kBeat * 2);  // behind local -> degraded: silence again
  note();
  std::int64_t local = client_.current_beat();
  publish(frame(local));  // degraded -> following: the pulse is back on our beat
  note();
  EXPECT_EQ(client_.current_beat(), local);
  clock_.advance_by(kBeat * 2);  // following -> degraded
  note();
  publish(frame(1));  // degraded -> behind local
  note();
  for (std::int64_t i = 2; i < client_.current_beat(); ++i) publish(frame(i));  // still behind
  note();
  EXPECT_EQ(client_.sync_state(), SyncState::kBehindLocal);
  publish(frame(client_.current_beat()));  // behind local -> following: caught up
  note();
  clock_.advance_by(kBeat * 2);  // following -> degraded
  note();
  publish(frame(client_.current_beat() + 3));  // degraded -> following: ahead of us
  note();
  using S = SyncState;
  EXPECT_EQ(seen, (std::vector<S>{S::kAwaitingFirstBeat, S::kFollowing, S::kDegraded,
                                  S::kBehindLocal, S::kDegraded, S::kFollowing, S::kDegraded,
                                  S::kBehindLocal, S::kFollowing, S::kDegraded, S::kFollowing}));
  EXPECT_EQ(client_.counters().degradation_episodes, 4u);
  EXPECT_EQ(client_.counters().resyncs, 4u);
  EXPECT_TRUE(strictly_increasing());
}

TEST_F(BeatClientTest, StopAndStartKeepTheBeatAndTheSyncState) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(3));
  clock_.advance_by(kBeat * 2);
  ASSERT_EQ(client_.sync_state(), SyncState::kDegraded);
  ASSERT_TRUE(client_.stop().is_ok());
  EXPECT_EQ(client_.sync_state(), SyncState::kDegraded);
  ASSERT_TRUE(client_.start().is_ok());
  EXPECT_EQ(client_.sync_state(), SyncState::kDegraded);
  EXPECT_TRUE(client_.has_beat());
  publish(frame(client_.current_beat() + 1));
  EXPECT_EQ(client_.sync_state(), SyncState::kFollowing);
}

TEST(BeatClientSyncState, OnlyTheDocumentedMovesAreLegal) {
  using S = SyncState;
  const std::vector<S> all = {S::kAwaitingFirstBeat, S::kFollowing, S::kDegraded, S::kBehindLocal};
  const std::vector<std::pair<S, S>> legal = {
      {S::kAwaitingFirstBeat, S::kFollowing}, {S::kFollowing, S::kDegraded},
      {S::kDegraded, S::kFollowing},          {S::kDegraded, S::kBehindLocal},
      {S::kBehindLocal, S::kFollowing},       {S::kBehindLocal, S::kDegraded}};
  for (S from : all) {
    for (S to : all) {
      bool expected = std::find(legal.begin(), legal.end(), std::pair{from, to}) != legal.end();
      EXPECT_EQ(is_legal_sync_transition(from, to), expected)
          << sync_state_name(from) << " -> " << sync_state_name(to);
    }
  }
}

TEST_F(BeatClientTest, JumpForwardFiresOnceAndCountsSkippedBeats) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(1));
  clock_.advance_by(kBeat);
  publish(frame(7));
  EXPECT_EQ(beats_, (std::vector<std::int64_t>{1, 7}));
  EXPECT_EQ(client_.counters().skipped_beats, 5u);
}

TEST_F(BeatClientTest, ConnectionEventsDriveConnectedAndReconnectCount) {
  ASSERT_TRUE(client_.start().is_ok());
  EXPECT_TRUE(client_.connected());
  transport_.disconnect();
  EXPECT_FALSE(client_.connected());
  transport_.reconnect();
  transport_.disconnect();
  transport_.reconnect();
  EXPECT_TRUE(client_.connected());
  EXPECT_EQ(client_.reconnect_count(), 2u);
  transport_.close();
  EXPECT_FALSE(client_.connected());
}

TEST_F(BeatClientTest, ErrorListIsBounded) {
  ASSERT_TRUE(client_.start().is_ok());
  for (int i = 0; i < 100; ++i) publish_raw("garbage " + std::to_string(i));
  EXPECT_EQ(client_.errors().size(), 32u);
  EXPECT_EQ(client_.error_total(), 100u);
  EXPECT_NE(client_.errors().back().find("dropped invalid beat frame"), std::string::npos);
}

TEST_F(BeatClientTest, StatusClaimsCarryAgentBeatHlcAndSequence) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(42));
  StatusClaim claim;
  claim.task_id = "t1";
  claim.state = ClaimState::kExecuting;
  ASSERT_TRUE(client_.emit_status_claim(claim).is_ok());
  ASSERT_TRUE(client_.emit_status_claim(claim).is_ok());
  auto sent = transport_.published_matching("backbeat.status.chorus-dev.>");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].subject, "backbeat.status.chorus-dev.chorus:agent-1");
  Result<StatusClaim> decoded = decode_status_claim(sent[1].payload);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->agent_id, "chorus:agent-1");
  EXPECT_EQ(decoded->beat_index, 42);
  EXPECT_TRUE(is_valid_hlc(decoded->hlc));
  EXPECT_EQ((*decoded->metadata)["seq"], 2);
  EXPECT_EQ(client_.counters().claims_published, 2u);
}

TEST_F(BeatClientTest, ClaimPublishFailuresAreReturnedCountedAndRecorded) {
  ASSERT_TRUE(client_.start().is_ok());
  transport_.disconnect();
  Status s = client_.emit_status_claim(StatusClaim{});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(client_.counters().claims_failed, 1u);
  EXPECT_NE(client_.errors().back().find("status claim not published"), std::string::npos);
}

TEST_F(BeatClientTest, BeatBudgetMeasuresOnTheAgentsClock) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(frame(0));
  EXPECT_TRUE(client_
                  .with_beat_budget(3,
                                    [&] {
                                      clock_.advance_by(kBeat * 3);
                                      return Status::ok();
                                    })
                  .is_ok());
  Status over = client_.with_beat_budget(3, [&] {
    clock_.advance_by(kBeat * 3 + kNanosecond);
    return Status::ok();
  });
  EXPECT_EQ(over.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(over.message().find("3 beats"), std::string::npos);
  Status own = client_.with_beat_budget(3, [] { return Status::internal("boom"); });
  EXPECT_EQ(own.message(), "boom");
  EXPECT_EQ(client_.with_beat_budget(0, [] { return Status::ok(); }).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace backbeat
