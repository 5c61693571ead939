// Budget profiles (core/budget_profiles.h): the built-in tables follow the seed's guidelines,
// user tables are checked, a profile fills only the types the explicit table leaves out, and
// CHORUS_BACKBEAT_BUDGET_PROFILE reaches the configuration.
#include <gtest/gtest.h>

#include <map>

#include "core/backbeat_config.h"
#include "core/budget_profiles.h"

namespace backbeat {
namespace {

TEST(ProfileTest, BuiltinsAreDevProdHighLatencyInThatOrder) {
  BudgetProfiles profiles;
  EXPECT_EQ(profiles.names(), (std::vector<std::string>{"dev", "prod", "high-latency"}));
  for (const BudgetProfile& p : builtin_budget_profiles()) EXPECT_TRUE(p.builtin) << p.name;
}

TEST(ProfileTest, BuiltinTablesFollowTheSeedGuidelines) {
  BudgetProfiles profiles;
  const BudgetProfile* dev = profiles.find("dev");
  const BudgetProfile* prod = profiles.find("prod");
  const BudgetProfile* slow = profiles.find("high-latency");
  ASSERT_TRUE(dev && prod && slow);
  for (const std::string type : {"peer_discovery", "dht_store", "dht_retrieve", "pubsub_sync",
                                 "leader_election", "task_coordination", "election"}) {
    std::optional<BudgetGuideline> g = budget_guideline(type);
    ASSERT_TRUE(g) << type;
    EXPECT_EQ(dev->table.at(type), g->low) << type;
    EXPECT_EQ(prod->table.at(type), g->high) << type;
    EXPECT_EQ(slow->table.at(type), 2 * g->high) << type;
  }
  // Spot checks against the seed's table itself (Task Coordination 5-20, DHT Store 2-4).
  EXPECT_EQ(dev->table.at("task_coordination"), 5);
  EXPECT_EQ(prod->table.at("dht_store"), 4);
  EXPECT_EQ(slow->table.at("pubsub_sync"), 4);
  EXPECT_EQ(dev->table.size(), 7u);
}

TEST(ProfileTest, GuidelineKnowsTheSeedsElectionTypeAndNothingMadeUp) {
  ASSERT_TRUE(budget_guideline("election"));
  EXPECT_EQ(budget_guideline("election")->high, 10);
  EXPECT_FALSE(budget_guideline("dht_fetch"));
}

TEST(ProfileTest, UserTableIsFoundByNameAfterTheBuiltins) {
  BudgetProfiles profiles;
  ASSERT_TRUE(profiles.add("lab", {{"dht_store", 7}}).is_ok());
  const BudgetProfile* lab = profiles.find("lab");
  ASSERT_NE(lab, nullptr);
  EXPECT_FALSE(lab->builtin);
  EXPECT_EQ(lab->table.at("dht_store"), 7);
  EXPECT_EQ(profiles.names().back(), "lab");
  EXPECT_EQ(profiles.find("nope"), nullptr);
}

TEST(ProfileTest, UserTableCannotReuseABuiltinOrItsOwnName) {
  BudgetProfiles profiles;
  Status builtin = profiles.add("prod", {{"dht_store", 7}});
  EXPECT_EQ(builtin.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(builtin.message().find("built-in"), std::string::npos) << builtin.message();
  EXPECT_EQ(profiles.find("prod")->table.at("dht_store"), 4);  // the built-in stays
  ASSERT_TRUE(profiles.add("lab", {{"dht_store", 7}}).is_ok());
  EXPECT_FALSE(profiles.add("lab", {{"dht_store", 8}}).is_ok());
  EXPECT_EQ(profiles.find("lab")->table.at("dht_store"), 7);
}

TEST(ProfileTest, MalformedNamesAndRowsAreRefusedNamingTheRow) {
  BudgetProfiles profiles;
  EXPECT_FALSE(profiles.add("", {{"dht_store", 1}}).is_ok());
  EXPECT_FALSE(profiles.add("has space", {{"dht_store", 1}}).is_ok());
  EXPECT_FALSE(profiles.add(std::string(65, 'a'), {{"dht_store", 1}}).is_ok());
  Status zero = profiles.add("lab", {{"dht_store", 0}});
  EXPECT_NE(zero.message().find("dht_store"), std::string::npos) << zero.message();
  Status huge = profiles.add("lab", {{"dht_store", kMaxProfileBudgetBeats + 1}});
  EXPECT_FALSE(huge.is_ok());
  Status type = profiles.add("lab", {{"dht/store", 3}});
  EXPECT_NE(type.message().find("dht/store"), std::string::npos) << type.message();
  EXPECT_EQ(profiles.find("lab"), nullptr);  // nothing half-added
}

TEST(ProfileTest, AtMostTheCapOfProfiles) {
  BudgetProfiles profiles;
  std::size_t added = 0;
  while (profiles.add("p" + std::to_string(added), {{"dht_store", 2}}).is_ok()) ++added;
  EXPECT_EQ(added + builtin_budget_profiles().size(), kMaxBudgetProfiles);
}

TEST(ProfileTest, ExplicitRowsWinAndOnlyTheListedTypesAreFilled) {
  BudgetTable profile = {{"dht_store", 4}, {"pubsub_sync", 2}, {"election", 10}};
  BudgetTable explicit_rows = {{"dht_store", 9}};
  BudgetTable out = budgets_with_profile(explicit_rows, profile, {"dht_store", "pubsub_sync"});
  EXPECT_EQ(out, (BudgetTable{{"dht_store", 9}, {"pubsub_sync", 2}}));
  // A type the profile has no row for keeps no row (its estimated beats).
  EXPECT_EQ(budgets_with_profile({}, profile, {"dht_retrieve"}), BudgetTable{});
}

EnvironmentLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ProfileTest, EnvironmentVariableSelectsAProfileByName) {
  auto settings = BackbeatSettings::from_environment(
      env_of({{"CHORUS_BACKBEAT_BUDGET_PROFILE", "high-latency"}}));
  ASSERT_TRUE(settings.is_ok());
  EXPECT_EQ(settings->budget_profile, "high-latency");
  EXPECT_FALSE(settings->empty());
  auto config =
      BackbeatConfig::from_environment(env_of({{"CHORUS_BACKBEAT_BUDGET_PROFILE", "prod"}}), "a1");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->budget_profile, "prod");
  auto none = BackbeatConfig::from_environment(env_of({}), "a1");
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->budget_profile, "");
}

TEST(ProfileTest, MalformedProfileNameInTheEnvironmentNamesTheVariable) {
  auto config = BackbeatConfig::from_environment(
      env_of({{"CHORUS_BACKBEAT_BUDGET_PROFILE", "my profile"}}), "a1");
  ASSERT_FALSE(config.is_ok());
  EXPECT_NE(config.status().message().find("CHORUS_BACKBEAT_BUDGET_PROFILE"), std::string::npos)
      << config.status().message();
}

}  // namespace
}  // namespace backbeat
