// OperationAdmission, the pure queue: ordering by priority then arrival, the bound on waiting
// operations, and the two shedding rules (core/operation_admission.h).
#include <gtest/gtest.h>

#include "core/operation_admission.h"

namespace backbeat {
namespace {

using Verdict = OperationAdmission::Verdict;

WaitingOperation op(std::string id, OperationPriority priority, std::int64_t beat = 0) {
  return {.id = std::move(id), .type = "dht_store", .priority = priority, .arrival_beat = beat};
}

std::vector<std::string> waiting_ids(const OperationAdmission& a) {
  std::vector<std::string> out;
  for (const WaitingOperation& w : a.waiting()) out.push_back(w.id);
  return out;
}

TEST(PriorityAdmission, WithoutALimitEveryOperationIsAdmittedAtOnce) {
  OperationAdmission a;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.offer(op("op" + std::to_string(i), OperationPriority::kLow), 1000).verdict,
              Verdict::kAdmit);
  }
  EXPECT_TRUE(a.waiting().empty());
  EXPECT_EQ(a.tally(OperationPriority::kLow).admitted_at_once, 100u);
}

TEST(PriorityAdmission, WaitingOperationsAreOrderedByPriorityThenArrival) {
  OperationAdmission a({.max_concurrent = 1, .max_queue = 10, .max_wait_beats = 0});
  EXPECT_EQ(a.offer(op("running", OperationPriority::kLow), 0).verdict, Verdict::kAdmit);
  EXPECT_EQ(a.offer(op("low1", OperationPriority::kLow), 1).verdict, Verdict::kQueue);
  EXPECT_EQ(a.offer(op("normal1", OperationPriority::kNormal), 1).verdict, Verdict::kQueue);
  EXPECT_EQ(a.offer(op("high1", OperationPriority::kHigh), 1).verdict, Verdict::kQueue);
  EXPECT_EQ(a.offer(op("normal2", OperationPriority::kNormal), 1).verdict, Verdict::kQueue);
  EXPECT_EQ(a.offer(op("low2", OperationPriority::kLow), 1).verdict, Verdict::kQueue);
  EXPECT_EQ(waiting_ids(a),
            (std::vector<std::string>{"high1", "normal1", "normal2", "low1", "low2"}));
  EXPECT_FALSE(a.admit_next(1, 3).has_value()) << "the limit is reached";
  auto next = a.admit_next(0, 3);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, "high1");
  EXPECT_EQ(a.tally(OperationPriority::kHigh).admitted_after_wait, 1u);
  EXPECT_EQ(a.tally(OperationPriority::kHigh).waited_beats_max, 3);
}

TEST(PriorityAdmission, ANewcomerQueuesBehindWaitingOperationsEvenWhenASlotIsFree) {
  OperationAdmission a({.max_concurrent = 2, .max_queue = 10, .max_wait_beats = 0});
  EXPECT_EQ(a.offer(op("w", OperationPriority::kNormal), 2).verdict, Verdict::kQueue);
  // A slot freed and nobody admitted yet: the newcomer does not jump the queue.
  EXPECT_EQ(a.offer(op("late", OperationPriority::kNormal), 1).verdict, Verdict::kQueue);
  EXPECT_EQ(a.admit_next(1, 0)->id, "w");
}

TEST(PriorityAdmission, AFullQueueShedsTheNewcomerUnlessItOutranksTheLastWaiting) {
  OperationAdmission a({.max_concurrent = 1, .max_queue = 2, .max_wait_beats = 0});
  ASSERT_EQ(a.offer(op("normal1", OperationPriority::kNormal), 1).verdict, Verdict::kQueue);
  ASSERT_EQ(a.offer(op("low1", OperationPriority::kLow), 1).verdict, Verdict::kQueue);
  // Equal to the lowest waiting (low): shed at once, the queue unchanged.
  auto same = a.offer(op("low2", OperationPriority::kLow), 1);
  EXPECT_EQ(same.verdict, Verdict::kShed);
  EXPECT_FALSE(same.displaced.has_value());
  // Higher: takes the place of the lowest, latest waiting operation.
  auto high = a.offer(op("high1", OperationPriority::kHigh), 1);
  EXPECT_EQ(high.verdict, Verdict::kQueue);
  ASSERT_TRUE(high.displaced.has_value());
  EXPECT_EQ(high.displaced->operation.id, "low1");
  EXPECT_EQ(high.displaced->reason, ShedReason::kDisplaced);
  EXPECT_EQ(waiting_ids(a), (std::vector<std::string>{"high1", "normal1"}));
  EXPECT_EQ(a.tally(OperationPriority::kLow).shed, 2u);
  EXPECT_EQ(a.waiting().size(), 2u) << "the queue never holds more than max_queue";
}

TEST(PriorityAdmission, ZeroQueueShedsEveryOperationAboveTheLimit) {
  OperationAdmission a({.max_concurrent = 1, .max_queue = 0, .max_wait_beats = 0});
  EXPECT_EQ(a.offer(op("a", OperationPriority::kHigh), 0).verdict, Verdict::kAdmit);
  EXPECT_EQ(a.offer(op("b", OperationPriority::kHigh), 1).verdict, Verdict::kShed);
}

TEST(PriorityAdmission, AnOperationThatWaitedMoreThanMaxWaitBeatsIsShed) {
  OperationAdmission a({.max_concurrent = 1, .max_queue = 10, .max_wait_beats = 3});
  ASSERT_EQ(a.offer(op("early", OperationPriority::kHigh, 10), 1).verdict, Verdict::kQueue);
  ASSERT_EQ(a.offer(op("later", OperationPriority::kLow, 12), 1).verdict, Verdict::kQueue);
  EXPECT_TRUE(a.shed_overdue(13).empty()) << "3 beats waited is not more than 3";
  auto shed = a.shed_overdue(14);
  ASSERT_EQ(shed.size(), 1u);
  EXPECT_EQ(shed[0].operation.id, "early");
  EXPECT_EQ(shed[0].reason, ShedReason::kWaitedTooLong);
  EXPECT_EQ(waiting_ids(a), (std::vector<std::string>{"later"}));
}

TEST(PriorityAdmission, SettingsOutsideTheirRangesAreRefusedNamingTheField) {
  OperationAdmission a;
  Status s = a.set_settings({.max_concurrent = -1});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "admission max_concurrent: expected 0..10000, got -1");
  EXPECT_FALSE(a.set_settings({.max_concurrent = 1, .max_queue = -2}).is_ok());
  EXPECT_FALSE(a.set_settings({.max_concurrent = 1, .max_wait_beats = 1001}).is_ok());
  EXPECT_EQ(a.settings().max_concurrent, 0) << "a refused setting leaves the old one";
}

TEST(PriorityAdmission, PriorityNamesRoundTripAndTypesHaveDocumentedDefaults) {
  for (auto p : {OperationPriority::kLow, OperationPriority::kNormal, OperationPriority::kHigh}) {
    EXPECT_EQ(parse_operation_priority(operation_priority_name(p)), p);
  }
  EXPECT_FALSE(parse_operation_priority("urgent").has_value());
  EXPECT_EQ(default_operation_priority("election"), OperationPriority::kHigh);
  EXPECT_EQ(default_operation_priority("dht_store"), OperationPriority::kNormal);
  EXPECT_EQ(default_operation_priority("pubsub_sync"), OperationPriority::kNormal);
  EXPECT_EQ(default_operation_priority("peer_discovery"), OperationPriority::kLow);
  EXPECT_EQ(default_operation_priority("task_coordination"), OperationPriority::kNormal);
}

}  // namespace
}  // namespace backbeat
