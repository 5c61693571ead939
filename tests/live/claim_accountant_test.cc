// ClaimAccountant over an in-memory transport: its received, duplicate, gap and unnumbered counts,
// which live runs turn into the claims-lost verdict. The claims come from real BeatClients, so
// their payloads and sequence numbers are the ones agents send.
#include "sim/live/claim_accountant.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/beat_client.h"
#include "tests/support/in_memory_transport.h"
#include "tests/support/manual_clock.h"

namespace backbeat::live {
namespace {

using backbeat::testing::InMemoryTransport;
using backbeat::testing::ManualClock;

class ClaimAccountantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AccountantOptions options;
    options.cluster_id = "chorus-dev";
    accountant_ = std::make_unique<ClaimAccountant>(options, transport_, clock_);
    ASSERT_TRUE(accountant_->start().is_ok());
  }

  std::unique_ptr<BeatClient> agent(const std::string& id) {
    BeatClientConfig config;
    config.cluster_id = "chorus-dev";
    config.agent_id = id;
    auto client = std::make_unique<BeatClient>(config, clock_, transport_);
    EXPECT_TRUE(client->start().is_ok());
    return client;
  }
  static Status claim(BeatClient& client) {
    StatusClaim c;
    c.task_id = "task-1";
    c.state = ClaimState::kExecuting;
    return client.emit_status_claim(c);
  }
  // Publishes again, byte for byte, the claim the transport accepted with this index.
  void republish(std::size_t index) {
    const auto copy = transport_.published().at(index);
    ASSERT_TRUE(transport_.publish(copy.subject, copy.payload).is_ok());
  }

  ManualClock clock_;
  InMemoryTransport transport_;
  std::unique_ptr<ClaimAccountant> accountant_;
};

TEST_F(ClaimAccountantTest, RepublishedClaimsCountAsDuplicatesNotAsReceived) {
  auto a = agent("agent-a");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(claim(*a).is_ok());  // seq 1..3
  republish(1);                                                // seq 2 again
  republish(1);                                                // and again
  republish(0);                                                // seq 1 again
  EXPECT_EQ(accountant_->messages(), 6u);
  EXPECT_EQ(accountant_->received(), 3u);
  EXPECT_EQ(accountant_->received_from("agent-a"), 3u);
  EXPECT_EQ(accountant_->duplicates(), 3u);
  EXPECT_EQ(accountant_->unnumbered(), 0u);
  EXPECT_EQ(accountant_->nonconforming(), 0u);
  EXPECT_TRUE(accountant_->gaps({{"agent-a", 3}}).empty());
}

TEST_F(ClaimAccountantTest, GapsAreTheMissingRangesPerAgentWithTheirCauses) {
  auto a = agent("agent-a");
  auto b = agent("agent-b");
  ASSERT_TRUE(claim(*a).is_ok());  // a: 1
  ASSERT_TRUE(claim(*b).is_ok());  // b: 1
  transport_.disconnect();         // a: 2, 3 and b: 2 are refused
  EXPECT_FALSE(claim(*a).is_ok());
  EXPECT_FALSE(claim(*a).is_ok());
  EXPECT_FALSE(claim(*b).is_ok());
  transport_.reconnect();
  ASSERT_TRUE(claim(*a).is_ok());  // a: 4
  ASSERT_TRUE(claim(*b).is_ok());  // b: 3
  ASSERT_TRUE(claim(*b).is_ok());  // b: 4 (b: 5 is "published" below but never sent)
  EXPECT_TRUE(accountant_->has("agent-a", 4));
  EXPECT_FALSE(accountant_->has("agent-a", 2));
  EXPECT_FALSE(accountant_->has("agent-c", 1));

  std::vector<ClaimGap> gaps = accountant_->gaps(
      {{"agent-a", 4}, {"agent-b", 5}},
      {{{"agent-a", 2}, "connection_closed"}, {{"agent-a", 3}, "connection_closed"}});
  ASSERT_EQ(gaps.size(), 3u);
  EXPECT_EQ(gaps[0].agent_id, "agent-a");
  EXPECT_EQ(gaps[0].first_seq, 2u);
  EXPECT_EQ(gaps[0].last_seq, 3u);
  EXPECT_EQ(gaps[0].size(), 2u);
  EXPECT_EQ(gaps[0].cause, "connection_closed");
  EXPECT_EQ(gaps[1].agent_id, "agent-b");
  EXPECT_EQ(gaps[1].first_seq, 2u);
  EXPECT_EQ(gaps[1].last_seq, 2u);
  EXPECT_EQ(gaps[1].cause, "unknown");  // lost without an error: what must never happen
  EXPECT_EQ(gaps[2].first_seq, 5u);
  EXPECT_EQ(gaps[2].last_seq, 5u);

  // A range splits where the cause changes.
  gaps = accountant_->gaps({{"agent-a", 4}}, {{{"agent-a", 2}, "window_full"}});
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0].cause, "window_full");
  EXPECT_EQ(gaps[1].first_seq, 3u);
  EXPECT_EQ(gaps[1].cause, "unknown");
}

TEST_F(ClaimAccountantTest, ClaimsWithoutASequenceNumberAreCountedOnceEachNeverAsDuplicates) {
  auto a = agent("agent-a");
  ASSERT_TRUE(claim(*a).is_ok());
  nlohmann::json unnumbered = nlohmann::json::parse(transport_.published().at(0).payload);
  unnumbered.erase("metadata");
  const std::string subject = transport_.published().at(0).subject;
  ASSERT_TRUE(transport_.publish(subject, unnumbered.dump()).is_ok());
  ASSERT_TRUE(transport_.publish(subject, unnumbered.dump()).is_ok());
  EXPECT_EQ(accountant_->unnumbered(), 2u);
  EXPECT_EQ(accountant_->duplicates(), 0u);
  EXPECT_EQ(accountant_->messages(), 3u);
  EXPECT_EQ(accountant_->received(), 3u);  // every unnumbered claim counts once
  EXPECT_EQ(accountant_->nonconforming(), 0u);
  // An undecodable claim is nonconforming but still counted by its sequence number.
  ASSERT_TRUE(transport_.publish(subject, R"({"garbage": true, "metadata": {"seq": 9}})").is_ok());
  EXPECT_EQ(accountant_->nonconforming(), 1u);
  EXPECT_TRUE(accountant_->has("agent-a", 9));
}

TEST_F(ClaimAccountantTest, OnlyThisClustersClaimsAreCounted) {
  ASSERT_TRUE(
      transport_.publish("backbeat.status.other-cluster.agent-x", R"({"metadata": {"seq": 1}})")
          .is_ok());
  EXPECT_EQ(accountant_->messages(), 0u);
  accountant_->stop();
  auto a = agent("agent-a");
  ASSERT_TRUE(claim(*a).is_ok());
  EXPECT_EQ(accountant_->messages(), 0u);  // stopped: unsubscribed
}

}  // namespace
}  // namespace backbeat::live
