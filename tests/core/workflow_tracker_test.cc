// Workflows in the core: links refused for unknown parents and cycles, the critical path on
// hand-built DAGs (chains, diamonds, ties), bounded memory, and claims that carry the workflow.
#include "core/workflow_tracker.h"

#include <gtest/gtest.h>

#include "core/contracts/status_claim.h"
#include "core/integration.h"
#include "tests/support/integration_fixture.h"

namespace backbeat {
namespace {

using Path = std::vector<std::size_t>;

TEST(WorkflowCriticalPath, ChainIsTheWholeChain) {
  EXPECT_EQ(critical_path({{2, {}}, {3, {0}}, {1, {1}}}), (Path{0, 1, 2}));
  EXPECT_TRUE(critical_path({}).empty());
}

TEST(WorkflowCriticalPath, DiamondFollowsTheSlowerBranch) {
  // discovery -> {store 5, sync 2} -> announce
  std::vector<DagNode> dag = {{1, {}}, {5, {0}}, {2, {0}}, {1, {1, 2}}};
  EXPECT_EQ(critical_path(dag), (Path{0, 1, 3}));
  dag[2].beats = 7;
  EXPECT_EQ(critical_path(dag), (Path{0, 2, 3}));
}

TEST(WorkflowCriticalPath, TiedParentsGoToTheEarlierOne) {
  std::vector<DagNode> dag = {{1, {}}, {4, {0}}, {4, {0}}, {1, {2, 1}}};
  EXPECT_EQ(critical_path(dag), (Path{0, 1, 3}));
}

TEST(WorkflowCriticalPath, AZeroBeatLastStepStillEndsThePath) {
  // discovery -> {store 3, sync 1} -> announce 0: announce ends in the beat it started.
  EXPECT_EQ(critical_path({{1, {}}, {3, {0}}, {1, {0}}, {0, {1, 2}}}), (Path{0, 1, 3}));
  // Two unrelated sinks of equal length: the later one ends the path.
  EXPECT_EQ(critical_path({{3, {}}, {3, {}}}), (Path{1}));
}

TEST(WorkflowCriticalPath, ALongSideBranchBeatsTheLastNode) {
  // a -> b (1) and a -> c (10): c ends the path although b was registered later.
  EXPECT_EQ(critical_path({{1, {}}, {10, {0}}, {1, {0}}}), (Path{0, 1}));
}

TEST(WorkflowTracker, UnknownParentIsRefusedNamingIt) {
  WorkflowTracker t;
  ASSERT_TRUE(t.on_start("a", "peer_discovery", {"wf-1", {}}, 1).is_ok());
  Status s = t.on_start("b", "dht_store", {"wf-1", {"nope"}}, 1);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown parent nope"), std::string::npos) << s.message();
  // A parent of another workflow is unknown here too.
  s = t.on_start("c", "dht_store", {"wf-2", {"a"}}, 1);
  EXPECT_NE(s.message().find("unknown parent a"), std::string::npos) << s.message();
  EXPECT_EQ(t.link_of("b"), nullptr);
}

TEST(WorkflowTracker, CyclesAreRefused) {
  WorkflowTracker t;
  Status s = t.on_start("a", "x", {"wf-1", {"a"}}, 1);
  EXPECT_NE(s.message().find("would make a cycle"), std::string::npos) << s.message();
  ASSERT_TRUE(t.on_start("a", "x", {"wf-1", {}}, 1).is_ok());
  ASSERT_TRUE(t.on_start("b", "x", {"wf-1", {"a"}}, 1).is_ok());
  // a again, after b: b -> a -> b.
  s = t.on_start("a", "x", {"wf-1", {"b"}}, 2);
  EXPECT_NE(s.message().find("would make a cycle"), std::string::npos) << s.message();
}

TEST(WorkflowTracker, BadIdsAndTooManyParentsAreRefused) {
  WorkflowTracker t;
  EXPECT_NE(t.check("a", {"has space", {}}).message().find("workflow id 'has space'"),
            std::string::npos);
  EXPECT_EQ(t.check("a", {"", {}}).code(), StatusCode::kInvalidArgument);
  std::vector<std::string> parents;
  for (std::size_t i = 0; i <= WorkflowTracker::kMaxParents; ++i)
    parents.push_back("p" + std::to_string(i));
  Status s = t.check("a", {"wf", parents});
  EXPECT_NE(s.message().find("17 parents, at most 16"), std::string::npos) << s.message();
  ASSERT_TRUE(t.on_start("b", "x", {"wf", {}}, 1).is_ok());
  EXPECT_NE(t.check("a", {"wf", {"b", "b"}}).message().find("parent b named twice"),
            std::string::npos);
}

TEST(WorkflowTracker, CompletesOnTheBeatAllItsOperationsEndedWithItsCriticalPath) {
  WorkflowTracker t;
  ASSERT_TRUE(t.on_start("disc", "peer_discovery", {"wf", {}}, 10).is_ok());
  t.on_end("disc", 12, true);
  ASSERT_TRUE(t.on_start("store", "dht_store", {"wf", {"disc"}}, 12).is_ok());
  ASSERT_TRUE(t.on_start("sync", "pubsub_sync", {"wf", {"disc"}}, 12).is_ok());
  t.on_end("sync", 13, true);
  t.on_beat(13);
  EXPECT_EQ(t.completed(), 0u) << "store still runs";
  t.on_end("store", 17, false);
  EXPECT_EQ(t.open(), 1u) << "complete on the next beat, not at the last end";
  t.on_beat(18);
  ASSERT_EQ(t.completed(), 1u);
  EXPECT_EQ(t.open(), 0u);
  const WorkflowSummary& w = t.recent().back();
  EXPECT_EQ(w.start_beat, 10);
  EXPECT_EQ(w.end_beat, 17);
  EXPECT_EQ(w.beats(), 7);
  EXPECT_EQ(w.failed, 1u);
  EXPECT_EQ(w.critical_path, (std::vector<std::string>{"disc", "store"}));
  EXPECT_EQ(w.critical_types, (std::vector<std::string>{"peer_discovery", "dht_store"}));
  EXPECT_EQ(w.critical_beats, 7);
}

TEST(WorkflowTracker, MemoryStaysBoundedUnderManyWorkflows) {
  WorkflowTracker t;
  for (int i = 0; i < 5000; ++i) {
    std::string wf = "wf-" + std::to_string(i);
    ASSERT_TRUE(t.on_start(wf + "-a", "x", {wf, {}}, i).is_ok());
    t.on_end(wf + "-a", i + 1, true);
    if (i % 10 == 9) t.on_beat(i + 1);
  }
  t.on_beat(6000);
  EXPECT_EQ(t.completed(), 5000u);
  EXPECT_EQ(t.open(), 0u);
  EXPECT_EQ(t.recent().size(), WorkflowTracker::kRecent);
  EXPECT_EQ(t.recent().back().id, "wf-4999");
  // Open workflows are capped: one more is refused, not stored.
  for (std::size_t i = 0; i < WorkflowTracker::kMaxOpen; ++i) {
    std::string wf = "open-" + std::to_string(i);
    ASSERT_TRUE(t.on_start(wf + "-a", "x", {wf, {}}, 1).is_ok());
  }
  Status s = t.on_start("late-a", "x", {"late", {}}, 1);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(t.open(), WorkflowTracker::kMaxOpen);
  // And steps per workflow.
  WorkflowTracker u;
  for (std::size_t i = 0; i < WorkflowTracker::kMaxSteps; ++i)
    ASSERT_TRUE(u.on_start("s" + std::to_string(i), "x", {"big", {}}, 1).is_ok());
  EXPECT_EQ(u.on_start("one-more", "x", {"big", {}}, 1).code(), StatusCode::kResourceExhausted);
}

class IntegrationWorkflowsTest : public testing::IntegrationFixture {
 protected:
  std::vector<StatusClaim> claims() { return published_claims(); }
};

TEST_F(IntegrationWorkflowsTest, ClaimsCarryTheWorkflowAndAreContractValid) {
  ASSERT_TRUE(
      integration_->start_workflow_operation("disc-1", "peer_discovery", 2, {"publish-7", {}})
          .is_ok());
  clock_.advance_by(kBeat);
  ASSERT_TRUE(integration_->complete_p2p_operation("disc-1", 3).is_ok());
  ASSERT_TRUE(
      integration_->start_workflow_operation("store-1", "dht_store", 3, {"publish-7", {"disc-1"}})
          .is_ok());
  clock_.advance_by(kBeat);
  ASSERT_TRUE(integration_->fail_p2p_operation("store-1", "no peers").is_ok());
  int with_workflow = 0;
  for (const StatusClaim& c : claims()) {
    if (c.task_id == kHealthTaskId) continue;
    ASSERT_TRUE(c.metadata && c.metadata->contains("workflow")) << c.task_id;
    EXPECT_EQ((*c.metadata)["workflow"]["id"], "publish-7");
    if (c.task_id == "store-1") {
      EXPECT_EQ((*c.metadata)["workflow"]["parents"], nlohmann::json::array({"disc-1"}));
    }
    ++with_workflow;
  }
  EXPECT_GE(with_workflow,
            4);  // start, beat, completion of disc-1; start, beat, failure of store-1
  clock_.advance_by(kBeat);
  nlohmann::ordered_json health = integration_->get_health().to_json();
  ASSERT_TRUE(health.contains("workflows"));
  EXPECT_EQ(health["workflows"]["completed"], 1);
  EXPECT_EQ(health["workflows"]["recent"][0]["critical_path"],
            nlohmann::ordered_json::array({"disc-1", "store-1"}));
}

TEST_F(IntegrationWorkflowsTest, RefusedLinkStartsNothing) {
  Status s = integration_->start_workflow_operation("store-1", "dht_store", 3, {"wf", {"ghost"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(integration_->active_operations().empty());
  // An operation the integration refuses leaves no node behind: a later start may use its id.
  EXPECT_FALSE(integration_->start_workflow_operation("bad id", "dht_store", 3, {"wf", {}}));
  EXPECT_FALSE(integration_->start_workflow_operation("store-1", "dht_store", 0, {"wf", {}}));
  EXPECT_EQ(integration_->workflows().open(), 0u);
  EXPECT_TRUE(integration_->start_workflow_operation("store-1", "dht_store", 3, {"wf", {}}));
}

TEST_F(IntegrationWorkflowsTest, OperationsWithoutAWorkflowKeepTheSeedClaims) {
  ASSERT_TRUE(integration_->start_p2p_operation("plain", "dht_store", 3).is_ok());
  for (const StatusClaim& c : claims()) {
    EXPECT_FALSE(c.metadata && c.metadata->contains("workflow")) << c.task_id;
  }
  EXPECT_FALSE(integration_->get_health().to_json().contains("workflows"));
}

}  // namespace
}  // namespace backbeat
