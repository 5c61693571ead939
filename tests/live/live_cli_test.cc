// One run driver: `backbeat-sim run` and `backbeat-sim live` write the same --out layout (run.json,
// scenario.json, seed, report.json/md/html), and `compare` takes a simulated and a live run
// directory as a pair. Runs the built backbeat-sim against a nats-server started by the test.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "core/nats/event_loop.h"
#include "core/nats/nats_transport.h"
#include "tests/live/live_fixture.h"

namespace backbeat::live {
namespace {

namespace fs = std::filesystem;
using testing::NatsServer;

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.insert(entry.path().filename());
  return out;
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LiveCli, RunAndLiveWriteTheSameOutLayoutAndCompareTakesThePair) {
  NatsServer server;
  ASSERT_SERVER(server);
  const fs::path work =
      fs::temp_directory_path() / ("backbeat_live_cli_" + std::to_string(getpid()));
  fs::remove_all(work);
  const std::string sim = BACKBEAT_SIM_BINARY;
  ASSERT_EQ(run(sim + " run baseline --quiet --set pulse.tempo_bpm=120 --set duration=10s --out " +
                (work / "sim").string() + " > /dev/null"),
            0);
  ASSERT_EQ(run(sim + " live baseline --quiet --pulse --tempo 120 --duration 10s --nats " +
                server.url() + " --out " + (work / "live").string() + " > /dev/null"),
            0);
  const std::set<std::string> expected = {"report.html", "report.json",   "report.md",
                                          "run.json",    "scenario.json", "seed"};
  // The simulator's folder also holds the run's timeline (live mode records none).
  std::set<std::string> expected_sim = expected;
  expected_sim.insert("timeline.jsonl");
  EXPECT_EQ(files_in(work / "sim"), expected_sim);
  EXPECT_EQ(files_in(work / "live"), expected);
  const nlohmann::json live_run = nlohmann::json::parse(read(work / "live" / "run.json"));
  EXPECT_EQ(live_run.value("mode", ""), "live");
  EXPECT_NE(read(work / "live" / "report.md").find("baseline"), std::string::npos);

  const fs::path text = work / "compare.txt";
  ASSERT_EQ(run(sim + " compare " + (work / "sim").string() + " " + (work / "live").string() +
                " > " + text.string()),
            0);
  const std::string comparison = read(text);
  EXPECT_NE(comparison.find((work / "sim").string()), std::string::npos) << comparison;
  EXPECT_NE(comparison.find((work / "live").string()), std::string::npos) << comparison;
  EXPECT_NE(comparison.find("dht_store"), std::string::npos) << comparison;
  fs::remove_all(work);
}

// live -v prints the agents' log lines as run -v does: start, each beat, each downbeat and the
// downbeat's cleanup check, at the seed's Info level, with the agent's id.
TEST(LiveCli, VerboseShowsTheBeatDownbeatAndCleanupLines) {
  NatsServer server;
  ASSERT_SERVER(server);
  const fs::path err = fs::temp_directory_path() / ("backbeat_live_v_" + std::to_string(getpid()));
  const std::string sim = BACKBEAT_SIM_BINARY;
  const std::string live = sim + " live baseline --pulse --tempo 120 --duration 4s --agents 2 " +
                           "--nats " + server.url();
  ASSERT_EQ(run(live + " -v > /dev/null 2> " + err.string()), 0);
  const std::string verbose = read(err);
  EXPECT_NE(verbose.find("log INFO  [chorus:agent-0] 🎵 CHORUS BACKBEAT integration started"),
            std::string::npos)
      << verbose;
  EXPECT_NE(verbose.find("log INFO  [chorus:agent-1] 🥁 BACKBEAT beat received"),
            std::string::npos)
      << verbose;
  EXPECT_NE(verbose.find("🎼 BACKBEAT downbeat"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("cleanup"), std::string::npos) << verbose;
  ASSERT_EQ(run(live + " > /dev/null 2> " + err.string()), 0);
  const std::string quiet = read(err);
  EXPECT_EQ(quiet.find("log INFO"), std::string::npos) << quiet;
  fs::remove(err);
}

// A live run with budget warnings, adaptive budgets and a budget profile from the environment:
// run.json carries the profile and each type's budget figures, as a simulated run's does.
TEST(LiveCli, BudgetFeaturesAndProfileReachLiveRunJson) {
  NatsServer server;
  ASSERT_SERVER(server);
  const fs::path work =
      fs::temp_directory_path() / ("backbeat_live_budget_" + std::to_string(getpid()));
  fs::remove_all(work);
  const std::string sim = BACKBEAT_SIM_BINARY;
  ASSERT_EQ(run("CHORUS_BACKBEAT_BUDGET_PROFILE=high-latency " + sim +
                " live baseline --quiet --pulse --tempo 120 --duration 8s --nats " + server.url() +
                " --set 'budget_warnings={\"share\": 0.5}' --set 'adaptive_budgets={}' --out " +
                (work / "live").string() + " > /dev/null"),
            0);
  const nlohmann::json r = nlohmann::json::parse(read(work / "live" / "run.json"));
  EXPECT_EQ(r["backbeat"]["budget_profile"], "high-latency");
  ASSERT_TRUE(r["operations"].is_object() && !r["operations"].empty()) << r.dump();
  for (const auto& [type, ops] : r["operations"].items()) {
    EXPECT_TRUE(ops.contains("budget_features")) << type << ": " << ops.dump();
  }
  EXPECT_EQ(r["claims"]["nonconforming"], 0);
  fs::remove_all(work);
}

TEST(LiveCli, ObservePrintsSubjectsFromTheWireEscaped) {
  NatsServer server;
  ASSERT_SERVER(server);
  const fs::path out =
      fs::temp_directory_path() / ("backbeat_observe_escape_" + std::to_string(getpid()));
  const std::string sim = BACKBEAT_SIM_BINARY;
  std::thread observer([&] {
    (void)run(sim + " observe --quiet --duration 3s --nats " + server.url() + " > " + out.string() +
              " 2>&1");  // exit 1 (non-conforming seen) is the point
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EventLoop loop;
  auto nats = NatsTransport::connect(testing::fast_options(server), loop);
  ASSERT_TRUE(nats.is_ok()) << nats.status().to_string();
  // A subject carrying a terminal escape sequence (ESC [ 2 J clears the screen).
  ASSERT_TRUE((*nats)->publish("backbeat.\x1b[2Jgotcha", "{}").is_ok());
  ASSERT_TRUE((*nats)->flush(std::chrono::seconds(2)).is_ok());
  observer.join();
  const std::string printed = read(out);
  fs::remove(out);
  EXPECT_NE(printed.find("NONCONFORMING subject"), std::string::npos) << printed;
  EXPECT_EQ(printed.find('\x1b'), std::string::npos) << "a raw ESC reached the terminal";
  EXPECT_NE(printed.find("\\x1b[2Jgotcha"), std::string::npos) << printed;
}

}  // namespace
}  // namespace backbeat::live
