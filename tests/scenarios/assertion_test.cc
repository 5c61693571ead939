// Assertions evaluated on synthetic RunOutcomes: passing and failing cases for every kind.
#include "sim/scenario/assertion.h"

#include <gtest/gtest.h>

namespace backbeat::sim::scenario {
namespace {

using K = AssertionSpec::Kind;
using R = OperationOutcome::Result;

WorldConfig config() {
  WorldConfig c;
  c.pulse.tempo_bpm = 2;  // 30 s beats
  c.cluster.groups[0].count = 4;
  OperationWorkload store;
  store.type = "dht_store";
  store.estimated_beats = 3;
  OperationWorkload sync;
  sync.type = "pubsub_sync";
  sync.estimated_beats = 2;
  c.workload.operations = {store, sync};
  c.budgets["dht_store"] = 4;
  return c;
}

OperationOutcome op(const std::string& type, std::int64_t beats, R result = R::kCompleted) {
  OperationOutcome o;
  o.type = type;
  o.start_beat = 10;
  o.end_beat = 10 + beats;
  o.result = result;
  o.budget_beats = type == "dht_store" ? 4 : 2;
  return o;
}

AssertionSpec spec(K kind) {
  AssertionSpec s;
  s.kind = kind;
  return s;
}

TEST(Assertions, BeatsWithinBudgetPerType) {
  RunOutcome o;
  for (int i = 0; i < 19; ++i) o.operations.push_back(op("dht_store", 2));
  o.operations.push_back(op("dht_store", 9));  // the 20th: p95 (rank 19) is still 2
  o.operations.push_back(op("pubsub_sync", 3));
  auto r = evaluate_assertions({spec(K::kBeatsWithinBudget)}, config(), o);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].name, "p95_beats[dht_store] <= budget");
  EXPECT_EQ(*r[0].measured, 2);
  EXPECT_EQ(r[0].bound, 4);
  EXPECT_TRUE(r[0].pass);
  EXPECT_EQ(*r[1].measured, 3);  // pubsub_sync: budget from estimated_beats = 2
  EXPECT_EQ(r[1].bound, 2);
  EXPECT_FALSE(r[1].pass);
  AssertionSpec p100 = spec(K::kBeatsWithinBudget);
  p100.percentile = 100;
  p100.types = {"dht_store"};
  r = evaluate_assertions({p100}, config(), o);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(*r[0].measured, 9);
  EXPECT_FALSE(r[0].pass);
}

// p95 of 10 operations is rank 9.5, rounded up: the worst operation decides the verdict.
TEST(Assertions, TheBudgetPercentileOfTenOperationsIsTheWorstOne) {
  RunOutcome o;
  for (int i = 0; i < 9; ++i) o.operations.push_back(op("dht_store", 2));
  o.operations.push_back(op("dht_store", 9));
  AssertionSpec s = spec(K::kBeatsWithinBudget);
  s.types = {"dht_store"};
  auto r = evaluate_assertions({s}, config(), o);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(*r[0].measured, 9);
  EXPECT_FALSE(r[0].pass);
}

TEST(Assertions, NothingToMeasureFails) {
  AssertionSpec s = spec(K::kBeatsWithinBudget);
  s.types = {"dht_store"};
  auto r = evaluate_assertions({s}, config(), RunOutcome{});
  EXPECT_FALSE(r[0].measured.has_value());
  EXPECT_FALSE(r[0].pass);
}

TEST(Assertions, FailureRateCountsLostButNotUnfinished) {
  RunOutcome o;
  for (int i = 0; i < 8; ++i) o.operations.push_back(op("dht_store", 1));
  o.operations.push_back(op("dht_store", 1, R::kFailed));
  o.operations.push_back(op("dht_store", 1, R::kLost));
  o.operations.push_back(op("dht_store", 1, R::kUnfinished));
  AssertionSpec s = spec(K::kFailureRateAtMost);
  s.max = 0.2;
  auto r = evaluate_assertions({s}, config(), o);
  EXPECT_DOUBLE_EQ(*r[0].measured, 0.2);
  EXPECT_TRUE(r[0].pass);
  s.max = 0.1;
  EXPECT_FALSE(evaluate_assertions({s}, config(), o)[0].pass);
}

