// The smaller differences from the seed, settled (issue 16 section 3): operation ids follow the
// contract's task_id rule and say so when they do not, the beat, downbeat and cleanup lines are
// logged at the seed's level (Info), and a whole tempo reads as an integer in the health JSON.
#include <gtest/gtest.h>

#include <string>
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

class InfoLines final : public Logger {
 public:
  void info(std::string_view m) override { lines.emplace_back(m); }
  void warn(std::string_view) override {}
  void error(std::string_view) override {}
  std::vector<std::string> lines;
};

std::unique_ptr<Integration> make(Logger& logger, Clock& clock, Transport& transport) {
  BackbeatConfig config;
  config.cluster_id = "chorus-dev";
  config.agent_id = "chorus-dev-alice";
  auto created = Integration::create(config, "12D3KooWAbc", logger, clock, transport);
  EXPECT_TRUE(created.is_ok());
  return std::move(created).value();
}

TEST(OperationIdTest, TheContractsTaskIdAlphabetIsAccepted) {
  EXPECT_TRUE(check_operation_id("dht-store-user:42_a").is_ok());
  EXPECT_TRUE(check_operation_id(std::string(128, 'k')).is_ok());
}

TEST(OperationIdTest, SlashDotAndSpaceAreRefusedNamingTheRuleAndTheCharacter) {
  struct Case {
    std::string id;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{{"dht-store-a/b", "'/' at position 11"},
                                         {"dht-store-file.txt", "'.' at position 14"},
                                         {"pubsub-sync-my topic", "' ' at position 14"},
                                         {"", "it is empty"},
                                         {std::string(129, 'k'), "longer than 128"}}) {
    Status s = check_operation_id(c.id);
    ASSERT_EQ(s.code(), StatusCode::kInvalidArgument) << c.id;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("task_id"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("[A-Za-z0-9_:-]"), std::string::npos) << s.message();
  }
}

TEST(OperationIdTest, StartP2POperationRefusesAnIdTheContractForbids) {
  ManualClock clock;
  InMemoryTransport transport;
  NullLogger logger;
  auto integration = make(logger, clock, transport);
  ASSERT_TRUE(integration->start().is_ok());
  Status s = integration->start_p2p_operation("dht-store-a/b", "dht_store", 3);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'/' at position 11"), std::string::npos) << s.message();
  EXPECT_TRUE(integration->start_p2p_operation("dht-store-a:b", "dht_store", 3).is_ok());
}

TEST(SeedLogLevelTest, BeatDownbeatAndCleanupLinesAreInfo) {
  ManualClock clock;
  InMemoryTransport transport;
  InfoLines logger;
  TestPulse pulse(TestPulseOptions{}, clock, transport);
  auto integration = make(logger, clock, transport);
  ASSERT_TRUE(integration->start().is_ok());
  pulse.start();
  clock.advance_by(std::chrono::seconds(1));
  auto has = [&](const std::string& text) {
    for (const std::string& l : logger.lines) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("🥁 BACKBEAT beat received - beat=0"));
  EXPECT_TRUE(has("🎼 BACKBEAT downbeat - new bar started - beat=0"));
  EXPECT_TRUE(has("🧹 BACKBEAT operations cleanup check - active: 0"));
}

TEST(SeedLogLevelTest, ANullLoggerSaysItDiscardsInfo) {
  NullLogger null;
  InfoLines lines;
  EXPECT_FALSE(null.info_enabled());
  EXPECT_TRUE(lines.info_enabled());
}

TEST(CurrentTempoTest, AWholeTempoIsAnIntegerInTheHealthJson) {
  IntegrationHealth health;
  health.current_tempo = 2.0;
  EXPECT_EQ(health.to_json()["current_tempo"].dump(), "2");
  EXPECT_TRUE(health.to_json()["current_tempo"].is_number_integer());
  health.current_tempo = 0.5;
  EXPECT_EQ(health.to_json()["current_tempo"].dump(), "0.5");
}

}  // namespace
}  // namespace backbeat
