// Workflows in the simulator (scenarios/workflows.json): steps start only when their parents
// completed, a failed step stops its instance, the report's critical path and beats say what the
// scenario's description says, and slow peers show in the slowest instances.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "reports/workflow_report.h"
#include "sim/scenario/assertion.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

constexpr std::uint64_t kSeeds[] = {1, 2, 3};

scenario::Scenario shipped() {
  auto loaded =
      scenario::load_scenario_file(std::string(BACKBEAT_SCENARIOS_DIR) + "/workflows.json");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  return *loaded.scenario;
}

TEST(WorkflowWorldTest, ChildrenStartOnlyAfterAllTheirParentsCompletedOnTheSameAgent) {
  scenario::Scenario sc = shipped();
  for (std::uint64_t seed : kSeeds) {
    RunOutcome run = run_world(sc.world, seed);
    std::map<std::string, const OperationOutcome*> by_id;
    std::size_t children = 0;
    for (const OperationOutcome& op : run.operations) {
      ASSERT_FALSE(op.workflow_id.empty()) << "every operation is a workflow step here";
      for (const std::string& parent : op.parents) {
        ASSERT_TRUE(by_id.contains(parent)) << op.id << ": parent " << parent << " not before it";
        const OperationOutcome& p = *by_id[parent];
        EXPECT_EQ(p.result, OperationOutcome::Result::kCompleted) << op.id;
        EXPECT_EQ(p.workflow_id, op.workflow_id);
        EXPECT_EQ(p.agent, op.agent);
        EXPECT_GE(op.start_beat, p.end_beat) << op.id << " after " << parent;
        ++children;
      }
      by_id[op.id] = &op;
    }
    EXPECT_GT(children, 200u) << "seed " << seed;
  }
}

TEST(WorkflowWorldTest, AFailedStepStopsItsInstance) {
  scenario::Scenario sc = shipped();
  sc.world.workload.operations[0].failure_probability = 0.5;  // peer_discovery, the root
  RunOutcome run = run_world(sc.world, 7);
  std::map<std::string, std::size_t> steps;
  std::map<std::string, bool> root_failed;
  for (const OperationOutcome& op : run.operations) {
    ++steps[op.workflow_id];
    if (op.step == "peer_discovery")
      root_failed[op.workflow_id] = op.result == OperationOutcome::Result::kFailed;
  }
  std::size_t failed = 0;
  for (const auto& [id, failed_root] : root_failed) {
    if (!failed_root) continue;
    ++failed;
    EXPECT_EQ(steps[id], 1u) << id << " started steps after its failed root";
  }
  EXPECT_GT(failed, 10u);
  auto report = reports::workflow_report(run.operations);
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].failed, failed);
}

TEST(WorkflowWorldTest, TheDescriptionsCriticalPathAndSlowPeersHold) {
  scenario::Scenario sc = shipped();
  WorldConfig healthy = sc.world;
  healthy.faults.clear();
  for (std::uint64_t seed : kSeeds) {
    auto slow = reports::workflow_report(run_world(sc.world, seed).operations);
    auto fast = reports::workflow_report(run_world(healthy, seed).operations);
    ASSERT_EQ(slow.size(), 1u);
    ASSERT_EQ(fast.size(), 1u);
    const reports::WorkflowTemplateReport& w = slow[0];
    EXPECT_GT(w.completed, 80u) << "seed " << seed;
    // dht_store (median 2 beats) dominates pubsub_sync (1.2) on the critical path.
    EXPECT_EQ(w.typical_path, "peer_discovery -> dht_store -> announce") << "seed " << seed;
    EXPECT_GE(w.typical_count * 10, w.completed * 7) << "seed " << seed;
    std::map<std::string, std::size_t> on_path(w.on_critical_path.begin(),
                                               w.on_critical_path.end());
    EXPECT_EQ(on_path["peer_discovery"], w.completed);
    EXPECT_EQ(on_path["announce"], w.completed);
    EXPECT_EQ(on_path["dht_store"] + on_path["pubsub_sync"], w.completed);
    // Slow peers stretch the tail, and the slowest instances ran on the laggards (15..19).
    EXPECT_GT(*w.p95, *fast[0].p95) << "seed " << seed;
    std::size_t on_laggards = 0;
    for (const reports::WorkflowInstance& i : w.slowest) on_laggards += i.agent >= 15 ? 1 : 0;
    EXPECT_GE(on_laggards, 4u) << "seed " << seed;
  }
}

// The verdict the description states: the shipped bound (p95 within 17 beats) holds, and a
// bound of 8 beats tells the slow peers apart from a healthy cluster.
TEST(WorkflowWorldTest, TheWorkflowAssertionTellsSlowPeersApart) {
  scenario::Scenario sc = shipped();
  WorldConfig healthy = sc.world;
  healthy.faults.clear();
  scenario::AssertionSpec tight;
  tight.kind = scenario::AssertionSpec::Kind::kWorkflowBeatsWithin;
  tight.workflows = {"publish"};
  tight.beats = 8;
  for (std::uint64_t seed : kSeeds) {
    const RunOutcome slow = run_world(sc.world, seed);
    for (const scenario::AssertionResult& r :
         scenario::evaluate_assertions(sc.assertions, sc.world, slow)) {
      EXPECT_TRUE(r.pass) << r.name << " seed " << seed << ": " << r.detail;
    }
    const auto slow_tight = scenario::evaluate_assertions({tight}, sc.world, slow);
    const auto fast_tight =
        scenario::evaluate_assertions({tight}, healthy, run_world(healthy, seed));
    ASSERT_EQ(slow_tight.size(), 1u);
    ASSERT_EQ(fast_tight.size(), 1u);
    EXPECT_FALSE(slow_tight[0].pass) << "seed " << seed << ": p95 " << *slow_tight[0].measured;
    EXPECT_TRUE(fast_tight[0].pass) << "seed " << seed << ": p95 " << *fast_tight[0].measured;
  }
}

TEST(WorkflowWorldTest, WithoutWorkflowsNoOperationIsAStep) {
  auto loaded =
      scenario::load_scenario_file(std::string(BACKBEAT_SCENARIOS_DIR) + "/baseline.json");
  ASSERT_TRUE(loaded.ok());
  RunOutcome run = run_world(loaded.scenario->world, 1);
  for (const OperationOutcome& op : run.operations) EXPECT_TRUE(op.workflow_id.empty()) << op.id;
  EXPECT_TRUE(reports::workflow_report(run.operations).empty());
}

}  // namespace
}  // namespace backbeat::sim
