// NatsServer: a real nats-server child process for live tests, on 127.0.0.1 and a port the server
// picks itself (-p -1, read back from its ports file). RAII: the destructor stops it (SIGTERM,
// then SIGKILL) and removes its temporary directory, whatever the test did.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace backbeat::live::testing {

inline constexpr const char* kNatsServerPath = "/usr/sbin/nats-server";

struct NatsServerOptions {
  std::string user;      // --user (with --pass)
  std::string password;  // --pass
  std::string token;     // --auth
  // TLS: PEM files; all three set => --tls --tlscert --tlskey --tlscacert.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_ca_file;
  // JetStream on (-js), its store in dir()/store: kept across restart(), as a crash would leave it.
  bool jetstream = false;
  std::vector<std::string> extra_args;
};

class NatsServer {
 public:
  // Starts the server and waits until it accepts connections. On failure ok() is false and
  // error() says why (nats-server missing, exited early, never became ready).
  explicit NatsServer(NatsServerOptions options = {});
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;
  ~NatsServer();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  int port() const { return port_; }
  std::string url() const;  // nats://127.0.0.1:PORT
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }  // temporary directory, removed at the end
  std::string log() const;                         // the server's log so far

  // Stops the server gracefully (SIGTERM, SIGKILL after a grace period). Idempotent.
  void stop();
  // Kills the server with SIGKILL, as a crash would.
  void kill();
  // Starts the server again on the same port (after stop() or kill()); false with error() set if
  // it does not come up.
  bool restart();

  // True when nats-server is installed where the tests expect it.
  static bool installed();

 private:
  bool start(int port);  // port -1: let the server choose
  bool wait_ready(std::chrono::milliseconds timeout);
  void reap(std::chrono::milliseconds grace, bool force);

  NatsServerOptions options_;
  std::string dir_;
  std::string error_;
  pid_t pid_ = -1;
  int port_ = -1;
  int starts_ = 0;
};

// Runs `command` through /bin/sh; true when it exits 0.
bool run_shell(const std::string& command);

// True when `openssl` is on the PATH.
bool openssl_available();

// Generates, in `dir`, a CA (ca.pem, ca-key.pem) and a server certificate for 127.0.0.1 and
// localhost signed by it (server.pem, server-key.pem). With `prefix`, the file names start with
// it (e.g. "other-ca.pem"). Returns an error description or "".
std::string generate_test_pki(const std::string& dir, const std::string& prefix = "");

}  // namespace backbeat::live::testing
