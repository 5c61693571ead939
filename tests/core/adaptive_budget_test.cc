#include "core/adaptive_budget.h"

#include <gtest/gtest.h>

#include "core/budget_warning.h"
#include "core/operation_budgets.h"

namespace backbeat {
namespace {

RecentBeats window_of(std::initializer_list<std::int64_t> values, std::size_t capacity = 20) {
  RecentBeats recent(capacity);
  for (std::int64_t v : values) recent.add(v);
  return recent;
}

// The estimator as the tests below reason about it: p95 of the window plus one beat.
AdaptiveBudgetSettings on() {
  AdaptiveBudgetSettings s;
  s.enabled = true;
  s.percentile = 95;
  s.margin_beats = 1;
  return s;
}

TEST(AdaptiveBudgetTest, TooFewSamplesKeepTheStaticBudget) {
  EXPECT_EQ(next_adaptive_budget(on(), 4, 0, window_of({9, 9, 9, 9})), 4);  // min_samples 5
}

TEST(AdaptiveBudgetTest, BudgetIsThePercentilePlusTheMargin) {
  // p95 of 1..20 is 19; +1 margin = 20, under the ceiling 4 * 10 = 40.
  RecentBeats recent(20);
  for (int b = 1; b <= 20; ++b) recent.add(b);
  EXPECT_EQ(next_adaptive_budget(on(), 10, 0, recent), 20);
}

TEST(AdaptiveBudgetTest, FloorAndCeilingHoldTheBudget) {
  EXPECT_EQ(next_adaptive_budget(on(), 8, 0, window_of({0, 0, 0, 0, 0})), 4);        // 0.5 * 8
  EXPECT_EQ(next_adaptive_budget(on(), 4, 0, window_of({90, 90, 90, 90, 90})), 16);  // 4 * 4
}

TEST(AdaptiveBudgetTest, GrowsAtOnceButShrinksOnlyPastTheHysteresis) {
  RecentBeats slow = window_of({7, 7, 7, 7, 7});
  EXPECT_EQ(next_adaptive_budget(on(), 4, 5, slow), 8);                        // grows at once
  EXPECT_EQ(next_adaptive_budget(on(), 4, 8, window_of({6, 6, 6, 6, 6})), 8);  // 7: 1 lower
  EXPECT_EQ(next_adaptive_budget(on(), 4, 8, window_of({5, 5, 5, 5, 5})), 6);  // 6: 2 lower
}

TEST(AdaptiveBudgetTest, SettingsAreValidatedNamingTheSetting) {
  AdaptiveBudgetSettings s = on();
  s.window = 0;
  EXPECT_EQ(s.validate().message(), "adaptive budget window: expected 1..1024, got 0");
  s = on();
  s.min_samples = 30;
  EXPECT_EQ(s.validate().message(), "adaptive budget min_samples: expected 1..window (20), got 30");
  s = on();
  s.percentile = 0;
  EXPECT_FALSE(s.validate().is_ok());
  EXPECT_TRUE(on().validate().is_ok());
}

TEST(AdaptiveBudgetTest, AppliesOnlyToTheNamedTypesWhenSomeAreNamed) {
  AdaptiveBudgetSettings s = on();
  EXPECT_TRUE(s.applies_to("dht_store"));
  s.types = {"election"};
  EXPECT_TRUE(s.applies_to("election"));
  EXPECT_FALSE(s.applies_to("dht_store"));
  s.enabled = false;
  EXPECT_FALSE(s.applies_to("election"));
}

TEST(BudgetWarningTest, WarningBeatIsTheShareOfTheBudgetRoundedUpAndBeforeTheOverrun) {
  EXPECT_EQ(budget_warning_beat(5, 0.8), 4);
  EXPECT_EQ(budget_warning_beat(10, 0.8), 8);
  EXPECT_EQ(budget_warning_beat(2, 0.8), 2);  // ceil(1.6)
  EXPECT_EQ(budget_warning_beat(1, 0.1), 1);  // at least one beat
  EXPECT_TRUE(budget_warning_fires(5, 0.8, 4));
  EXPECT_FALSE(budget_warning_fires(5, 0.8, 3));
  BudgetWarningSettings bad;
  bad.share = 1.5;
  EXPECT_EQ(bad.validate().message(), "budget warning share: expected (0, 1], got 1.5");
}

TEST(OperationBudgetsTest, StaticTableThenEstimatedBeats) {
  BudgetPolicy policy;
  policy.table = {{"dht_store", 4}};
  OperationBudgets budgets(policy);
  EXPECT_EQ(budgets.on_start("a", "dht_store", 9).budget_beats, 4);
  EXPECT_EQ(budgets.on_start("b", "election", 9).budget_beats, 9);
  EXPECT_FALSE(budgets.find("a")->adapted);
}

TEST(OperationBudgetsTest, AdaptiveBudgetFollowsSlowCompletionsAndCountsOverruns) {
  BudgetPolicy policy;
  policy.table = {{"dht_store", 4}};
  policy.adaptive = on();
  OperationBudgets budgets(policy);
  for (int i = 0; i < 5; ++i) {
    std::string id = "op-" + std::to_string(i);
    EXPECT_EQ(budgets.on_start(id, "dht_store", 3).budget_beats, 4);
    budgets.on_end(id, 7, true);  // slow peers: every one overruns the static 4
  }
  const OperationBudget& next = budgets.on_start("op-5", "dht_store", 3);
  EXPECT_EQ(next.budget_beats, 8);  // p95 7 + margin 1
  EXPECT_TRUE(next.adapted);
  budgets.on_end("op-5", 7, true);
  const BudgetTally* tally = budgets.tally("dht_store");
  ASSERT_NE(tally, nullptr);
  EXPECT_EQ(tally->overruns, 5u);
  EXPECT_EQ(tally->completed, 6u);
  EXPECT_EQ(tally->budget_beats_total, 5 * 4 + 8);
  EXPECT_EQ(budgets.history("dht_store")->count(), 6u);
}

TEST(OperationBudgetsTest, AdaptiveOffPerTypeKeepsThatTypeStatic) {
  BudgetPolicy policy;
  policy.table = {{"dht_store", 4}, {"election", 10}};
  policy.adaptive = on();
  policy.adaptive.types = {"dht_store"};
  OperationBudgets budgets(policy);
  for (int i = 0; i < 6; ++i) {
    budgets.on_start("e" + std::to_string(i), "election", 10);
    budgets.on_end("e" + std::to_string(i), 30, true);
  }
  EXPECT_EQ(budgets.budget_for("election", 10), 10);
}

TEST(OperationBudgetsTest, WarningIsTakenOnceAndAFalseAlarmIsCounted) {
  BudgetPolicy policy;
  policy.table = {{"dht_store", 5}};
  policy.warnings.enabled = true;
  OperationBudgets budgets(policy);
  budgets.on_start("a", "dht_store", 3);
  EXPECT_FALSE(budgets.take_warning("a", 3));
  EXPECT_TRUE(budgets.take_warning("a", 4));
  EXPECT_FALSE(budgets.take_warning("a", 5));  // once
  budgets.on_end("a", 5, true);                // within budget: a false alarm
  budgets.on_start("b", "dht_store", 3);
  EXPECT_FALSE(budgets.take_warning("b", 6));  // already over budget: no warning, an overrun
  budgets.on_end("b", 6, true);
  const BudgetTally* tally = budgets.tally("dht_store");
  EXPECT_EQ(tally->warnings, 1u);
  EXPECT_EQ(tally->false_alarms, 1u);
  EXPECT_EQ(tally->overruns, 1u);
}

TEST(OperationBudgetsTest, WarningsOffByDefault) {
  OperationBudgets budgets;
  budgets.on_start("a", "dht_store", 1);
  EXPECT_FALSE(budgets.take_warning("a", 1));
}

TEST(OperationBudgetsTest, TypesBeyondTheCapAreNotRecorded) {
  OperationBudgets budgets;
  for (std::size_t i = 0; i <= OperationBudgets::kMaxTypes; ++i) {
    std::string type = "t" + std::to_string(i);
    budgets.on_start(type, type, 2);
    budgets.on_end(type, 1, true);
  }
  EXPECT_EQ(budgets.to_json().size(), OperationBudgets::kMaxTypes);
  EXPECT_EQ(budgets.history("t64"), nullptr);
}

TEST(OperationBudgetsTest, BadPolicyIsRefusedAndTheOldOneStays) {
  OperationBudgets budgets;
  BudgetPolicy bad;
  bad.table = {{"dht_store", 0}};
  EXPECT_EQ(budgets.set_policy(bad).message(),
            "budget table: dht_store: expected at least 1 beat, got 0");
  EXPECT_TRUE(budgets.policy().table.empty());
}

}  // namespace
}  // namespace backbeat
