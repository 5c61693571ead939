// The integration's budget features beyond the seed, through its public API and its claims:
// budget warnings on the wire, adaptive budgets from completions, history in get_health.
#include <gtest/gtest.h>

#include "core/contracts/status_claim.h"
#include "core/integration.h"
#include "tests/support/integration_fixture.h"

namespace backbeat {
namespace {

class IntegrationBudgetsTest : public testing::IntegrationFixture {
 protected:
  // Claims for `task` published since the last call, each checked against the contract.
  std::vector<StatusClaim> claims_for(const std::string& task) {
    std::vector<StatusClaim> out;
    for (StatusClaim& claim : published_claims()) {
      if (claim.task_id == task) out.push_back(std::move(claim));
    }
    return out;
  }

  // Starts `id` and completes it after `beats` beats.
  void run_operation(const std::string& id, int beats) {
    ASSERT_TRUE(integration_->start_p2p_operation(id, "dht_store", 3).is_ok());
    clock_.advance_by(kBeat * beats);
    ASSERT_TRUE(integration_->complete_p2p_operation(id, 2).is_ok());
  }
};

TEST_F(IntegrationBudgetsTest, WarningClaimIsContractValidAndComesOnceBeforeTheOverrun) {
  BudgetPolicy policy;
  policy.table = {{"dht_store", 5}};
  policy.warnings.enabled = true;
  ASSERT_TRUE(integration_->set_budget_policy(policy).is_ok());
  ASSERT_TRUE(integration_->start_p2p_operation("dht-store-1", "dht_store", 3).is_ok());
  claims_for("dht-store-1");
  clock_.advance_by(kBeat * 3);
  for (const StatusClaim& c : claims_for("dht-store-1")) {
    EXPECT_FALSE(c.metadata->contains("budget_warning")) << "too early at " << c.beat_index;
  }
  clock_.advance_by(kBeat);  // 4 of 5 beats: 80%
  auto claims = claims_for("dht-store-1");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].state, ClaimState::kExecuting);
  EXPECT_EQ(claims[0].notes.rfind("P2P dht_store: budget warning: 4 of 5 beats used", 0), 0u)
      << claims[0].notes;
  EXPECT_EQ((*claims[0].metadata)["budget_warning"]["budget_beats"], 5);
  EXPECT_EQ((*claims[0].metadata)["budget_warning"]["beats_passed"], 4);
  EXPECT_EQ(claims[0].beats_left, 1);
  clock_.advance_by(kBeat * 3);
  for (const StatusClaim& c : claims_for("dht-store-1")) {
    EXPECT_FALSE(c.metadata->contains("budget_warning")) << "again at " << c.beat_index;
  }
  ASSERT_TRUE(integration_->complete_p2p_operation("dht-store-1", 2).is_ok());
  EXPECT_EQ(integration_->budgets().tally("dht_store")->warnings, 1u);
  EXPECT_EQ(integration_->budgets().tally("dht_store")->overruns, 1u);
  EXPECT_EQ(integration_->budgets().tally("dht_store")->false_alarms, 0u);
}

TEST_F(IntegrationBudgetsTest, WarningsOffByDefaultLeaveClaimsAsTheSeedWritesThem) {
  ASSERT_TRUE(integration_->start_p2p_operation("op", "dht_store", 2).is_ok());
  clock_.advance_by(kBeat * 4);
  for (const StatusClaim& c : claims_for("op")) {
    EXPECT_EQ(c.metadata->size(), 1u);  // seq only
    EXPECT_EQ(c.notes.find("budget warning"), std::string::npos);
  }
}

TEST_F(IntegrationBudgetsTest, AdaptiveBudgetGrowsWithSlowCompletions) {
  BudgetPolicy policy;
  policy.table = {{"dht_store", 4}};
  policy.adaptive.enabled = true;
  ASSERT_TRUE(integration_->set_budget_policy(policy).is_ok());
  for (int i = 0; i < 5; ++i) run_operation("slow-" + std::to_string(i), 7);
  ASSERT_TRUE(integration_->start_p2p_operation("next", "dht_store", 3).is_ok());
  EXPECT_EQ(integration_->budgets().find("next")->budget_beats, 8);  // p95 7 + margin 1
}

TEST_F(IntegrationBudgetsTest, HealthCarriesTheHistoryOnceOperationsEnded) {
  EXPECT_FALSE(integration_->get_health().to_json().contains("operation_history"));
  run_operation("a", 2);
  run_operation("b", 3);
  auto json = integration_->get_health().to_json();
  ASSERT_TRUE(json.contains("operation_history"));
  const auto& dht = json["operation_history"]["dht_store"];
  EXPECT_EQ(dht["completed"], 2);
  EXPECT_EQ(dht["histogram"]["max"], 3);
  EXPECT_EQ(dht["budget"]["static"], 3);  // no table entry: the estimated beats
}

TEST_F(IntegrationBudgetsTest, OperationsDroppedAtTheDownbeatAreForgotten) {
  ASSERT_TRUE(integration_->start_p2p_operation("x", "dht_store", 3).is_ok());
  ASSERT_TRUE(integration_->update_p2p_operation_phase("x", OperationPhase::kCompleted, 1).is_ok());
  clock_.advance_by(kBeat * 4);  // past a downbeat
  EXPECT_EQ(integration_->budgets().find("x"), nullptr);
}

}  // namespace
}  // namespace backbeat
