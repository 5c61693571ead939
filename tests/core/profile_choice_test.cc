// A run's budget profile, from the scenario and the host's layers (flags over
// CHORUS_BACKBEAT_BUDGET_PROFILE over the scenario): sim/scenario/budget_profile_choice.h,
// sim/harness/backbeat_settings.h and the loader.
#include <gtest/gtest.h>

#include <string>

#include "sim/harness/backbeat_settings.h"
#include "sim/scenario/budget_profile_choice.h"
#include "sim/scenario/loader.h"

namespace backbeat::sim {
namespace {

const std::string kHead = R"({"version": 1, "name": "x", "duration": "10m",
    "workload": {"operations": [{"type": "dht_store", "count": 3},
                                {"type": "pubsub_sync", "count": 3}]},)";

scenario::Scenario load_ok(const std::string& tail) {
  auto loaded = scenario::load_scenario_text(kHead + tail, "x.json");
  EXPECT_TRUE(loaded.ok()) << loaded.problems_text();
  return loaded.ok() ? *loaded.scenario : scenario::Scenario{};
}

std::string first_error(const std::string& tail) {
  auto loaded = scenario::load_scenario_text(kHead + tail, "x.json");
  return loaded.ok() ? std::string("loaded") : loaded.errors[0].to_string();
}

TEST(ProfileChoiceTest, NoProfileLeavesTheBudgetsAsTheScenarioWrote) {
  scenario::Scenario sc = load_ok(R"("budgets": {"dht_store": 6}})");
  EXPECT_EQ(sc.world.budgets, (BudgetTable{{"dht_store", 6}}));
  EXPECT_EQ(sc.world.budget_profile.name, "");
}

TEST(ProfileChoiceTest, ScenarioProfileFillsWorkloadTypesAndExplicitBudgetsWin) {
  scenario::Scenario sc =
      load_ok(R"("budget_profile": "high-latency", "budgets": {"dht_store": 6}})");
  // dht_store: the explicit 6; pubsub_sync: high-latency's 2 x 2; no rows for unused types.
  EXPECT_EQ(sc.world.budgets, (BudgetTable{{"dht_store", 6}, {"pubsub_sync", 4}}));
}

TEST(ProfileChoiceTest, ScenarioDefinesAndSelectsItsOwnTable) {
  scenario::Scenario sc = load_ok(
      R"("budget_profiles": {"lab": {"dht_store": 11, "task_coordination": 9}},
         "budget_profile": "lab"})");
  EXPECT_EQ(sc.world.budgets, (BudgetTable{{"dht_store", 11}}));
}

TEST(ProfileChoiceTest, UnknownScenarioProfileSuggestsTheClosestName) {
  std::string e = first_error(R"("budget_profile": "prdo"})");
  EXPECT_NE(e.find("/budget_profile"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'prod'"), std::string::npos) << e;
  EXPECT_NE(e.find("dev, prod, high-latency"), std::string::npos) << e;
}

TEST(ProfileChoiceTest, LoaderRefusesBadProfileTablesNamingThem) {
  EXPECT_NE(first_error(R"("budget_profiles": {"prod": {"dht_store": 3}}})").find("built-in"),
            std::string::npos);
  EXPECT_NE(first_error(R"("budget_profiles": {"lab": {"dht_store": 0}}})")
                .find("/budget_profiles/lab/dht_store"),
            std::string::npos);
  EXPECT_NE(first_error(R"("budget_profiles": {"lab": {}}})").find("/budget_profiles/lab"),
            std::string::npos);
  EXPECT_NE(first_error(R"("budget_profiles": {"a b": {"dht_store": 3}}})").find("profile name"),
            std::string::npos);
  EXPECT_NE(first_error(R"("budget_profile": 3})").find("/budget_profile"), std::string::npos);
}

TEST(ProfileChoiceTest, FlagWinsOverEnvironmentWhichWinsOverScenario) {
  scenario::Scenario sc = load_ok(R"("budget_profile": "dev"})");
  EXPECT_EQ(sc.world.budgets.at("dht_store"), 2);
  BackbeatLayers env_only;
  env_only.environment.budget_profile = "prod";
  WorldConfig from_env = sc.world;
  auto lines = apply_backbeat_layers(from_env, env_only, false);
  ASSERT_TRUE(lines.is_ok());
  ASSERT_TRUE(scenario::apply_budget_profile(from_env).is_ok());
  EXPECT_EQ(from_env.budgets.at("dht_store"), 4);
  EXPECT_EQ(lines->back(),
            "backbeat  budget_profile=prod (environment CHORUS_BACKBEAT_BUDGET_PROFILE)");

  BackbeatLayers both = env_only;
  both.flags.budget_profile = "high-latency";
  WorldConfig from_flag = sc.world;
  lines = apply_backbeat_layers(from_flag, both, false);
  ASSERT_TRUE(lines.is_ok());
  ASSERT_TRUE(scenario::apply_budget_profile(from_flag).is_ok());
  EXPECT_EQ(from_flag.budgets.at("dht_store"), 8);
  EXPECT_EQ(lines->back(),
            "backbeat  budget_profile=high-latency (flag --backbeat-budget-profile)");
}

TEST(ProfileChoiceTest, UnknownLayeredNameIsAnErrorNamingItsSource) {
  scenario::Scenario sc = load_ok("\"seed\": 1}");
  BackbeatLayers layers;
  layers.environment.budget_profile = "hihg-latency";
  ASSERT_TRUE(apply_backbeat_layers(sc.world, layers, false).is_ok());
  Status s = scenario::apply_budget_profile(sc.world);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("did you mean 'high-latency'"), std::string::npos) << s.message();
  EXPECT_EQ(sc.world.budget_profile.source, "environment CHORUS_BACKBEAT_BUDGET_PROFILE");
}

TEST(ProfileChoiceTest, RecordCarriesTheProfileAndReplayAppliesIt) {
  scenario::Scenario sc = load_ok(R"("budget_profile": "dev"})");
  BackbeatLayers layers;
  layers.flags.budget_profile = "prod";
  ASSERT_TRUE(apply_backbeat_layers(sc.world, layers, false).is_ok());
  nlohmann::json record = backbeat_record(sc.world);
  EXPECT_EQ(record["budget_profile"], "prod");
  // The replay loads the scenario (which says dev) and applies the record (prod).
  scenario::Scenario replay = load_ok(R"("budget_profile": "dev"})");
  ASSERT_TRUE(apply_backbeat_record(replay.world, record).is_ok());
  ASSERT_TRUE(scenario::apply_budget_profile(replay.world).is_ok());
  EXPECT_EQ(replay.world.budgets.at("dht_store"), 4);
  // A run without a profile records none, and its replay runs without one.
  scenario::Scenario plain = load_ok("\"seed\": 1}");
  nlohmann::json none = backbeat_record(plain.world);
  EXPECT_FALSE(none.contains("budget_profile"));
  ASSERT_TRUE(apply_backbeat_record(replay.world, none).is_ok());
  ASSERT_TRUE(scenario::apply_budget_profile(replay.world).is_ok());
  EXPECT_EQ(replay.world.budgets, BudgetTable{});
  none["budget_profile"] = "a b";
  EXPECT_FALSE(apply_backbeat_record(replay.world, none).is_ok());
}

}  // namespace
}  // namespace backbeat::sim
