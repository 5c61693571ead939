// BeatClient behaviours that only show on less travelled paths: a restart after a long pause, a
// held jump meeting a frame at the current beat, a refused subscription, a claim before start,
// and the synthetic beats of local degradation (their marker and where their downbeats fall).
// Public behaviour only: each test would fail on the bug named in its comment.
#include <gtest/gtest.h>

#include <vector>

#include "core/beat_client.h"
#include "tests/support/in_memory_transport.h"
#include "tests/support/manual_clock.h"
#include "tests/support/test_pulse.h"

namespace backbeat {
namespace {

constexpr Duration kBeat = std::chrono::seconds(30);  // TestPulse's default 2 BPM

BeatClientConfig agent_config() {
  BeatClientConfig config;
  config.cluster_id = "chorus-dev";
  config.agent_id = "chorus:agent-1";
  return config;
}

// One agent on a manual clock and an in-memory bus; `pulse_` places frames by hand
// (publish_now) or runs a schedule (start).
class BeatClientPathsTest : public ::testing::Test {
 protected:
  BeatClientPathsTest() : client_(agent_config(), clock_, transport_) {
    client_.on_beat([this](const BeatFrame& f) { fired_.push_back(f); });
    client_.on_downbeat([this](const BeatFrame& f) { downbeats_.push_back(f.beat_index); });
  }

  void publish(std::int64_t index, BeatPhase phase = BeatPhase::kPlan) {
    ASSERT_TRUE(pulse_.publish_now(index, phase).is_ok());
  }
  std::vector<std::int64_t> fired_indices() const {
    std::vector<std::int64_t> out;
    for (const auto& f : fired_) out.push_back(f.beat_index);
    return out;
  }

  testing::ManualClock clock_;
  testing::InMemoryTransport transport_;
  testing::TestPulse pulse_{testing::TestPulseOptions{}, clock_, transport_};
  BeatClient client_;
  std::vector<BeatFrame> fired_;
  std::vector<std::int64_t> downbeats_;
};

// Bug caught: start() keeping the last frame's arrival time, so an agent restarted after a pause
// longer than the degradation threshold degrades at once although the pulse never failed.
TEST_F(BeatClientPathsTest, ARestartAfterALongPauseGivesThePulseAFreshGracePeriod) {
  ASSERT_TRUE(client_.start().is_ok());
  publish(3);
  ASSERT_TRUE(client_.stop().is_ok());
  clock_.advance_by(kBeat * 20);  // stopped far longer than 1.5 beats
  ASSERT_TRUE(client_.start().is_ok());
  clock_.advance_by(kBeat);  // one silent beat after the restart: within the grace period
  EXPECT_FALSE(client_.local_degradation());
  EXPECT_EQ(client_.counters().degradation_episodes, 0u);
  clock_.advance_by(kBeat / 2);  // 1.5 silent beats after the restart: now it degrades
  EXPECT_TRUE(client_.local_degradation());
  EXPECT_EQ(client_.counters().degradation_episodes, 1u);
}

// Bug caught: a real frame at the current beat not discarding a held jump, so the next rogue
// frame within reach of the held one "confirms" it and captures the agent. The real frames here
// are at the current beat (a later phase, and a stale repeat), the case a frame ahead of the
// current beat never reaches.
TEST_F(BeatClientPathsTest, ARealFrameAtTheCurrentBeatDiscardsAHeldJump) {
  for (BeatPhase real_phase : {BeatPhase::kExecute, BeatPhase::kReview, BeatPhase::kPlan}) {
    SCOPED_TRACE(beat_phase_name(real_phase));
    testing::ManualClock clock;
    testing::InMemoryTransport transport;
    testing::TestPulse pulse(testing::TestPulseOptions{}, clock, transport);
    BeatClient client(agent_config(), clock, transport);
    ASSERT_TRUE(client.start().is_ok());
    auto send = [&](std::int64_t index, BeatPhase phase) {
      ASSERT_TRUE(pulse.publish_now(index, phase).is_ok());
    };
    send(10, BeatPhase::kPlan);
    send(1'000'000, BeatPhase::kPlan);  // held
    send(10, real_phase);               // the real pulse, still on beat 10
    send(1'000'001, BeatPhase::kPlan);  // within reach of the discarded frame: held again
    EXPECT_EQ(client.current_beat(), 10);
    EXPECT_EQ(client.counters().frames_unconfirmed, 2u);
    EXPECT_EQ(client.counters().skipped_beats, 0u);
  }
}

// Bug caught: start() ignoring the transport's subscribe error (or half-starting: listener
// registered, started() true), so an agent believes it follows a pulse it never hears.
TEST_F(BeatClientPathsTest, StartReturnsTheSubscribeErrorAndStaysStopped) {
  transport_.refuse_subscriptions(Status::unavailable("permissions violation for subscription"));
  Status s = client_.start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "permissions violation for subscription");
  EXPECT_FALSE(client_.started());
  EXPECT_EQ(transport_.subscription_count(), 0u);
  EXPECT_EQ(client_.stop().code(), StatusCode::kFailedPrecondition);
  transport_.disconnect();  // no listener was registered: the client does not hear it
  EXPECT_TRUE(client_.errors().empty());
  transport_.reconnect();

