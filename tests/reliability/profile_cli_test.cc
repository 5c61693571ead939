// Budget profiles through the built backbeat-sim: CHORUS_BACKBEAT_BUDGET_PROFILE and
// --backbeat-budget-profile select one (flags over environment over the scenario), the start
// lines say where it came from, run.json records it and a replay runs it, an unknown name exits 2
// with a did-you-mean, and `tune --profile NAME` writes a profile a run can select.
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

// dht_store has no explicit budget (a profile fills it); pubsub_sync's explicit 7 wins.
constexpr const char* kScenario = R"({"version": 1, "name": "profiles", "duration": "5m",
  "cluster": {"agents": 4},
  "workload": {"operations": [{"type": "dht_store", "count": 6, "estimated_beats": 3},
                              {"type": "pubsub_sync", "count": 6, "estimated_beats": 3}]},
  "budgets": {"pubsub_sync": 7},
  "budget_profiles": {"lab": {"dht_store": 9}}})";

class ProfileCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("backbeat-profile-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "profiles.json") << kScenario;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Spawned sim(std::vector<std::string> args, const Env& env = {}) {
    args.insert(args.begin(), kSim);
    return spawn(args, dir_, env);
  }
  std::string scenario() const { return (dir_ / "profiles.json").string(); }
  // The run's summary with --json.
  nlohmann::json run_json(std::vector<std::string> extra = {}, const Env& env = {}) {
    std::vector<std::string> args{"run", scenario(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    Spawned r = sim(args, env);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  static int budget(const nlohmann::json& summary, const char* type) {
    return summary["operations"][type]["budget_beats"].get<int>();
  }

  fs::path dir_;
};

TEST_F(ProfileCliTest, NoProfileKeepsEstimatedBeatsAndRecordsNone) {
  nlohmann::json plain = run_json();
  ASSERT_TRUE(plain.is_object());
  EXPECT_EQ(budget(plain, "dht_store"), 3);
  EXPECT_EQ(budget(plain, "pubsub_sync"), 7);
  EXPECT_FALSE(plain["backbeat"].contains("budget_profile"));
}

TEST_F(ProfileCliTest, EnvironmentVariableSelectsABuiltinAndExplicitBudgetsWin) {
  nlohmann::json slow = run_json({}, {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "high-latency"}});
  ASSERT_TRUE(slow.is_object());
  EXPECT_EQ(budget(slow, "dht_store"), 8);  // 2 x the seed's DHT Store high end (4)
  EXPECT_EQ(budget(slow, "pubsub_sync"), 7);
  EXPECT_EQ(slow["backbeat"]["budget_profile"], "high-latency");
}

TEST_F(ProfileCliTest, FlagWinsOverEnvironmentWhichWinsOverScenario) {
  const Env env = {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "prod"}};
  nlohmann::json scenario_only = run_json({"--set", "budget_profile=lab"});
  EXPECT_EQ(budget(scenario_only, "dht_store"), 9);
  nlohmann::json env_over = run_json({"--set", "budget_profile=lab"}, env);
  EXPECT_EQ(budget(env_over, "dht_store"), 4);
  nlohmann::json flag_over =
      run_json({"--set", "budget_profile=lab", "--backbeat-budget-profile", "dev"}, env);
  EXPECT_EQ(budget(flag_over, "dht_store"), 2);
  EXPECT_EQ(flag_over["backbeat"]["budget_profile"], "dev");
}

TEST_F(ProfileCliTest, StartLineNamesTheProfilesSource) {
  Spawned r = sim({"run", scenario()}, {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "prod"}});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_NE(r.err.find("budget_profile=prod (environment CHORUS_BACKBEAT_BUDGET_PROFILE)"),
            std::string::npos)
      << r.err;
  Spawned f = sim({"run", scenario(), "--backbeat-budget-profile", "lab"});
  EXPECT_NE(f.err.find("budget_profile=lab (flag --backbeat-budget-profile)"), std::string::npos)
      << f.err;
}

