// The shrinker on the deliberately failing fixture (tests/data/scenarios/shrink): the result
// still fails the same assertion and is smaller; it is the same for any number of jobs and when
// shrinking again; bad inputs are refused with a message naming the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sim/batch/shrinker.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"

namespace backbeat::sim::batch {
namespace {

const std::string kFixture =
    std::string(BACKBEAT_TEST_DATA_DIR) + "/scenarios/shrink/tight_budget_swarm.json";

scenario::Scenario load_file(const std::string& path, const std::vector<std::string>& sets = {}) {
  scenario::LoadResult r = scenario::load_scenario_file(path, sets);
  EXPECT_TRUE(r.ok()) << path;
  return std::move(*r.scenario);
}

scenario::Scenario load_document(const nlohmann::json& doc) {
  scenario::LoadResult r = scenario::load_scenario_text(doc.dump(), "<shrunk>");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  return std::move(*r.scenario);
}

ShrinkResult shrunk(const scenario::Scenario& sc, int jobs, ShrinkOptions options = {}) {
  options.jobs = jobs;
  Result<ShrinkResult> r = shrink(sc, sc.seed, options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return std::move(*r);
}

TEST(Shrink, TheFixtureFailsAndPassesWithoutFaults) {
  // The fixture is what the other tests rely on: it fails at its seed, and only with its faults.
  EXPECT_EQ(failing_assertions(load_file(kFixture)),
            (std::vector<std::string>{"over_budget_share"}));
  EXPECT_TRUE(failing_assertions(load_file(kFixture, {"swarm.faults=0"})).empty());
}

TEST(Shrink, ResultStillFailsTheSameAssertionAndIsSmaller) {
  scenario::Scenario input = load_file(kFixture);
  ShrinkResult r = shrunk(input, 2);
  scenario::Scenario min = load_document(r.minimal);
  EXPECT_EQ(r.failing, (std::vector<std::string>{"over_budget_share"}));
  std::vector<std::string> failing = failing_assertions(min);
  EXPECT_NE(std::find(failing.begin(), failing.end(), "over_budget_share"), failing.end());
  ScenarioShape before = shape_of(input.world), after = shape_of(min.world);
  EXPECT_EQ(before.faults, 12u);
  EXPECT_LE(after.faults, 2u);
  EXPECT_LE(after.agents * 4, before.agents);
  EXPECT_LT(after.duration, before.duration);
  EXPECT_FALSE(min.world.swarm.enabled);
  EXPECT_GT(r.runs, 0);
  EXPECT_FALSE(r.log.empty());
  // Each logged run counts up; the last one is the total.
  EXPECT_EQ(r.log.back().runs, r.runs);
}

TEST(Shrink, SameResultForAnyNumberOfJobs) {
  scenario::Scenario input = load_file(kFixture);
  ShrinkResult one = shrunk(input, 1);
  ShrinkResult three = shrunk(input, 3);
  EXPECT_EQ(one.minimal, three.minimal);
  EXPECT_EQ(one.runs, three.runs);
  ASSERT_EQ(one.log.size(), three.log.size());
  for (std::size_t i = 0; i < one.log.size(); ++i) {
    EXPECT_EQ(one.log[i].change, three.log[i].change) << i;
    EXPECT_EQ(one.log[i].still_fails, three.log[i].still_fails) << i;
  }
}

TEST(Shrink, ShrinkingTwiceGivesTheSameOutput) {
  scenario::Scenario input = load_file(kFixture);
  EXPECT_EQ(shrunk(input, 2).minimal, shrunk(input, 2).minimal);
}

TEST(Shrink, AMaterialisedInputShrinksToTheSameScenario) {
  // The run directory path: shrink reads scenario.json, which for a swarm is the unexpanded
  // scenario; its materialised form must lead to the same place.
  scenario::Scenario input = load_file(kFixture);
  ShrinkResult r = shrunk(input, 2);
  EXPECT_EQ(shrunk(load_document(r.materialised), 2).minimal, r.minimal);
}

TEST(Shrink, AMaxRunsBudgetStopsEarlyWithAFailingScenario) {
  scenario::Scenario input = load_file(kFixture);
  ShrinkOptions options;
  options.max_runs = 5;
  ShrinkResult r = shrunk(input, 2, options);
  EXPECT_TRUE(r.budget_exhausted);
  EXPECT_LE(r.runs, 5);
  EXPECT_FALSE(failing_assertions(load_document(r.minimal)).empty());
}

TEST(Shrink, RefusesARunThatPasses) {
  scenario::Scenario passing = load_file(kFixture, {"swarm.faults=0"});
  Result<ShrinkResult> r = shrink(passing, passing.seed, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("passes every assertion: nothing to shrink"),
            std::string::npos)
      << r.status().message();
}

TEST(Shrink, RefusesAnAssertionTheRunDoesNotFailAndNamesTheFailingOnes) {
  scenario::Scenario input = load_file(kFixture);
  ShrinkOptions options;
  options.assertions = {"no_such_assertion"};
  Result<ShrinkResult> r = shrink(input, input.seed, options);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not fail it; it fails 'over_budget_share'"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace backbeat::sim::batch
