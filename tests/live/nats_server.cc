#include "tests/live/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace backbeat::live::testing {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// True when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The port in a ports file: {"nats": ["nats://127.0.0.1:PORT"], ...}; -1 if not (yet) there.
int port_from_ports_file(const fs::path& path) {
  const std::string text = read_file(path);
  if (text.empty()) return -1;
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("nats") || !json["nats"].is_array() ||
      json["nats"].empty() || !json["nats"][0].is_string()) {
    return -1;
  }
  const std::string url = json["nats"][0].get<std::string>();
  const std::size_t colon = url.rfind(':');
  if (colon == std::string::npos) return -1;
  return std::atoi(url.c_str() + colon + 1);
}

}  // namespace

bool NatsServer::installed() {
  return ::access(kNatsServerPath, X_OK) == 0;
}

NatsServer::NatsServer(NatsServerOptions options) : options_(std::move(options)) {
  if (!installed()) {
    error_ = std::string("nats-server is not installed at ") + kNatsServerPath +
             " (apt-get install nats-server): the live tests need a real server";
    return;
  }
  char pattern[] = "/tmp/backbeat-nats-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    error_ = std::string("mkdtemp failed: ") + std::strerror(errno);
    return;
  }
  dir_ = pattern;
  start(-1);
}

NatsServer::~NatsServer() {
  stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

std::string NatsServer::url() const {
  return "nats://127.0.0.1:" + std::to_string(port_);
}

std::string NatsServer::log() const {
  return dir_.empty() ? std::string() : read_file(fs::path(dir_) / "server.log");
}

bool NatsServer::start(int port) {
  error_.clear();
  const fs::path ports_dir = fs::path(dir_) / ("ports" + std::to_string(starts_++));
  fs::create_directories(ports_dir);

  std::vector<std::string> args = {
      kNatsServerPath,   "-a", "127.0.0.1", "-p", std::to_string(port), "--ports_file_dir",
      ports_dir.string()};
  if (!options_.user.empty()) {
    args.insert(args.end(), {"--user", options_.user, "--pass", options_.password});
  }
  if (!options_.token.empty()) args.insert(args.end(), {"--auth", options_.token});
  if (!options_.tls_cert_file.empty()) {
    args.insert(args.end(),
                {"--tls", "--tlscert", options_.tls_cert_file, "--tlskey", options_.tls_key_file});
    if (!options_.tls_ca_file.empty())
      args.insert(args.end(), {"--tlscacert", options_.tls_ca_file});
  }
  if (options_.jetstream) {
    args.insert(args.end(), {"-js", "-sd", (fs::path(dir_) / "store").string()});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());

  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = (fs::path(dir_) / "server.log").string();

  const pid_t pid = ::fork();
  if (pid < 0) {
    error_ = std::string("fork failed: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {  // child: only async-signal-safe calls until exec
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;

  // The ports file appears once the listener is up; then check that it accepts connections.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "nats-server exited during start-up; its log:\n" + log();
      return false;
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(ports_dir, ec)) {
      if (entry.path().extension() == ".ports") port_ = port_from_ports_file(entry.path());
    }
    if (port_ > 0 && (port < 0 || port_ == port) && port_accepts(port_)) return true;
    std::this_thread::sleep_for(5ms);
  }
  error_ = "nats-server did not become ready within 10 s; its log:\n" + log();
  reap(0ms, true);
  return false;
}

void NatsServer::reap(std::chrono::milliseconds grace, bool force) {
  if (pid_ <= 0) return;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      if (!force) break;
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  pid_ = -1;
}

void NatsServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  reap(5000ms, true);
}

void NatsServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(5000ms, true);
}

bool NatsServer::restart() {
  stop();
  if (dir_.empty() || port_ <= 0) {
    error_ = "restart() needs a server that started once";
    return false;
  }
  return start(port_);
}

bool run_shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

bool openssl_available() {
  return run_shell("command -v openssl >/dev/null 2>&1");
}

std::string generate_test_pki(const std::string& dir, const std::string& prefix) {
  const std::string p = dir + "/" + prefix;
  const std::string quiet = " >>'" + dir + "/openssl.log' 2>&1";
  const std::string ext = p + "san.ext";
  {
    std::ofstream out(ext);
    out << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
           "basicConstraints=CA:FALSE\n"
           "keyUsage=digitalSignature,keyEncipherment\n"
           "extendedKeyUsage=serverAuth,clientAuth\n";
  }
  const std::string commands[] = {
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=backbeat test CA' -keyout '" +
          p + "ca-key.pem' -out '" + p + "ca.pem'",
      "openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout '" + p +
          "server-key.pem' -out '" + p + "server.csr'",
      "openssl x509 -req -in '" + p + "server.csr' -CA '" + p + "ca.pem' -CAkey '" + p +
          "ca-key.pem' -CAcreateserial -days 2 -extfile '" + ext + "' -out '" + p + "server.pem'",
  };
  for (const std::string& command : commands) {
    if (!run_shell(command + quiet)) {
      return "openssl failed: " + command + "\n" + read_file(fs::path(dir) / "openssl.log");
    }
  }
  return "";
}

}  // namespace backbeat::live::testing
