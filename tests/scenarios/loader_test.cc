// The strict scenario loader: malformed files (each naming the fragments its diagnostics must
// contain), the shipped scenarios, --set overrides, and what a good file turns into.
#include "sim/scenario/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace backbeat::sim::scenario {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string all_errors(const LoadResult& r) {
  return format_diagnostics(r.errors);
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + sep.size();
  }
}

// Each file under bad/ (refused by the schema too) and beyond_schema/ (a cross-field rule only
// the loader checks; loader_agrees_with_schema.sh) starts with "// expect: FRAGMENT | ...":
// every fragment must appear in the diagnostics, which use the file's name as given.
TEST(BadScenarioFiles, EachReportsItsExpectedErrors) {
  std::vector<fs::path> files;
  for (const char* sub : {"bad", "beyond_schema"}) {
    fs::path dir = fs::path(BACKBEAT_TEST_DATA_DIR) / "scenarios" / sub;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 40u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::string text = read(file);
    std::string first = text.substr(0, text.find('\n'));
    ASSERT_EQ(first.rfind("// expect: ", 0), 0u) << "missing the expect line";
    LoadResult r = load_scenario_text(text, file.filename().string());
    ASSERT_FALSE(r.ok()) << "loaded although malformed";
    std::string errors = all_errors(r);
    for (const std::string& fragment : split(first.substr(11), " | ")) {
      EXPECT_NE(errors.find(fragment), std::string::npos) << "expected '" << fragment << "' in:\n"
                                                          << errors;
    }
  }
}

TEST(ShippedScenarios, AllLoadAndTellTheirStory) {
  fs::path dir = fs::path(BACKBEAT_TEST_DATA_DIR) / ".." / ".." / "scenarios";
  int count = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json" || e.path().filename() == "schema.json") continue;
    SCOPED_TRACE(e.path().string());
    LoadResult r = load_scenario_file(e.path().string());
    ASSERT_TRUE(r.ok()) << all_errors(r);
    EXPECT_EQ(r.scenario->name, e.path().stem().string());
    EXPECT_GT(r.scenario->description.size(), 80u);
    EXPECT_FALSE(r.scenario->assertions.empty());
    ++count;
  }
  EXPECT_GE(count, 14);
}

constexpr const char* kGood = R"({
  // comments are allowed
  "version": 1, "name": "good", "seed": 7, "duration": "30m", "expect": "fail",
  "cluster": { "groups": [ { "name": "edge", "count": 3, "slow_factor": 2 },
                           { "name": "core", "count": 5, "server": 1 } ],
               "nats_servers": 2, "links": [ { "between": [0, 1], "latency": "7ms" } ] },
  "pulse": { "tempo_bpm": 4, "bar_length": 8, "frames_per_beat": 1, "nodes": 2,
             "drift": { "model": "step", "ppm": 20, "step_at": "3 beats" },
             "tempo_changes": [ { "at": "10m", "tempo_bpm": 4.4 } ] },
  "workload": { "start_after": "2b", "operations": [
      { "type": "peer_discovery", "count": 10, "duration": 2 },
      { "type": "leader_election", "rate_per_beat": 0.5, "depends_on": "peer_discovery",
        "duration": { "distribution": "uniform", "min": "15s", "max": 3 }, "agents": "group:core" } ] },
  "faults": [ { "kind": "slow_peers", "at": "5m", "duration": 0, "targets": "agents:0-2", "factor": 4 },
              { "kind": "pulse_failover", "at": "6m", "duration": 0, "gap": "-2s" } ],
  "swarm": { "faults": 3, "kinds": ["agent_crash"] },
  "budgets": { "leader_election": 10 },
  "assertions": [ { "kind": "beats_within_budget", "percentile": 99, "types": ["leader_election"] },
                  { "kind": "no_claim_lost", "name": "claims" } ]
})";

TEST(Loader, GoodFileBecomesWorldConfig) {
  LoadResult r = load_scenario_text(kGood, "good.json");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.expect, Verdict::kFail);
  EXPECT_EQ(s.world.duration, std::chrono::minutes(30));
  ASSERT_EQ(s.world.cluster.groups.size(), 2u);
  EXPECT_EQ(s.world.cluster.groups[1].server, 1);
  EXPECT_DOUBLE_EQ(s.world.cluster.groups[0].slow_factor, 2);
  EXPECT_EQ(s.world.cluster.server_links[0].latency, std::chrono::milliseconds(7));
  EXPECT_EQ(s.world.pulse.drift.kind, DriftModel::Kind::kStep);
  EXPECT_EQ(s.world.pulse.drift.step_at, std::chrono::seconds(45));  // 3 beats at 4 BPM
  EXPECT_EQ(s.world.workload.start_after, std::chrono::seconds(30));
  const OperationWorkload& le = s.world.workload.operations[1];
  EXPECT_EQ(le.depends_on, "peer_discovery");
  EXPECT_DOUBLE_EQ(le.duration.min, 1.0);  // 15 s at 4 BPM
  EXPECT_EQ(le.agents.kind, Selector::Kind::kGroup);
  EXPECT_DOUBLE_EQ(s.world.workload.operations[0].duration.value, 2.0);
  EXPECT_EQ(s.world.faults[1].gap, std::chrono::seconds(-2));
  EXPECT_TRUE(s.world.swarm.enabled);
  EXPECT_EQ(s.world.budgets.at("leader_election"), 10);
  ASSERT_EQ(s.assertions.size(), 2u);
  EXPECT_DOUBLE_EQ(s.assertions[0].percentile, 99);
  EXPECT_EQ(s.assertions[1].name, "claims");
}