TEST(Assertions, NoClaimLost) {
  RunOutcome o;
  o.claims.published = 10;
  o.claims.received = 10;
  EXPECT_TRUE(evaluate_assertions({spec(K::kNoClaimLost)}, config(), o)[0].pass);
  o.claims.lost = 2;
  o.claims.lost_by_cause["disconnected"] = 2;
  auto r = evaluate_assertions({spec(K::kNoClaimLost)}, config(), o);
  EXPECT_FALSE(r[0].pass);
  EXPECT_NE(r[0].detail.find("2 disconnected"), std::string::npos);
}

TEST(Assertions, AgentsInSyncWithin) {
  RunOutcome o;
  o.agents.resize(3);
  o.agents[1].agent_id = "a1";
  o.agents[1].longest_resync = std::chrono::seconds(45);  // 1.5 beats at 2 BPM
  AssertionSpec s = spec(K::kAgentsInSyncWithin);
  s.beats = 2;
  auto r = evaluate_assertions({s}, config(), o);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_DOUBLE_EQ(*r[0].measured, 1.5);
  EXPECT_TRUE(r[0].pass);
  EXPECT_TRUE(r[1].pass);
  s.beats = 1;
  o.agents[2].in_sync_at_end = false;
  r = evaluate_assertions({s}, config(), o);
  EXPECT_FALSE(r[0].pass);
  EXPECT_FALSE(r[1].pass);
  EXPECT_EQ(*r[1].measured, 1);
}

TEST(Assertions, DegradationAtMost) {
  RunOutcome o;
  o.agents.resize(1);
  Time t0{};
  o.agents[0].degradation_windows.push_back({t0, t0 + std::chrono::seconds(90)});  // 3 beats
  AssertionSpec s = spec(K::kDegradationAtMost);
  s.beats = 3;
  EXPECT_TRUE(evaluate_assertions({s}, config(), o)[0].pass);
  s.beats = 2.5;
  auto r = evaluate_assertions({s}, config(), o);
  EXPECT_DOUBLE_EQ(*r[0].measured, 3);
  EXPECT_FALSE(r[0].pass);
}

TEST(Assertions, BarReports) {
  RunOutcome o;
  for (int i = 0; i < 4; ++i) {
    BarReportRecord rec;
    rec.report.agents_reporting = i == 0 ? 0 : (i == 2 ? 3 : 4);  // the first bar is skipped
    rec.report.tempo_drift_ms = i == 3 ? -12.0 : 1.0;
    o.bar_reports.push_back(rec);
  }
  AssertionSpec s = spec(K::kBarReports);
  s.min_agents_reporting = 0.75;
  s.max_abs_tempo_drift_ms = 10;
  s.min_reports = 4;
  auto r = evaluate_assertions({s}, config(), o);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].pass);  // count
  EXPECT_DOUBLE_EQ(*r[1].measured, 0.75);
  EXPECT_TRUE(r[1].pass);
  EXPECT_DOUBLE_EQ(*r[2].measured, 12);
  EXPECT_FALSE(r[2].pass);
}

TEST(Assertions, CompletedAtLeastAndOverBudgetShare) {
  RunOutcome o;
  o.operations = {op("dht_store", 2), op("dht_store", 5), op("dht_store", 1, R::kLost)};
  AssertionSpec c = spec(K::kCompletedAtLeast);
  c.count = 2;
  c.fraction = 0.9;
  auto r = evaluate_assertions({c}, config(), o);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].pass);
  EXPECT_FALSE(r[1].pass);  // 2 of 3
  AssertionSpec ob = spec(K::kOverBudgetShareAtMost);
  ob.max = 0.5;
  r = evaluate_assertions({ob}, config(), o);
  EXPECT_DOUBLE_EQ(*r[0].measured, 0.5);
  EXPECT_TRUE(r[0].pass);
  ob.max = 0.4;
  EXPECT_FALSE(evaluate_assertions({ob}, config(), o)[0].pass);
}