TEST_F(ProfileCliTest, UnknownNameExitsTwoWithDidYouMean) {
  Spawned env = sim({"run", scenario()}, {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "prdo"}});
  EXPECT_EQ(env.exit_code, 2) << env.err;
  EXPECT_NE(env.err.find("environment CHORUS_BACKBEAT_BUDGET_PROFILE: unknown budget profile "
                         "'prdo': did you mean 'prod'?"),
            std::string::npos)
      << env.err;
  EXPECT_NE(env.err.find("known: dev, prod, high-latency, lab"), std::string::npos) << env.err;
  Spawned flag = sim({"run", scenario(), "--backbeat-budget-profile", "lba"});
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_NE(flag.err.find("flag --backbeat-budget-profile: unknown budget profile 'lba': did "
                          "you mean 'lab'?"),
            std::string::npos)
      << flag.err;
  Spawned set = sim({"run", scenario(), "--set", "budget_profile=hihg-latency"});
  EXPECT_EQ(set.exit_code, 2) << set.err;
  EXPECT_NE(set.err.find("/budget_profile"), std::string::npos) << set.err;
  EXPECT_NE(set.err.find("did you mean 'high-latency'"), std::string::npos) << set.err;
}

TEST_F(ProfileCliTest, ReplayOfARunDirectoryRunsTheRecordedProfile) {
  const std::string out = (dir_ / "run").string();
  Spawned r = sim({"run", scenario(), "--quiet", "--out", out},
                  {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "high-latency"}});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  nlohmann::json run = nlohmann::json::parse(read_file(fs::path(out) / "run.json"));
  EXPECT_EQ(run["backbeat"]["budget_profile"], "high-latency");
  EXPECT_EQ(run["operations"]["dht_store"]["budget_beats"], 8);
  // Another profile in the replay's environment changes nothing: the recorded one runs.
  Spawned replay = sim({"replay", out}, {{"CHORUS_BACKBEAT_BUDGET_PROFILE", "dev"}});
  EXPECT_EQ(replay.exit_code, 0) << replay.err << replay.out;
  EXPECT_NE(replay.out.find("REPRODUCED"), std::string::npos) << replay.out;
}

TEST_F(ProfileCliTest, TuneWritesAProfileThatTheTunedScenarioSelects) {
  const std::string out = (dir_ / "tuned").string();
  Spawned t = sim({"tune", scenario(), "--seeds", "3", "--jobs", "1", "--resamples", "50",
                   "--quiet", "--profile", "measured", "--out", out});
  ASSERT_TRUE(t.exit_code == 0 || t.exit_code == 1) << t.err << t.out;
  nlohmann::json budgets = nlohmann::json::parse(read_file(fs::path(out) / "budgets.json"));
  nlohmann::json profile = nlohmann::json::parse(read_file(fs::path(out) / "profile.json"));
  EXPECT_EQ(profile, (nlohmann::json{{"measured", budgets}}));
  nlohmann::json tuned = nlohmann::json::parse(read_file(fs::path(out) / "scenario.tuned.json"));
  EXPECT_EQ(tuned["budget_profile"], "measured");
  EXPECT_EQ(tuned["budget_profiles"]["measured"], budgets);
  EXPECT_EQ(tuned["budget_profiles"]["lab"]["dht_store"], 9);  // the scenario's own stay
  EXPECT_FALSE(tuned.contains("budgets"));  // explicit rows would win over the profile
  // Running the tuned scenario gives exactly the recommended budgets.
  Spawned run = sim({"run", (fs::path(out) / "scenario.tuned.json").string(), "--json"});
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  nlohmann::json summary = nlohmann::json::parse(run.out);
  for (const auto& [type, beats] : budgets.items()) {
    EXPECT_EQ(summary["operations"][type]["budget_beats"], beats) << type;
  }
}

TEST_F(ProfileCliTest, TuneRefusesABuiltinOrMalformedProfileNameBeforeRunning) {
  Spawned builtin = sim({"tune", scenario(), "--seeds", "2", "--profile", "prod"});
  EXPECT_EQ(builtin.exit_code, 2) << builtin.err;
  EXPECT_NE(builtin.err.find("--profile prod: a built-in profile"), std::string::npos)
      << builtin.err;
  Spawned bad = sim({"tune", scenario(), "--seeds", "2", "--profile", "a/b"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("expected a profile name"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace backbeat