// WorldConfig's last guard names the file's pointer: the key is "links", not "server_links".
TEST(Loader, WorldConfigProblemsNameAPointerOfTheFile) {
  WorldConfig config;
  config.cluster.nats_servers = 2;
  config.cluster.server_links = {ServerLink{.a = 1, .b = 1}};
  std::optional<ConfigProblem> problem = config.first_problem();
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->pointer, "/cluster/links/0");
  EXPECT_EQ(problem->message, "expected two distinct servers");
  EXPECT_EQ(config.validate().message(), "/cluster/links/0: expected two distinct servers");
  config.cluster.server_links.clear();
  config.pulse.tempo_bpm = 1001;
  EXPECT_EQ(config.first_problem()->pointer, "/pulse/tempo_bpm");
  EXPECT_EQ(config.first_problem()->message, "expected 0.1..1000");
}

TEST(Loader, NameDefaultsToFileStem) {
  LoadResult r = load_scenario_text(R"({"version": 1})", "dir/my_case.json");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->name, "my_case");
}

TEST(Loader, MissingFileIsOneDiagnostic) {
  LoadResult r = load_scenario_file("/nonexistent/x.json");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].to_string().find("/nonexistent/x.json"), std::string::npos);
}

TEST(Overrides, AppliedBeforeValidation) {
  LoadResult r =
      load_scenario_text(kGood, "good.json",
                         {"pulse.tempo_bpm=8", "workload.operations.0.count=3", "duration=1h",
                          "swarm.faults=9", "cluster.groups.0.name=\"x\""});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_DOUBLE_EQ(r.scenario->world.pulse.tempo_bpm, 8);
  EXPECT_EQ(r.scenario->world.workload.operations[0].count, 3);
  EXPECT_EQ(r.scenario->world.duration, std::chrono::hours(1));
  EXPECT_EQ(r.scenario->world.swarm.faults, 9);
  EXPECT_EQ(r.scenario->world.cluster.groups[0].name, "x");
  EXPECT_EQ(r.scenario->document["pulse"]["tempo_bpm"], 8);  // the effective document
}

TEST(Overrides, BadValuesNameTheOverride) {
  LoadResult r = load_scenario_text(kGood, "good.json", {"pulse.tempo_bpm=abc"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(all_errors(r).find("--set pulse.tempo_bpm=abc: /pulse/tempo_bpm: expected a number"),
            std::string::npos)
      << all_errors(r);
}

TEST(Overrides, UnknownKeyGetsDidYouMean) {
  LoadResult r = load_scenario_text(kGood, "good.json", {"pulse.tempo=3"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(all_errors(r).find("--set pulse.tempo=3: /pulse/tempo: unknown key 'tempo'"),
            std::string::npos)
      << all_errors(r);
}

TEST(Overrides, MalformedAndOutOfRange) {
  LoadResult r = load_scenario_text(kGood, "good.json",
                                    {"novalue", "workload.operations.9.count=1", "seed.x=1", "=3"});
  std::string e = all_errors(r);
  EXPECT_NE(e.find("--set novalue: /: expected PATH=VALUE"), std::string::npos) << e;
  EXPECT_NE(e.find("index 9 is out of range"), std::string::npos) << e;
  EXPECT_NE(e.find("--set seed.x=1"), std::string::npos) << e;
  EXPECT_NE(e.find("--set =3"), std::string::npos) << e;
}

TEST(Loader, CollectsEveryErrorNotOnlyTheFirst) {
  LoadResult r = load_scenario_text(
      R"({"version": 1, "pulse": {"tempo_bpm": 0}, "duration": "x", "cluster": {"agentz": 3},
          "assertions": [{"kind": "bogus"}]})",
      "m.json");
  EXPECT_GE(r.errors.size(), 4u) << all_errors(r);
}

}  // namespace
}  // namespace backbeat::sim::scenario