TEST(Assertions, NonconformingClaims) {
  RunOutcome o;
  o.claims.nonconforming = 3;
  AssertionSpec s = spec(K::kNonconformingClaimsAtMost);
  EXPECT_FALSE(evaluate_assertions({s}, config(), o)[0].pass);
  s.max = 3;
  EXPECT_TRUE(evaluate_assertions({s}, config(), o)[0].pass);
}

// One step of workflow instance `id` of template `name` (two steps: "a" then "b" after it).
OperationOutcome step(const std::string& name, const std::string& id, const std::string& step_name,
                      std::int64_t start, std::int64_t end, R result = R::kCompleted) {
  OperationOutcome o = op("dht_store", end - start, result);
  o.id = id + "/" + step_name;
  o.start_beat = start;
  o.end_beat = end;
  o.workflow_id = id;
  o.workflow = name;
  o.step = step_name;
  o.workflow_steps = 2;
  if (step_name == "b") o.parents = {id + "/a"};
  return o;
}

WorldConfig with_workflows() {
  WorldConfig c = config();
  WorkflowWorkload publish;
  publish.name = "publish";
  WorkflowWorkload sync;
  sync.name = "sync";
  c.workload.workflows = {publish, sync};
  return c;
}

TEST(Assertions, WorkflowBeatsJudgeCompletedInstancesFirstStartToLastEnd) {
  RunOutcome o;
  // publish: 19 instances of 3 beats (start 10, a ends 11, b ends 13) and one of 12.
  for (int i = 0; i < 19; ++i) {
    const std::string id = "p" + std::to_string(i + 10);
    o.operations.push_back(step("publish", id, "a", 10, 11));
    o.operations.push_back(step("publish", id, "b", 11, 13));
  }
  o.operations.push_back(step("publish", "p99", "a", 20, 30));
  o.operations.push_back(step("publish", "p99", "b", 30, 32));
  // Neither a failed nor an unfinished instance has a duration to judge.
  o.operations.push_back(step("publish", "px", "a", 10, 90, R::kFailed));
  o.operations.push_back(step("publish", "py", "a", 10, 95));  // its "b" never started
  // sync: only a cut-off instance.
  o.operations.push_back(step("sync", "s1", "a", 10, 50, R::kCutOff));

  AssertionSpec p95 = spec(K::kWorkflowBeatsWithin);
  p95.beats = 3;
  auto r = evaluate_assertions({p95}, with_workflows(), o);
  ASSERT_EQ(r.size(), 2u) << "every template of the workload when none is named";
  EXPECT_EQ(r[0].name, "p95_workflow_beats[publish]");
  ASSERT_TRUE(r[0].measured.has_value());
  EXPECT_EQ(*r[0].measured, 3) << "p95 of 20 is the 19th: the slow one is the 20th";
  EXPECT_TRUE(r[0].pass);
  EXPECT_EQ(r[0].detail, "20 completed of 22 started, 1 failed");
  EXPECT_EQ(r[1].name, "p95_workflow_beats[sync]");
  EXPECT_FALSE(r[1].measured.has_value());
  EXPECT_FALSE(r[1].pass) << "nothing to measure fails";
  EXPECT_EQ(r[1].detail, "no completed sync instance to measure (1 started, 1 failed)");

  AssertionSpec p100 = spec(K::kWorkflowBeatsWithin);
  p100.percentile = 100;
  p100.beats = 11;
  p100.workflows = {"publish"};
  p100.name = "publish_slo";
  r = evaluate_assertions({p100}, with_workflows(), o);
  ASSERT_EQ(r.size(), 1u) << "only the named template";
  EXPECT_EQ(r[0].name, "publish_slo[publish]");
  EXPECT_EQ(*r[0].measured, 12) << "from the first step's start (20) to the last's end (32)";
  EXPECT_FALSE(r[0].pass);
  p100.beats = 12;
  EXPECT_TRUE(evaluate_assertions({p100}, with_workflows(), o)[0].pass) << "the bound is inclusive";
}

TEST(Assertions, KindNamesRoundTrip) {
  for (const std::string& name : assertion_kind_names()) {
    ASSERT_TRUE(parse_assertion_kind(name).has_value()) << name;
    EXPECT_EQ(assertion_kind_name(*parse_assertion_kind(name)), name);
  }
}

}  // namespace
}  // namespace backbeat::sim::scenario
