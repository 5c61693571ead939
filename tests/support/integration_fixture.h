// IntegrationFixture: a started Integration on a manual clock with a test pulse, one beat in, and
// the claims it published, each decoded and checked against the contract. Test support for the
// core's integration tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/contracts/status_claim.h"
#include "core/integration.h"
#include "tests/support/in_memory_transport.h"
#include "tests/support/manual_clock.h"
#include "tests/support/test_pulse.h"

namespace backbeat::testing {

class IntegrationFixture : public ::testing::Test {
 protected:
  static constexpr Duration kBeat = std::chrono::seconds(30);

  void SetUp() override {
    BackbeatConfig config;
    config.cluster_id = "chorus-dev";
    config.agent_id = "chorus-dev-bob";
    auto created = Integration::create(config, "12D3KooWBob", logger_, clock_, transport_);
    ASSERT_TRUE(created.is_ok()) << created.status().to_string();
    integration_ = std::move(created).value();
    ASSERT_TRUE(integration_->start().is_ok());
    pulse_.start();
    clock_.advance_by(kBeat);
  }

  // Every claim published since the last call, each decoded and validated by the core's own
  // contract check.
  std::vector<StatusClaim> published_claims() {
    std::vector<StatusClaim> out;
    for (const auto& p : transport_.published_matching("backbeat.status.>")) {
      auto claim = decode_status_claim(p.payload);
      EXPECT_TRUE(claim.is_ok()) << claim.status().to_string() << ": " << p.payload;
      if (!claim) continue;
      EXPECT_TRUE(validate_status_claim(*claim).is_ok()) << p.payload;
      out.push_back(*claim);
    }
    transport_.clear_published();
    return out;
  }

  ManualClock clock_;
  InMemoryTransport transport_;
  NullLogger logger_;
  TestPulse pulse_{TestPulseOptions{}, clock_, transport_};
  std::unique_ptr<Integration> integration_;
};

}  // namespace backbeat::testing
