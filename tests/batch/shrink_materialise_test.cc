// Materialise: the scenario with every seed-derived choice explicit loads with the ordinary loader
// and reproduces the original run's fingerprint.
#include <gtest/gtest.h>

#include <string>

#include "sim/batch/materialise.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"

namespace backbeat::sim::batch {
namespace {

scenario::Scenario load_shipped(const std::string& name, const std::vector<std::string>& sets) {
  scenario::LoadResult r = scenario::load_scenario_file(
      std::string(BACKBEAT_SCENARIOS_DIR) + "/" + name + ".json", sets);
  EXPECT_TRUE(r.ok()) << name << ": " << (r.errors.empty() ? "" : r.errors[0].to_string());
  return std::move(*r.scenario);
}

scenario::Scenario load_document(const nlohmann::json& doc) {
  scenario::LoadResult r = scenario::load_scenario_text(doc.dump(2), "<materialised>");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string()) << "\n" << doc.dump(2);
  return std::move(*r.scenario);
}

struct Case {
  std::string scenario;
  std::vector<std::string> sets;  // shorter runs keep the test quick
};

class MaterialiseReproduces : public ::testing::TestWithParam<Case> {};

TEST_P(MaterialiseReproduces, TheFingerprintOfEverySeed) {
  const Case& c = GetParam();
  scenario::Scenario original = load_shipped(c.scenario, c.sets);
  for (std::uint64_t seed : {1ull, 7ull, 99ull, 12345ull}) {
    nlohmann::json doc = materialise(original, seed);
    EXPECT_FALSE(doc.contains("swarm"));
    EXPECT_EQ(doc["seed"].get<std::uint64_t>(), seed);
    scenario::Scenario explicit_sc = load_document(doc);
    EXPECT_FALSE(explicit_sc.world.swarm.enabled);
    RunOutcome a = run_world(original.world, seed);
    RunOutcome b = run_world(explicit_sc.world, explicit_sc.seed);
    EXPECT_EQ(a.fingerprint, b.fingerprint) << c.scenario << " seed " << seed;
    ASSERT_EQ(a.faults.size(), b.faults.size());
    for (std::size_t i = 0; i < a.faults.size(); ++i) {
      EXPECT_EQ(a.faults[i].kind, b.faults[i].kind);
      EXPECT_EQ(a.faults[i].start, b.faults[i].start);
      EXPECT_EQ(a.faults[i].end, b.faults[i].end);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shipped, MaterialiseReproduces,
    ::testing::Values(Case{"swarm", {"duration=20m"}}, Case{"swarm", {"duration=7m"}},
                      Case{"swarm", {"duration=30m", "cluster.agents=12", "swarm.faults=20"}},
                      Case{"partition", {}}, Case{"nats_disconnect_storm", {}},
                      Case{"agent_crash_restart", {}}, Case{"forged_frames", {}}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return info.param.scenario + "_" + std::to_string(info.index);
    });

TEST(Materialise, WritesDrawnFaultsExplicitly) {
  scenario::Scenario swarm = load_shipped("swarm", {"duration=20m"});
  nlohmann::json doc = materialise(swarm, 5);
  ASSERT_TRUE(doc.contains("faults"));
  EXPECT_EQ(doc["faults"].size(), 12u);
  for (const nlohmann::json& f : doc["faults"]) {
    if (f.contains("targets")) {
      EXPECT_EQ(f["targets"].get<std::string>().rfind("random:", 0), std::string::npos) << f;
    }
  }
}

TEST(Materialise, IsIdempotent) {
  scenario::Scenario swarm = load_shipped("swarm", {"duration=20m"});
  nlohmann::json once = materialise(swarm, 3);
  nlohmann::json twice = materialise(load_document(once), 3);
  EXPECT_EQ(once, twice);
}

}  // namespace
}  // namespace backbeat::sim::batch

namespace backbeat::sim {
namespace {

TEST(AgentListSelector, ParsesListsAndRangesAndPrintsThemBack) {
  Result<Selector> s = parse_selector("agents:12,0-3,7");
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->kind, Selector::Kind::kAgentList);
  EXPECT_EQ(s->agents, (std::vector<int>{0, 1, 2, 3, 7, 12}));
  EXPECT_EQ(s->to_string(), "agents:0-3,7,12");
  Selector one;
  one.kind = Selector::Kind::kAgentList;
  one.agents = {4};
  EXPECT_EQ(one.to_string(), "agent:4");  // a form parse_selector reads back
  EXPECT_TRUE(parse_selector(one.to_string()).is_ok());
}

TEST(AgentListSelector, RefusesRepeatsEmptyItemsAndBackwardRanges) {
  for (const char* bad : {"agents:1,1", "agents:1,", "agents:,2", "agents:5-3,7", "agents:a,2"}) {
    EXPECT_FALSE(parse_selector(bad).is_ok()) << bad;
  }
}

TEST(AgentListSelector, TheLoaderRefusesAnAgentBeyondTheCluster) {
  scenario::LoadResult r = scenario::load_scenario_text(
      R"({"version": 1, "duration": "10m", "cluster": {"agents": 5},
          "faults": [{"kind": "nats_disconnect", "at": "1m", "duration": "10s",
                      "targets": "agents:1,9"}]})",
      "list.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors[0].to_string().find("/faults/0/targets: selector 'agents:1,9' names agent 9"),
            std::string::npos)
      << r.errors[0].to_string();
}

}  // namespace
}  // namespace backbeat::sim