  transport_.refuse_subscriptions(Status::ok());
  ASSERT_TRUE(client_.start().is_ok());  // a later start succeeds
  publish(1);
  EXPECT_EQ(fired_indices(), (std::vector<std::int64_t>{1}));
}

// Bug caught: a claim published (and a sequence number spent) before start, when the client has
// no beat and no subscription: the accountant would see a seq the agent never reports.
TEST_F(BeatClientPathsTest, AClaimBeforeStartIsRefusedAndPublishesNothing) {
  StatusClaim claim;
  claim.task_id = "t1";
  claim.state = ClaimState::kExecuting;
  Status s = client_.emit_status_claim(claim);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "beat client not started");
  EXPECT_TRUE(transport_.published().empty());
  EXPECT_EQ(client_.last_claim_sequence(), 0u);
  EXPECT_EQ(client_.counters().claims_published, 0u);
  ASSERT_TRUE(client_.start().is_ok());
  ASSERT_TRUE(client_.emit_status_claim(claim).is_ok());
  EXPECT_EQ(client_.last_claim_sequence(), 1u);  // the first published claim is seq 1
}

// Bug caught: generated beats not marked {"synthetic": true} (or real frames marked), so
// callbacks cannot tell a degraded beat from the pulse's.
TEST_F(BeatClientPathsTest, GeneratedBeatsAndOnlyThoseAreMarkedSynthetic) {
  ASSERT_TRUE(client_.start().is_ok());
  pulse_.start();
  clock_.advance_by(kBeat * 3 - kNanosecond);  // beats 0..2 from the pulse
  pulse_.set_silent(true);
  clock_.advance_by(kBeat * 4);  // degraded: synthetic beats
  ASSERT_TRUE(client_.local_degradation());
  ASSERT_GE(client_.counters().synthetic_beats, 2u);
  std::size_t marked = 0;
  for (const BeatFrame& f : fired_) {
    bool synthetic = f.metadata && f.metadata->value("synthetic", false);
    if (f.beat_index <= 2) {
      EXPECT_FALSE(synthetic) << "real beat " << f.beat_index;
    } else {
      EXPECT_TRUE(synthetic) << "generated beat " << f.beat_index;
      EXPECT_EQ(f.phase, BeatPhase::kPlan);
      ++marked;
    }
  }
  EXPECT_EQ(marked, client_.counters().synthetic_beats);
}

// Bug caught: synthetic downbeats placed by the default bar length (4) or not anchored on the
// last real downbeat, once two whole bars of 3 beats taught the client the bar length.
TEST_F(BeatClientPathsTest, SyntheticDownbeatsFollowTheLearnedBarLength) {
  testing::TestPulseOptions options;
  options.bar_length = 3;
  testing::TestPulse pulse(options, clock_, transport_);
  ASSERT_TRUE(client_.start().is_ok());
  pulse.start();
  clock_.advance_by(kBeat * 8 - kNanosecond);  // beats 0..7: downbeats 0, 3, 6 seen whole
  ASSERT_EQ(downbeats_, (std::vector<std::int64_t>{0, 3, 6}));
  pulse.set_silent(true);
  clock_.advance_by(kBeat * 9);  // synthetic beats up to 16
  ASSERT_TRUE(client_.local_degradation());
  ASSERT_GE(client_.current_beat(), 15);
  std::vector<std::int64_t> synthetic_downbeats;
  for (std::int64_t d : downbeats_) {
    if (d > 7) synthetic_downbeats.push_back(d);
  }
  std::vector<std::int64_t> expected;
  for (std::int64_t b = 9; b <= client_.current_beat(); b += 3) expected.push_back(b);
  EXPECT_EQ(synthetic_downbeats, expected);
}

// The counterpart: before a bar length is learned, synthetic downbeats use default_bar_length.
TEST_F(BeatClientPathsTest, SyntheticDownbeatsUseTheDefaultBarLengthUntilOneIsLearned) {
  BeatClientConfig config = agent_config();
  config.default_bar_length = 5;
  BeatClient client(config, clock_, transport_);
  std::vector<std::int64_t> downbeats;
  client.on_downbeat([&](const BeatFrame& f) { downbeats.push_back(f.beat_index); });
  ASSERT_TRUE(client.start().is_ok());
  publish(0);  // one downbeat: no bar length yet
  clock_.advance_by(kBeat * 12);
  ASSERT_TRUE(client.local_degradation());
  EXPECT_EQ(downbeats, (std::vector<std::int64_t>{0, 5, 10}));
}

}  // namespace
}  // namespace backbeat
