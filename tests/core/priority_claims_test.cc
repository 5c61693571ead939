// The integration under a concurrency limit, through its public API and its claims: waiting
// operations claim `blocked` with their priority and position, shed ones claim `failed` with
// "shed: ...", admitted ones start when a slot frees (their budget from then), all contract-valid.
#include <gtest/gtest.h>

#include "core/contracts/status_claim.h"
#include "core/integration.h"
#include "tests/support/integration_fixture.h"

namespace backbeat {
namespace {

using Verdict = OperationAdmission::Verdict;

class PriorityClaimsTest : public testing::IntegrationFixture {
 protected:
  // Claims for `task` published so far (none are cleared), each decoded (so validated) by the
  // contract.
  std::vector<StatusClaim> claims_for(const std::string& task) {
    std::vector<StatusClaim> out;
    for (const auto& p : transport_.published_matching("backbeat.status.>")) {
      auto claim = decode_status_claim(p.payload);
      EXPECT_TRUE(claim.is_ok()) << claim.status().to_string() << ": " << p.payload;
      if (claim && claim->task_id == task) out.push_back(*claim);
    }
    return out;
  }

  Verdict request(const std::string& id, const std::string& type, OperationPriority priority) {
    auto verdict = integration_->request_p2p_operation(
        id, type, 3, priority, [this](const AdmissionNotice& n) { notices_.push_back(n); });
    EXPECT_TRUE(verdict.is_ok()) << verdict.status().to_string();
    return verdict.is_ok() ? *verdict : Verdict::kShed;
  }

  std::vector<AdmissionNotice> notices_;
};

TEST_F(PriorityClaimsTest, AWaitingOperationClaimsBlockedWithItsPriorityAndPosition) {
  ASSERT_TRUE(integration_->set_admission({.max_concurrent = 1}).is_ok());
  EXPECT_EQ(request("elect-1", "election", OperationPriority::kHigh), Verdict::kAdmit);
  EXPECT_EQ(request("disc-1", "peer_discovery", OperationPriority::kLow), Verdict::kQueue);
  EXPECT_EQ(request("store-1", "dht_store", OperationPriority::kNormal), Verdict::kQueue);
  EXPECT_FALSE(integration_->active_operations().contains("disc-1"));
  auto claims = claims_for("disc-1");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].state, ClaimState::kBlocked);
  EXPECT_EQ(claims[0].progress, 0.0);
  EXPECT_EQ(claims[0].beats_left, 3);
  const auto& a = (*claims[0].metadata)["admission"];
  EXPECT_EQ(a["priority"], "low");
  EXPECT_EQ(a["position"], 1);
  // The normal one overtook it: on the next beat the low one is second of two.
  transport_.clear_published();
  clock_.advance_by(kBeat);
  claims = claims_for("disc-1");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ((*claims[0].metadata)["admission"]["position"], 2);
  EXPECT_EQ((*claims[0].metadata)["admission"]["waited_beats"], 1);
  EXPECT_NE(claims[0].notes.find("waiting for admission (priority: low, position 2 of 2"),
            std::string::npos)
      << claims[0].notes;
}

TEST_F(PriorityClaimsTest, AFreedSlotAdmitsTheHighestPriorityWithItsBudgetFromThen) {
  ASSERT_TRUE(integration_->set_admission({.max_concurrent = 1}).is_ok());
  ASSERT_EQ(request("store-0", "dht_store", OperationPriority::kNormal), Verdict::kAdmit);
  ASSERT_EQ(request("disc-1", "peer_discovery", OperationPriority::kLow), Verdict::kQueue);
  ASSERT_EQ(request("elect-1", "election", OperationPriority::kHigh), Verdict::kQueue);
  clock_.advance_by(kBeat * 2);
  const std::int64_t beat = integration_->beat_client().current_beat();
  ASSERT_TRUE(integration_->complete_p2p_operation("store-0", 3).is_ok());
  ASSERT_TRUE(integration_->active_operations().contains("elect-1"));
  EXPECT_EQ(integration_->active_operations().at("elect-1").start_beat, beat)
      << "waiting does not count against the budget";
  EXPECT_TRUE(notices_.empty()) << "the notice comes through the clock, not inside the call";
  clock_.advance_by(Duration(1));
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].id, "elect-1");
  EXPECT_TRUE(notices_[0].admitted);
  EXPECT_EQ(notices_[0].waited_beats, 2);
  EXPECT_EQ(integration_->admission().tally(OperationPriority::kHigh).admitted_after_wait, 1u);
  auto health = integration_->get_health().to_json();
  EXPECT_EQ(health["admission"]["waiting"], 1);
  EXPECT_EQ(health["admission"]["by_priority"]["high"]["admitted_after_wait"], 1);
}

