// A scenario means the same in both worlds: every field of every shipped scenario is honoured by
// live mode or refused by it, naming the field (sim/live/live_fields.h). Needs no NATS server.
#include "sim/live/live_fields.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/live/live_run.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"

namespace backbeat::live {
namespace {

std::vector<std::filesystem::path> shipped_scenarios() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(BACKBEAT_SCENARIOS_DIR)) {
    if (entry.path().extension() == ".json" && entry.path().stem() != "schema") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Leaf {
  std::string path;     // "cluster.groups[1].count", as live_fields names fields
  std::string pointer;  // "/cluster/groups/1/count"
};

// Every leaf of `json`; an empty object or array is a leaf.
void leaves(const nlohmann::json& json, const Leaf& at, std::vector<Leaf>& out) {
  if (json.is_object() && !json.empty()) {
    for (const auto& [key, value] : json.items()) {
      leaves(value, {at.path.empty() ? key : at.path + "." + key, at.pointer + "/" + key}, out);
    }
  } else if (json.is_array() && !json.empty()) {
    for (std::size_t i = 0; i < json.size(); ++i) {
      const std::string n = std::to_string(i);
      leaves(json[i], {at.path + "[" + n + "]", at.pointer + "/" + n}, out);
    }
  } else {
    out.push_back(at);
  }
}

// `json` without the field at `pointer`.
nlohmann::json without_field(nlohmann::json json, const std::string& pointer) {
  const nlohmann::json::json_pointer field(pointer);
  nlohmann::json& parent = json[field.parent_pointer()];
  if (parent.is_object()) parent.erase(field.back());
  return json;
}

// The fingerprint of a simulated run of the scenario `json`.
std::uint64_t run_fingerprint(const nlohmann::json& json) {
  sim::scenario::LoadResult loaded = sim::scenario::load_scenario_text(json.dump(), "scenario");
  EXPECT_TRUE(loaded.ok());
  if (!loaded.ok()) return 0;
  return sim::run_world(loaded.scenario->world, loaded.scenario->seed, {}).fingerprint;
}

bool starts_with_field(const std::string& path, const std::string& prefix) {
  return path.starts_with(prefix) &&
         (path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[');
}

TEST(LiveFieldsTest, EveryFieldOfEveryShippedScenarioIsHonouredOrRefusedByName) {
  const std::vector<std::filesystem::path> files = shipped_scenarios();
  ASSERT_GE(files.size(), 10u) << "scenarios not found in " << BACKBEAT_SCENARIOS_DIR;
  int refused_scenarios = 0;
  int honoured_fields = 0;
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, true, true);
    sim::scenario::LoadResult loaded = sim::scenario::load_scenario_file(file.string());
    ASSERT_TRUE(loaded.ok());
    const sim::WorldConfig& config = loaded.scenario->world;
    const std::vector<LiveRefusal> refusals = live_refusals(config);
    const Status check = check_live_config(config);
    // Refused exactly when some field is refused, and the message names the first.
    EXPECT_EQ(static_cast<bool>(check), refusals.empty());
    if (!refusals.empty()) {
      ++refused_scenarios;
      EXPECT_NE(check.message().find(refusals.front().path + ": "), std::string::npos)
          << check.message();
    }
    std::vector<Leaf> fields;
    leaves(json, {}, fields);
    for (const auto& [path, pointer] : fields) {
      const LiveFieldRule* rule = live_field_rule(path);
      ASSERT_NE(rule, nullptr) << path << ": live mode neither honours nor refuses this field";
      if (rule->honoured) {
        ++honoured_fields;
        continue;
      }
      // A refused field the scenario sets is named by a refusal, unless it keeps the default,
      // which is what live mode does anyway: then the simulated run is the same without it.
      bool named = false;
      for (const LiveRefusal& r : refusals) named = named || starts_with_field(path, r.path);
      if (!named) {
        EXPECT_EQ(run_fingerprint(json), run_fingerprint(without_field(json, pointer)))
            << path << " changes the run, is refused by live mode, but the check did not name it";
      }
    }
  }
  // The walk saw both kinds: shipped scenarios include fault-free ones and simulator-only ones.
  EXPECT_GT(honoured_fields, 100);
  EXPECT_GT(refused_scenarios, 3);
  EXPECT_LT(refused_scenarios, static_cast<int>(files.size()));
}

TEST(LiveFieldsTest, RefusalNamesTheFieldWithItsIndexAndWhy) {
  sim::WorldConfig config;
  config.cluster.groups.push_back(sim::AgentGroup{});
  config.cluster.groups[1].clock_skew_ppm = 50;
  config.pulse.nodes = 2;
  const std::vector<LiveRefusal> refusals = live_refusals(config);
  ASSERT_EQ(refusals.size(), 2u);
  EXPECT_EQ(refusals[0].path, "cluster.groups[1].clock_skew_ppm");
  EXPECT_NE(refusals[0].why.find("clock"), std::string::npos);
  EXPECT_EQ(refusals[1].path, "pulse.nodes");
  const Status check = check_live_config(config);
  EXPECT_EQ(check.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(check.message().find("pulse.nodes"), std::string::npos) << check.message();
}

TEST(LiveFieldsTest, DefaultConfigAndHonouredFieldsAreAccepted) {
  sim::WorldConfig config;
  EXPECT_TRUE(static_cast<bool>(check_live_config(config)));
  config.pulse.tempo_bpm = 120;
  config.cluster.groups[0].slow_factor = 2;
  config.workload.operations.push_back(sim::OperationWorkload{});
  config.workload.operations[0].phases = {0.2, 0.4, 0.6};
  config.cluster.nats.reconnect_wait = std::chrono::milliseconds(250);
  EXPECT_TRUE(static_cast<bool>(check_live_config(config))) << check_live_config(config).message();
}

TEST(LiveFieldsTest, UnknownFieldHasNoRuleAndChildrenInheritTheirAncestorsRule) {
  EXPECT_EQ(live_field_rule("cluster.no_such_field"), nullptr);
  const LiveFieldRule* fault = live_field_rule("faults[3].targets");
  ASSERT_NE(fault, nullptr);
  EXPECT_FALSE(fault->honoured);
  const LiveFieldRule* phases = live_field_rule("workload.operations[0].phases.connecting");
  ASSERT_NE(phases, nullptr);
  EXPECT_TRUE(phases->honoured);
}

}  // namespace
}  // namespace backbeat::live
