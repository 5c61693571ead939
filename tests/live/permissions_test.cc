// Permission errors reach the user. Each live command runs under exactly the permissions
// examples/nats-permissions/server.conf documents (and passes), and under less: then it fails
// with exit 5 and a message naming the refused subject, and `live` attributes its lost claims.
// Runs the built backbeat-sim against a nats-server started by the test with that configuration.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/live/live_fixture.h"

namespace backbeat::live {
namespace {

namespace fs = std::filesystem;
using testing::NatsServer;
using testing::NatsServerOptions;

constexpr int kExitPermissionDenied = 5;

using Outcome = testing::CommandOutcome;

// Runs backbeat-sim with `args`, its output captured in the server's temporary directory.
Outcome sim(const NatsServer& server, const std::string& args) {
  return testing::run_command(std::string(BACKBEAT_SIM_BINARY) + " " + args, server.dir());
}

std::string as(const std::string& user) {
  return " --user " + user + " --password " + user + "-example-password";
}

// A server with the documented users, plus `extra_users` (more entries of its users list).
NatsServerOptions documented_users(const std::string& extra_users = "") {
  std::string config =
      testing::read_text_file(std::string(BACKBEAT_EXAMPLES_DIR) + "/nats-permissions/server.conf");
  config = config.substr(0, config.find("listen:")) +
           config.substr(config.find('\n', config.find("listen:")));  // the test picks the port
  if (!extra_users.empty()) {
    const std::size_t users = config.find("users = [") + std::string("users = [").size();
    config.insert(users, "\n" + extra_users);
  }
  static int n = 0;
  const fs::path path =
      fs::temp_directory_path() /
      ("backbeat_permissions_" + std::to_string(getpid()) + "_" + std::to_string(n++) + ".conf");
  std::ofstream(path) << config;
  NatsServerOptions options;
  options.extra_args = {"-c", path.string()};
  return options;
}

TEST(Permissions, LiveRunsUnderItsDocumentedPermissions) {
  NatsServer server(documented_users());
  ASSERT_SERVER(server);
  const Outcome r = sim(server,
                        "live baseline --set workload.start_after=0s --quiet --pulse --agents 3 "
                        "--duration 3s --nats " +
                            server.url() + as("live"));
  // A 3 s baseline may miss assertions tuned for a day's work (exit 1); what matters here is
  // that nothing was refused (exit 5) and every claim was confirmed and counted.
  EXPECT_TRUE(r.code == 0 || r.code == 1) << r.out;
  EXPECT_NE(r.out.find(", lost 0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("permission denied"), std::string::npos) << r.out;
  EXPECT_EQ(server.log().find("Permissions Violation"), std::string::npos) << server.log();
}

TEST(Permissions, PulseRunsUnderItsDocumentedPermissions) {
  NatsServer server(documented_users());
  ASSERT_SERVER(server);
  const Outcome r = sim(server, "pulse --cluster chorus-sim --tempo 600 --duration 2s --nats " +
                                    server.url() + as("pulse"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(server.log().find("Permissions Violation"), std::string::npos) << server.log();
}

TEST(Permissions, ObserveRunsUnderItsDocumentedPermissions) {
  NatsServer server(documented_users());
  ASSERT_SERVER(server);
  const Outcome r =
      sim(server, "observe --quiet --duration 2s --nats " + server.url() + as("observe"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(server.log().find("Permissions Violation"), std::string::npos) << server.log();
}

TEST(Permissions, PulseDeniedPublishingStopsWithExit5NamingTheSubject) {
  NatsServer server(documented_users());
  ASSERT_SERVER(server);
  const Outcome r = sim(server, "pulse --cluster chorus-sim --tempo 600 --duration 10s --nats " +
                                    server.url() + as("observe"));
  EXPECT_EQ(r.code, kExitPermissionDenied) << r.out;
  EXPECT_NE(r.out.find("refused publishing to 'backbeat.beat.chorus-sim'"), std::string::npos)
      << r.out;
}

TEST(Permissions, ObserveDeniedSubscribingStopsWithExit5NamingTheSubject) {
  NatsServer server(documented_users());
  ASSERT_SERVER(server);
  const Outcome r =
      sim(server, "observe --quiet --duration 10s --nats " + server.url() + as("pulse"));
  EXPECT_EQ(r.code, kExitPermissionDenied) << r.out;
  EXPECT_NE(r.out.find("subscribe to 'backbeat.>' (permission denied)"), std::string::npos)
      << r.out;
}

// The least privilege an operator would guess (only the cluster's backbeat subjects) silently
// disabled claim confirmation before: now the run refuses to start, naming the subject.
TEST(Permissions, LiveWithoutTheConfirmationSubjectFailsWithExit5NamingIt) {
  NatsServer server(documented_users(R"(    { user: guess, password: "guess-example-password"
      permissions: { publish: ["backbeat.*.chorus-sim", "backbeat.*.chorus-sim.>"],
                     subscribe: ["backbeat.*.chorus-sim", "backbeat.*.chorus-sim.>"] } }
)"));
  ASSERT_SERVER(server);
  const Outcome r = sim(server,
                        "live baseline --set workload.start_after=0s --quiet --pulse --agents 2 "
                        "--duration 3s --nats " +
                            server.url() + as("guess"));
  EXPECT_EQ(r.code, kExitPermissionDenied) << r.out;
  EXPECT_NE(r.out.find("subscribe to '_BACKBEAT.confirm."), std::string::npos) << r.out;
}

// Agents that may not publish their claims: every claim is lost, and run.json says why.
TEST(Permissions, LiveDeniedPublishingClaimsAttributesEveryLostClaim) {
  NatsServer server(documented_users(R"(    { user: mute, password: "mute-example-password"
      permissions: {
        publish: ["backbeat.beat.chorus-sim", "_BACKBEAT.confirm.*"]
        subscribe: ["backbeat.status.chorus-sim.>", "backbeat.beat.chorus-sim",
                    "_BACKBEAT.confirm.*"] } }
)"));
  ASSERT_SERVER(server);
  const fs::path dir = fs::path(server.dir()) / "run";
  const Outcome r =
      sim(server,
          "live baseline --set workload.start_after=0s --pulse --agents 2 --duration 3s --out " +
              dir.string() + " --nats " + server.url() + as("mute"));
  EXPECT_EQ(r.code, kExitPermissionDenied) << r.out;
  const std::string subject = "backbeat.status.chorus-sim.chorus:agent-0";
  EXPECT_NE(r.out.find("permission denied: the NATS server refused publishing to '" + subject),
            std::string::npos)
      << r.out;
  const nlohmann::json run =
      nlohmann::json::parse(testing::read_text_file((dir / "run.json").string()));
  const nlohmann::json& violations = run["live"]["permission_violations"];
  ASSERT_FALSE(violations.empty()) << run["live"].dump();
  std::uint64_t refused = 0;
  for (const nlohmann::json& v : violations) {
    EXPECT_EQ(v["operation"], "publish") << v.dump();
    refused += v["count"].get<std::uint64_t>();
  }
  const nlohmann::json& gaps = run["live"]["claim_gaps"];
  ASSERT_FALSE(gaps.empty());
  std::uint64_t lost = 0;
  for (const nlohmann::json& g : gaps) {
    EXPECT_EQ(g["cause"].get<std::string>().rfind("permission denied on backbeat.status.", 0), 0u)
        << g.dump();
    lost += g["count"].get<std::uint64_t>();
  }
  EXPECT_GT(lost, 0u);
  // Every published claim was refused by the server and lost for that reason.
  EXPECT_EQ(refused, lost) << run["live"].dump();
}

}  // namespace
}  // namespace backbeat::live