// The notice is a timer on the host's clock: it must not outlive the integration, whose
// listeners belong to callers that may be gone too (live mode tears down its workload first).
TEST_F(PriorityClaimsTest, ANoticeNotYetDeliveredDiesWithTheIntegration) {
  ASSERT_TRUE(integration_->set_admission({.max_concurrent = 1}).is_ok());
  ASSERT_EQ(request("store-0", "dht_store", OperationPriority::kNormal), Verdict::kAdmit);
  ASSERT_EQ(request("disc-1", "peer_discovery", OperationPriority::kLow), Verdict::kQueue);
  ASSERT_TRUE(integration_->complete_p2p_operation("store-0", 3).is_ok());
  ASSERT_TRUE(integration_->active_operations().contains("disc-1"));
  integration_.reset();
  clock_.advance_by(kBeat);
  EXPECT_TRUE(notices_.empty()) << "a notice was delivered after its integration was destroyed";
}

TEST_F(PriorityClaimsTest, ShedOperationsClaimFailedSayingWhy) {
  ASSERT_TRUE(
      integration_->set_admission({.max_concurrent = 1, .max_queue = 1, .max_wait_beats = 2})
          .is_ok());
  ASSERT_EQ(request("store-0", "dht_store", OperationPriority::kNormal), Verdict::kAdmit);
  ASSERT_EQ(request("disc-1", "peer_discovery", OperationPriority::kLow), Verdict::kQueue);
  // Queue full, equal priority: shed at once.
  EXPECT_EQ(request("disc-2", "peer_discovery", OperationPriority::kLow), Verdict::kShed);
  auto shed = claims_for("disc-2");
  ASSERT_EQ(shed.size(), 1u);
  EXPECT_EQ(shed[0].state, ClaimState::kFailed);
  EXPECT_EQ(shed[0].notes.rfind("shed: admission queue full", 0), 0u) << shed[0].notes;
  EXPECT_EQ((*shed[0].metadata)["admission"]["shed"], "queue_full");
  // Higher priority displaces the waiting low one.
  EXPECT_EQ(request("elect-1", "election", OperationPriority::kHigh), Verdict::kQueue);
  auto displaced = claims_for("disc-1");
  ASSERT_FALSE(displaced.empty());
  EXPECT_EQ(displaced.back().state, ClaimState::kFailed);
  EXPECT_EQ((*displaced.back().metadata)["admission"]["shed"], "displaced");
  clock_.advance_by(Duration(1));
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].id, "disc-1");
  EXPECT_FALSE(notices_[0].admitted);
  // Waiting more than 2 beats: shed on the third.
  clock_.advance_by(kBeat * 3);
  auto overdue = claims_for("elect-1");
  ASSERT_FALSE(overdue.empty());
  EXPECT_EQ(overdue.back().state, ClaimState::kFailed);
  EXPECT_EQ(overdue.back().notes.rfind("shed: waited more than 2 beats for admission", 0), 0u)
      << overdue.back().notes;
  EXPECT_LE(overdue.back().notes.size(), 256u);
  ASSERT_EQ(notices_.size(), 2u);
  EXPECT_EQ(notices_[1].reason, ShedReason::kWaitedTooLong);
  EXPECT_FALSE(integration_->admission().is_waiting("elect-1"));
}

TEST_F(PriorityClaimsTest, WithoutALimitRequestsStartAtOnceAndHealthHasNoAdmissionKey) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(request("op-" + std::to_string(i), "peer_discovery", OperationPriority::kLow),
              Verdict::kAdmit);
  }
  EXPECT_EQ(integration_->active_operations().size(), 20u);
  EXPECT_FALSE(integration_->get_health().to_json().contains("admission"));
}

TEST_F(PriorityClaimsTest, AnIdAlreadyWaitingIsRefusedLikeAnActiveOne) {
  ASSERT_TRUE(integration_->set_admission({.max_concurrent = 1}).is_ok());
  ASSERT_EQ(request("a", "dht_store", OperationPriority::kNormal), Verdict::kAdmit);
  ASSERT_EQ(request("b", "dht_store", OperationPriority::kNormal), Verdict::kQueue);
  auto again =
      integration_->request_p2p_operation("b", "dht_store", 3, OperationPriority::kHigh, nullptr);
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(integration_->start_p2p_operation("b", "dht_store", 3).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PriorityClaimsTest, StoppingShedsEveryWaitingOperation) {
  ASSERT_TRUE(integration_->set_admission({.max_concurrent = 1}).is_ok());
  ASSERT_EQ(request("a", "dht_store", OperationPriority::kNormal), Verdict::kAdmit);
  ASSERT_EQ(request("b", "dht_store", OperationPriority::kNormal), Verdict::kQueue);
  ASSERT_TRUE(integration_->stop().is_ok());
  auto claims = claims_for("b");
  ASSERT_FALSE(claims.empty());
  EXPECT_EQ((*claims.back().metadata)["admission"]["shed"], "stopped");
  clock_.advance_by(Duration(1));
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].reason, ShedReason::kStopped);
}

}  // namespace
}  // namespace backbeat
