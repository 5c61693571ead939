// Credentials and TLS failures get a documented exit code and a clear message, and secrets can
// be kept off the command line. Runs the built backbeat-sim against nats-servers started by the
// test (mutual TLS with a test CA made by openssl here).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/live/live_fixture.h"

namespace backbeat::live {
namespace {

namespace fs = std::filesystem;
using testing::NatsServer;
using testing::NatsServerOptions;

constexpr int kExitBadInput = 2;
constexpr int kExitNatsConnection = 4;

using Outcome = testing::CommandOutcome;

// Runs `env_prefix backbeat-sim args`, output captured in `dir`.
Outcome sim(const std::string& dir, const std::string& args, const std::string& env_prefix = "") {
  return testing::run_command(env_prefix + " " + BACKBEAT_SIM_BINARY + " " + args, dir);
}

std::string pulse_on(const NatsServer& server) {
  return "pulse --cluster c --tempo 600 --duration 1s --nats " + server.url();
}

TEST(Credentials, PasswordFileAuthenticatesWithItsTrailingNewlineStripped) {
  NatsServerOptions options;
  options.user = "u";
  options.password = "Secr3t-pass";
  NatsServer server(options);
  ASSERT_SERVER(server);
  const fs::path file = fs::path(server.dir()) / "password";
  std::ofstream(file) << "Secr3t-pass\n";
  const Outcome r =
      sim(server.dir(), pulse_on(server) + " --user u --password-file " + file.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("Secr3t"), std::string::npos) << r.out;
  // The same file through the environment.
  const Outcome e = sim(server.dir(), pulse_on(server) + " --user u",
                        "BACKBEAT_NATS_PASSWORD_FILE=" + file.string());
  EXPECT_EQ(e.code, 0) << e.out;
  // A wrong one is rejected by the server, and its content is not echoed either.
  std::ofstream(file) << "Secr3t-wrong\n";
  const Outcome w =
      sim(server.dir(), pulse_on(server) + " --user u --password-file " + file.string());
  EXPECT_EQ(w.code, kExitNatsConnection) << w.out;
  EXPECT_EQ(w.out.find("Secr3t"), std::string::npos) << w.out;
}

TEST(Credentials, TokenFileAuthenticates) {
  NatsServerOptions options;
  options.token = "Secr3t-token";
  NatsServer server(options);
  ASSERT_SERVER(server);
  const fs::path file = fs::path(server.dir()) / "token";
  std::ofstream(file) << "Secr3t-token\r\n";
  const Outcome r = sim(server.dir(), pulse_on(server) + " --token-file " + file.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("Secr3t"), std::string::npos) << r.out;
}

TEST(Credentials, MalformedSeedFileIsBadInputNamingTheFlag) {
  NatsServer server;
  ASSERT_SERVER(server);
  const fs::path file = fs::path(server.dir()) / "user.seed";
  std::ofstream(file) << "Secr3t but no seed\n";
  const Outcome r =
      sim(server.dir(), pulse_on(server) +
                            " --nkey UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"
                            " --nkey-seed " +
                            file.string());
  EXPECT_EQ(r.code, kExitBadInput) << r.out;
  EXPECT_NE(r.out.find("--nkey-seed (BACKBEAT_NATS_NKEY_SEED)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("holds no NKey user seed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Secr3t"), std::string::npos) << r.out;
}

TEST(Credentials, MalformedCredsFileIsBadInputNamingTheFlag) {
  NatsServer server;
  ASSERT_SERVER(server);
  const fs::path file = fs::path(server.dir()) / "user.creds";
  std::ofstream(file) << "-----BEGIN NATS USER JWT-----\nSecr3t\n------END NATS USER JWT------\n";
  const Outcome r = sim(server.dir(), pulse_on(server) + " --creds " + file.string());
  EXPECT_EQ(r.code, kExitBadInput) << r.out;
  EXPECT_NE(r.out.find("--creds (BACKBEAT_NATS_CREDS)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no NKey user seed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Secr3t"), std::string::npos) << r.out;
}

class MutualTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::openssl_available()) << "openssl is needed to make the test CA";
    char pattern[] = "/tmp/backbeat-mtls-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    pki_ = pattern;
    ASSERT_EQ(testing::generate_test_pki(pki_), "");
    ASSERT_EQ(testing::generate_test_pki(pki_, "other-"), "");  // a CA the server does not trust
  }
  void TearDown() override { fs::remove_all(pki_); }
  NatsServerOptions verifying_server() const {
    NatsServerOptions options;
    options.tls_cert_file = pki_ + "/server.pem";
    options.tls_key_file = pki_ + "/server-key.pem";
    options.tls_ca_file = pki_ + "/ca.pem";
    options.extra_args = {"--tlsverify"};
    return options;
  }
  std::string pki_;
};

TEST_F(MutualTls, MissingClientCertificateExits4SayingSo) {
  NatsServer server(verifying_server());
  ASSERT_SERVER(server);
  const Outcome r = sim(server.dir(), pulse_on(server) + " --tls-ca " + pki_ + "/ca.pem");
  EXPECT_EQ(r.code, kExitNatsConnection) << r.out;
  EXPECT_NE(r.out.find("requires a client certificate it trusts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("none was given"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Protocol Error"), std::string::npos) << r.out;
}

TEST_F(MutualTls, UntrustedClientCertificateExits4SayingSo) {
  NatsServer server(verifying_server());
  ASSERT_SERVER(server);
  const Outcome r =
      sim(server.dir(), pulse_on(server) + " --tls-ca " + pki_ + "/ca.pem" + " --tls-cert " + pki_ +
                            "/other-server.pem" + " --tls-key " + pki_ + "/other-server-key.pem");
  EXPECT_EQ(r.code, kExitNatsConnection) << r.out;
  EXPECT_NE(r.out.find("refused the one given"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Protocol Error"), std::string::npos) << r.out;
}

TEST_F(MutualTls, TrustedClientCertificateConnects) {
  NatsServer server(verifying_server());
  ASSERT_SERVER(server);
  const Outcome r =
      sim(server.dir(), pulse_on(server) + " --tls-ca " + pki_ + "/ca.pem" + " --tls-cert " + pki_ +
                            "/server.pem" + " --tls-key " + pki_ + "/server-key.pem");
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST_F(MutualTls, OptionalTlsServerIsNotSaidToLackTls) {
  const fs::path config = fs::path(pki_) / "optional-tls.conf";
  std::ofstream(config) << "tls { cert_file: \"" << pki_ << "/server.pem\", key_file: \"" << pki_
                        << "/server-key.pem\" }\nallow_non_tls: true\n";
  NatsServerOptions options;
  options.extra_args = {"-c", config.string()};
  NatsServer server(options);
  ASSERT_SERVER(server);
  const Outcome r = sim(server.dir(), pulse_on(server) + " --tls --tls-ca " + pki_ + "/ca.pem");
  EXPECT_EQ(r.code, kExitNatsConnection) << r.out;
  EXPECT_EQ(r.out.find("does not offer it"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("allow_non_tls"), std::string::npos) << r.out;
}

TEST(Credentials, TopLevelHelpListsTheLiveExitCodes) {
  const Outcome r = sim(fs::temp_directory_path().string(), "--help");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("exit 4 (cannot connect or authenticate to NATS)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("5 (the NATS server denied"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace backbeat::live
