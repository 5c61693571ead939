// The CHORUS_BACKBEAT_* variables and --backbeat-* flags through the built backbeat-sim: each one
// changes the run it should, flags win over the environment, the effective settings are printed
// and recorded in run.json, and a replay of a run directory runs the recorded settings whatever
// its own environment says.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/reliability/spawn_process.h"

namespace backbeat {
namespace {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::optional<std::string>>;

const std::string kSim = BACKBEAT_SIM_BINARY;

class BackbeatEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("backbeat-env-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Spawned sim(std::vector<std::string> args, const Env& env = {}) {
    args.insert(args.begin(), kSim);
    return spawn(args, dir_, env);
  }
  // A short baseline run with --json: its summary.
  nlohmann::json run_json(std::vector<std::string> extra = {}, const Env& env = {}) {
    std::vector<std::string> args{"run", "baseline", "--json", "--set", "duration=10m"};
    args.insert(args.end(), extra.begin(), extra.end());
    Spawned r = sim(args, env);
    // 1: a verdict of fail (legacy claim words are not contract words, which the run judges).
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  fs::path dir_;
};

TEST_F(BackbeatEnvTest, ClaimStatesLegacyFromTheEnvironmentChangesTheClaims) {
  nlohmann::json plain = run_json();
  nlohmann::json legacy = run_json({}, {{"CHORUS_BACKBEAT_CLAIM_STATES", "legacy"}});
  ASSERT_TRUE(plain.is_object() && legacy.is_object());
  EXPECT_EQ(plain["claims"]["nonconforming"], 0);
  // The seed's done/waiting words are not contract states: the reverb counts them.
  EXPECT_GT(legacy["claims"]["nonconforming"].get<int>(), 0);
  EXPECT_NE(plain["fingerprint"], legacy["fingerprint"]);
  EXPECT_EQ(legacy["backbeat"]["groups"][0]["claim_states"], "legacy");
  EXPECT_EQ(plain["backbeat"]["groups"][0]["claim_states"], "contract");
}

TEST_F(BackbeatEnvTest, FlagsWinOverTheEnvironment) {
  nlohmann::json plain = run_json();
  nlohmann::json flagged = run_json({"--backbeat-claim-states", "contract"},
                                    {{"CHORUS_BACKBEAT_CLAIM_STATES", "legacy"}});
  EXPECT_EQ(flagged["claims"]["nonconforming"], 0);
  EXPECT_EQ(flagged["fingerprint"], plain["fingerprint"]);
}

TEST_F(BackbeatEnvTest, TheStartLinesNameEachValuesSource) {
  Spawned r = sim({"run", "baseline", "--set", "duration=5m", "--backbeat-agent-id", "flag-"},
                  {{"CHORUS_BACKBEAT_CLAIM_STATES", "legacy"}});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_NE(r.err.find("claim_states=legacy (environment CHORUS_BACKBEAT_CLAIM_STATES)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("agent_id=flag-<i> (flag --backbeat-agent-id)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("enabled=true (default)"), std::string::npos) << r.err;
}

// The seed logs its beat lines with Info; -v shows every agent's, a plain run none.
TEST_F(BackbeatEnvTest, VerboseShowsTheBeatDownbeatAndCleanupLines) {
  Spawned plain = sim({"run", "baseline", "--set", "duration=5m"});
  Spawned verbose = sim({"run", "baseline", "--set", "duration=5m", "-v"});
  EXPECT_EQ(verbose.exit_code, 0) << verbose.err;
  for (const char* line :
       {"[chorus:agent-0] \xF0\x9F\xA5\x81 BACKBEAT beat received - beat=",
        "BACKBEAT downbeat - new bar started", "BACKBEAT operations cleanup check"}) {
    EXPECT_NE(verbose.err.find(line), std::string::npos) << line;
    EXPECT_EQ(plain.err.find(line), std::string::npos) << line;
  }
}

TEST_F(BackbeatEnvTest, ClusterIdFromTheEnvironmentIsTheRunsCluster) {
  nlohmann::json plain = run_json();
  nlohmann::json moved = run_json({}, {{"CHORUS_BACKBEAT_CLUSTER_ID", "chorus-dev"}});
  EXPECT_EQ(moved["backbeat"]["cluster_id"], "chorus-dev");
  EXPECT_EQ(moved["backbeat"]["groups"][0]["cluster_id"], "chorus-dev");
  EXPECT_EQ(moved["verdict"], "pass");  // the simulated pulse moved with it
  EXPECT_NE(moved["fingerprint"], plain["fingerprint"]);
}

TEST_F(BackbeatEnvTest, AgentIdFromTheEnvironmentIsThePrefixOfEveryAgent) {
  Spawned r =
      sim({"run", "baseline", "--quiet", "--set", "duration=5m", "--out", (dir_ / "out").string()},
          {{"CHORUS_BACKBEAT_AGENT_ID", "chorus-dev-alice-"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string report = read_file(dir_ / "out" / "report.json");
  EXPECT_NE(report.find("\"chorus-dev-alice-0\""), std::string::npos);
  EXPECT_EQ(report.find("chorus:agent-"), std::string::npos);
}

TEST_F(BackbeatEnvTest, EnabledFalseEverywhereHasNothingToRun) {
  Spawned r = sim({"run", "baseline"}, {{"CHORUS_BACKBEAT_ENABLED", "false"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("BACKBEAT integration is disabled for every agent"), std::string::npos)
      << r.err;
  // A flag turns it back on.
  Spawned on =
      sim({"run", "baseline", "--quiet", "--set", "duration=5m", "--backbeat-enabled", "true"},
          {{"CHORUS_BACKBEAT_ENABLED", "false"}});
  EXPECT_EQ(on.exit_code, 0) << on.err;
}

TEST_F(BackbeatEnvTest, ADisabledGroupRunsWithoutTheCore) {
  std::ofstream(dir_ / "two_groups.json") << R"({
    "version": 1, "name": "two_groups", "seed": 7, "duration": "10m",
    "cluster": {"groups": [{"name": "on", "count": 3},
                           {"name": "off", "count": 2, "enabled": false}]},
    "workload": {"operations": [{"type": "dht_store", "count": 20, "duration": 1,
                                 "estimated_beats": 3}]}
  })";
  Spawned r = sim({"run", (dir_ / "two_groups.json").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(j["backbeat"]["groups"][1]["enabled"], false);
  // Every operation went to the three agents that run the core, and completed.
  EXPECT_EQ(j["operations"]["dht_store"]["completed"], 20) << r.out;
}

TEST_F(BackbeatEnvTest, ANatsUrlIsShownRedactedAndUnusedBySimulation) {
  Spawned r = sim({"run", "baseline", "--set", "duration=5m"},
                  {{"CHORUS_BACKBEAT_NATS_URL", "nats://alice:Secr3t@backbeat-nats:4222"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("nats_url=nats://***@backbeat-nats:4222"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not used"), std::string::npos) << r.err;
  EXPECT_EQ((r.err + r.out).find("Secr3t"), std::string::npos);
}

TEST_F(BackbeatEnvTest, BadValuesNameTheVariableOrTheFlag) {
  struct Case {
    std::vector<std::string> args;
    Env env;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {{}, {{"CHORUS_BACKBEAT_CLAIM_STATES", "modern"}}, "CHORUS_BACKBEAT_CLAIM_STATES"},
           {{}, {{"CHORUS_BACKBEAT_ENABLED", "maybe"}}, "CHORUS_BACKBEAT_ENABLED"},
           {{}, {{"CHORUS_BACKBEAT_CLUSTER_ID", "a.b"}}, "CHORUS_BACKBEAT_CLUSTER_ID"},
           {{}, {{"CHORUS_BACKBEAT_AGENT_ID", "has space"}}, "CHORUS_BACKBEAT_AGENT_ID"},
           {{}, {{"CHORUS_BACKBEAT_NATS_URL", "http://x:1"}}, "CHORUS_BACKBEAT_NATS_URL"},
           {{"--backbeat-claim-states", "modern"}, {}, "--backbeat-claim-states"},
           {{"--backbeat-enabled", "maybe"}, {}, "--backbeat-enabled"},
           {{"--backbeat-cluster-id", "a.b"}, {}, "--backbeat-cluster-id"},
       }) {
    std::vector<std::string> args{"run", "baseline"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Spawned r = sim(args, c.env);
    EXPECT_EQ(r.exit_code, 2) << c.expect;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
}

// Environment that affects `run` would break replay unless recorded: run.json keeps the effective
// settings and replaying the directory uses them, not the replay's environment.
TEST_F(BackbeatEnvTest, ReplayOfARunDirectoryUsesTheRecordedSettings) {
  const std::string out = (dir_ / "legacy-run").string();
  Spawned r = sim({"run", "baseline", "--quiet", "--set", "duration=10m", "--out", out},
                  {{"CHORUS_BACKBEAT_CLAIM_STATES", "legacy"}});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  nlohmann::json run = nlohmann::json::parse(read_file(fs::path(out) / "run.json"));
  EXPECT_EQ(run["backbeat"]["groups"][0]["claim_states"], "legacy");

  // Exit 0: the fingerprint was reproduced (replay does not judge the verdict again).
  Spawned bare = sim({"replay", out});
  EXPECT_EQ(bare.exit_code, 0) << bare.err << bare.out;
  EXPECT_NE(bare.out.find("REPRODUCED"), std::string::npos) << bare.out;
  Spawned contrary = sim({"replay", out}, {{"CHORUS_BACKBEAT_CLAIM_STATES", "contract"}});
  EXPECT_EQ(contrary.exit_code, 0) << contrary.err << contrary.out;
  EXPECT_NE(contrary.out.find("REPRODUCED"), std::string::npos) << contrary.out;
  EXPECT_NE(contrary.err.find("recorded in run.json"), std::string::npos) << contrary.err;
}

#ifdef BACKBEAT_WITH_LIVE
// live: the seed's NATS URL variable names the servers when --nats and BACKBEAT_NATS_URL do not
// (nothing listens on port 1: exit 4, cannot connect, to the URL the variable named), and
// --cluster is the flag layer over CHORUS_BACKBEAT_CLUSTER_ID.
TEST_F(BackbeatEnvTest, LiveConnectsToTheSeedsNatsUrlVariable) {
  Spawned none = sim({"live", "baseline"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--nats is required"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("CHORUS_BACKBEAT_NATS_URL"), std::string::npos) << none.err;

  Spawned env = sim({"live", "baseline"}, {{"CHORUS_BACKBEAT_NATS_URL", "nats://127.0.0.1:1"}});
  EXPECT_EQ(env.exit_code, 4) << env.err;
  EXPECT_NE(env.err.find("nats_url=nats://127.0.0.1:1 (environment CHORUS_BACKBEAT_NATS_URL)"),
            std::string::npos)
      << env.err;
}

TEST_F(BackbeatEnvTest, LiveClusterFlagWinsAndABadOneIsNamed) {
  Spawned bad = sim({"live", "baseline", "--nats", "nats://127.0.0.1:1", "--cluster", "a.b"},
                    {{"CHORUS_BACKBEAT_CLUSTER_ID", "chorus-dev"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--cluster: expected 1..64 characters"), std::string::npos) << bad.err;
  Spawned good = sim({"live", "baseline", "--nats", "nats://127.0.0.1:1", "--cluster", "flagged"},
                     {{"CHORUS_BACKBEAT_CLUSTER_ID", "chorus-dev"}});
  EXPECT_NE(good.err.find("cluster_id=flagged (flag --cluster)"), std::string::npos) << good.err;
}
#endif

}  // namespace
}  // namespace backbeat
