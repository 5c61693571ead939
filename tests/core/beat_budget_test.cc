// The asynchronous ExecuteWithBeatBudget (core/beat_budget.h through Integration): the cut-off at
// the deadline beat, work finishing first, work that ignores its token, the token observed, and
// one result per budget, always through the clock.
#include "core/beat_budget.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "core/integration.h"
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

class BeatBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BackbeatConfig config;
    config.cluster_id = "chorus-dev";
    config.agent_id = "chorus-dev-alice";
    auto created = Integration::create(config, "12D3KooWAbc", logger_, clock_, transport_);
    ASSERT_TRUE(created.is_ok()) << created.status().to_string();
    integration_ = std::move(created).value();
  }
  // Starts the integration and the pulse, and lets beat 0 arrive.
  void start_on_beat() {
    ASSERT_TRUE(integration_->start().is_ok());
    pulse_.start();
    clock_.advance_by(std::chrono::seconds(1));
    ASSERT_EQ(integration_->beat_client().current_beat(), 0);
  }
  // Runs the clock to a moment inside beat `beat` (beats start every kBeat from the start).
  void advance_into_beat(std::int64_t beat) {
    clock_.advance_to(start_ + kBeat * beat + std::chrono::seconds(1));
  }
  // Starts a budget whose work keeps its token and done in `work_token` / `work_done`.
  void start_budget(int beats) {
    integration_->execute_with_beat_budget_async(
        beats,
        [this](std::stop_token token, BeatBudgets::Done done) {
          work_token = token;
          work_done = std::move(done);
        },
        [this](Status s) {
          results.push_back(s);
          result_beats.push_back(integration_->beat_client().current_beat());
        });
  }

  ManualClock clock_;
  Time start_ = clock_.now();
  InMemoryTransport transport_;
  NullLogger logger_;
  TestPulse pulse_{TestPulseOptions{}, clock_, transport_};
  std::unique_ptr<Integration> integration_;

  std::stop_token work_token;
  BeatBudgets::Done work_done;
  std::vector<Status> results;
  std::vector<std::int64_t> result_beats;
};

TEST_F(BeatBudgetTest, WorkStillRunningIsCutOffAtTheDeadlineBeat) {
  start_on_beat();
  start_budget(3);  // on beat 0: beats 1..3 are within budget, beat 4 is past it
  advance_into_beat(3);
  EXPECT_TRUE(results.empty());
  EXPECT_FALSE(work_token.stop_requested());
  advance_into_beat(4);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(results[0].message().find("beat budget exceeded"), std::string::npos);
  EXPECT_EQ(result_beats[0], 4);
  EXPECT_TRUE(work_token.stop_requested());
  EXPECT_EQ(integration_->beat_budgets().counters().cut_off, 1u);
  EXPECT_EQ(integration_->beat_budgets().pending(), 0u);
}

TEST_F(BeatBudgetTest, WorkThatFinishesInTimeDeliversItsOwnOutcome) {
  start_on_beat();
  start_budget(3);
  advance_into_beat(2);
  work_done(Status::internal("peer refused"));
  EXPECT_TRUE(results.empty()) << "delivered through the clock, not from inside done()";
  clock_.advance_by(std::chrono::milliseconds(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kInternal);
  EXPECT_FALSE(work_token.stop_requested());
  advance_into_beat(6);
  EXPECT_EQ(results.size(), 1u) << "no cut-off after the work's own outcome";
  EXPECT_EQ(integration_->beat_budgets().counters().completed, 1u);
}

TEST_F(BeatBudgetTest, WorkThatIgnoresTheTokenIsReportedOnceAndItsLateOutcomeDropped) {
  start_on_beat();
  start_budget(1);
  advance_into_beat(2);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kDeadlineExceeded);
  // The work never looked at its token and finishes much later: nothing more is delivered.
  advance_into_beat(5);
  work_done(Status::ok());
  work_done(Status::ok());
  clock_.advance_by(kBeat);
  EXPECT_EQ(results.size(), 1u);
  EXPECT_EQ(integration_->beat_budgets().counters().late_results, 2u);
}

TEST_F(BeatBudgetTest, WorkObservesTheCancellationAndStopsItsOwnTimers) {
  start_on_beat();
  // Work in three steps of one beat each; it checks its token before each step.
  int steps = 0;
  std::function<void()> step;
  integration_->execute_with_beat_budget_async(
      1,
      [&](std::stop_token token, BeatBudgets::Done done) {
        step = [&, token, done] {
          if (token.stop_requested()) return;  // cut off: stop working
          if (++steps == 3) {
            done(Status::ok());
            return;
          }
          clock_.schedule_at(clock_.now() + kBeat, step);
        };
        clock_.schedule_at(clock_.now() + kBeat, step);
      },
      [&](Status s) { results.push_back(s); });
  advance_into_beat(8);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(steps, 3) << "the work saw the stop and did not run to its end";
  EXPECT_EQ(integration_->beat_budgets().counters().late_results, 0u);
}

TEST_F(BeatBudgetTest, WorkDoneSynchronouslyIsStillDeliveredThroughTheClock) {
  start_on_beat();
  integration_->execute_with_beat_budget_async(
      2, [](std::stop_token, BeatBudgets::Done done) { done(Status::ok()); },
      [&](Status s) { results.push_back(s); });
  EXPECT_TRUE(results.empty());
  clock_.advance_by(std::chrono::milliseconds(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].is_ok());
}

TEST_F(BeatBudgetTest, NotStartedRunsWithoutADeadlineAsTheSeedFallsBack) {
  pulse_.start();  // beats on the wire, but the integration does not follow them
  start_budget(1);
  advance_into_beat(6);
  EXPECT_TRUE(results.empty());
  work_done(Status::ok());
  clock_.advance_by(std::chrono::milliseconds(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].is_ok());
}

TEST_F(BeatBudgetTest, ABudgetStartedBeforeTheFirstBeatCountsFromIt) {
  ASSERT_TRUE(integration_->start().is_ok());
  start_budget(2);  // no beat heard yet
  advance_into_beat(3);
  pulse_.start();  // the pulse appears: beat 0 now, so the deadline is beat 3
  clock_.advance_by(std::chrono::seconds(1));
  EXPECT_TRUE(results.empty());
  clock_.advance_by(kBeat * 2);
  EXPECT_TRUE(results.empty());
  clock_.advance_by(kBeat);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(result_beats[0], 3);
}

TEST_F(BeatBudgetTest, StoppingTheIntegrationEndsPendingBudgets) {
  start_on_beat();
  start_budget(5);
  ASSERT_TRUE(integration_->stop().is_ok());
  EXPECT_TRUE(work_token.stop_requested());
  clock_.advance_by(std::chrono::milliseconds(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kFailedPrecondition);
}

TEST_F(BeatBudgetTest, ABadBudgetIsRefusedWithoutRunningTheWork) {
  start_on_beat();
  bool ran = false;
  integration_->execute_with_beat_budget_async(
      0, [&](std::stop_token, BeatBudgets::Done) { ran = true; },
      [&](Status s) { results.push_back(s); });
  clock_.advance_by(std::chrono::milliseconds(1));
  EXPECT_FALSE(ran);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].code(), StatusCode::kInvalidArgument);
}

TEST_F(BeatBudgetTest, DoneAfterTheIntegrationIsGoneIsHarmless) {
  start_on_beat();
  start_budget(3);
  integration_.reset();
  work_done(Status::ok());  // must not touch freed state
  clock_.advance_by(kBeat);
  EXPECT_TRUE(results.empty());
}

}  // namespace
}  // namespace backbeat
