#include "core/backbeat_config.h"

#include <gtest/gtest.h>

#include <map>

namespace backbeat {
namespace {

EnvironmentLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(BackbeatConfigTest, DefaultsAreTheSeeds) {
  auto config = BackbeatConfig::from_environment(env_of({}), "agent-42");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_TRUE(config->enabled);
  EXPECT_EQ(config->cluster_id, "chorus-production");
  EXPECT_EQ(config->agent_id, "chorus-agent-42");
  EXPECT_EQ(config->nats_url, "nats://backbeat-nats:4222");
  EXPECT_EQ(config->claim_state_words, ClaimStateWords::kContract);
}

TEST(BackbeatConfigTest, EnvironmentOverridesEveryField) {
  auto config = BackbeatConfig::from_environment(
      env_of({{"CHORUS_BACKBEAT_ENABLED", "FALSE"},
              {"CHORUS_BACKBEAT_CLUSTER_ID", "chorus-dev"},
              {"CHORUS_BACKBEAT_AGENT_ID", "chorus-dev-alice"},
              {"CHORUS_BACKBEAT_NATS_URL", "nats://localhost:4222,nats://other:4222"},
              {"CHORUS_BACKBEAT_CLAIM_STATES", "legacy"}}),
      "ignored");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_FALSE(config->enabled);
  EXPECT_EQ(config->cluster_id, "chorus-dev");
  EXPECT_EQ(config->agent_id, "chorus-dev-alice");
  EXPECT_EQ(config->nats_url, "nats://localhost:4222,nats://other:4222");
  EXPECT_EQ(config->claim_state_words, ClaimStateWords::kLegacy);
}

TEST(BackbeatConfigTest, BadValuesNameTheVariable) {
  struct Case {
    const char* variable;
    const char* value;
  };
  for (Case c :
       {Case{"CHORUS_BACKBEAT_ENABLED", "maybe"}, Case{"CHORUS_BACKBEAT_CLUSTER_ID", "has.dot"},
        Case{"CHORUS_BACKBEAT_CLUSTER_ID", ""}, Case{"CHORUS_BACKBEAT_AGENT_ID", "has space"},
        Case{"CHORUS_BACKBEAT_NATS_URL", "http://x:4222"},
        Case{"CHORUS_BACKBEAT_NATS_URL", "nats://"}, Case{"CHORUS_BACKBEAT_NATS_URL", ""},
        Case{"CHORUS_BACKBEAT_CLAIM_STATES", "seed"}}) {
    SCOPED_TRACE(std::string(c.variable) + "=" + c.value);
    auto config = BackbeatConfig::from_environment(env_of({{c.variable, c.value}}), "a");
    ASSERT_FALSE(config.is_ok());
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(config.status().message().rfind(c.variable, 0), 0u) << config.status().message();
  }
}

TEST(BackbeatConfigTest, AcceptsTheUsualBooleanSpellings) {
  for (const char* yes : {"true", "1", "yes", "on", "True"}) {
    auto c = BackbeatConfig::from_environment(env_of({{"CHORUS_BACKBEAT_ENABLED", yes}}), "a");
    ASSERT_TRUE(c.is_ok());
    EXPECT_TRUE(c->enabled) << yes;
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    auto c = BackbeatConfig::from_environment(env_of({{"CHORUS_BACKBEAT_ENABLED", no}}), "a");
    ASSERT_TRUE(c.is_ok());
    EXPECT_FALSE(c->enabled) << no;
  }
}

}  // namespace
}  // namespace backbeat
