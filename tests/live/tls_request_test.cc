// A request for TLS is honoured whatever its spelling: nothing secret goes out in clear.
//
// A fake server on loopback speaks just enough NATS to make the client show what it would send:
// it greets with an INFO that offers no TLS and records every byte the client sends. Asked for
// TLS by a tls:// URL in any case, the client must give up (TLS mismatch) without sending its
// CONNECT (which carries the password). The control run with nats:// shows the capture works:
// there the password is on the wire, which is exactly what the TLS request must prevent.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "core/nats/event_loop.h"
#include "core/nats/nats_transport.h"

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "TopSecret-4f1d";

// Accepts one connection, greets it as a plain (non-TLS) NATS server, and keeps every byte the
// client sends until it closes or `linger` passes.
class PlainFakeServer {
 public:
  PlainFakeServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ok_ = listener_ >= 0 &&
          ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
          ::listen(listener_, 4) == 0;
    socklen_t len = sizeof addr;
    ok_ = ok_ && ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
    if (ok_) thread_ = std::thread([this] { serve(); });
  }
  ~PlainFakeServer() {
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  bool ok() const { return ok_; }
  int port() const { return port_; }
  // Waits for the session to end, then returns what the client sent.
  std::string received() {
    if (thread_.joinable()) thread_.join();
    return received_;
  }

 private:
  void serve() {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    const std::string info =
        "INFO {\"server_id\":\"fake\",\"version\":\"2.9.15\",\"proto\":1,\"host\":\"127.0.0.1\","
        "\"port\":" +
        std::to_string(port_) + ",\"max_payload\":1048576,\"tls_required\":false}\r\n";
    (void)!::write(fd, info.data(), info.size());
    const auto until = std::chrono::steady_clock::now() + 2s;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < until) {
      pollfd c{fd, POLLIN, 0};
      if (::poll(&c, 1, 100) <= 0) continue;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  bool ok_ = false;
  std::thread thread_;
  std::string received_;
};

NatsOptions options_for(const std::string& url) {
  NatsOptions o;
  o.servers = url;
  o.connect_timeout = 1s;
  o.allow_reconnect = false;
  o.max_reconnect_attempts = 0;
  return o;
}

TEST(TlsRequest, ATlsUrlInAnySpellingNeverSendsThePasswordInClear) {
  for (const std::string scheme : {"tls", "TLS", "Tls", "tLS"}) {
    PlainFakeServer server;
    ASSERT_TRUE(server.ok());
    EventLoop loop;
    auto connected = NatsTransport::connect(
        options_for(scheme + "://alice:" + kSecret + "@127.0.0.1:" + std::to_string(server.port())),
        loop);
    EXPECT_FALSE(connected.is_ok()) << scheme << ": connected to a server without TLS";
    const std::string wire = server.received();
    EXPECT_EQ(wire.find(kSecret), std::string::npos) << scheme << ": password in clear: " << wire;
    EXPECT_EQ(wire.find("CONNECT"), std::string::npos) << scheme << ": CONNECT in clear: " << wire;
    if (!connected) {
      EXPECT_EQ(connected.status().message().find(kSecret), std::string::npos)
          << connected.status().message();
    }
  }
}

TEST(TlsRequest, TheCaptureSeesAPlainConnectSoTheTestCanFail) {
  PlainFakeServer server;
  ASSERT_TRUE(server.ok());
  EventLoop loop;
  auto connected =
      NatsTransport::connect(options_for(std::string("nats://alice:") + kSecret +
                                         "@127.0.0.1:" + std::to_string(server.port())),
                             loop);
  EXPECT_FALSE(connected.is_ok()) << "the fake server never answers PING";
  const std::string wire = server.received();
  EXPECT_NE(wire.find("CONNECT"), std::string::npos) << wire;
  EXPECT_NE(wire.find(kSecret), std::string::npos) << "plain nats:// sends the password: " << wire;
}

TEST(TlsRequest, CredentialsInClearToAnotherMachineAreWarnedOrRefused) {
  NatsOptions remote = options_for("nats://alice:pw@nats.example.org:4222");
  const std::string warning = cleartext_credentials_warning(remote);
  EXPECT_NE(warning.find("without TLS"), std::string::npos) << warning;
  EXPECT_EQ(warning.find("pw@"), std::string::npos) << warning;
  EXPECT_NE(warning.find("nats://***@nats.example.org:4222"), std::string::npos) << warning;

  NatsOptions password = options_for("nats://nats.example.org");
  password.password = "pw";
  EXPECT_NE(cleartext_credentials_warning(password).find("password"), std::string::npos);
  NatsOptions token = options_for("nats://nats.example.org");
  token.token = "tok";
  EXPECT_NE(cleartext_credentials_warning(token).find("token"), std::string::npos);

  // No warning: TLS asked for (any spelling, flag or CA file), loopback, or nothing secret.
  EXPECT_EQ(cleartext_credentials_warning(options_for("TLS://alice:pw@nats.example.org")), "");
  NatsOptions flag = remote;
  flag.tls = true;
  EXPECT_EQ(cleartext_credentials_warning(flag), "");
  NatsOptions ca = remote;
  ca.tls_ca_file = "/etc/ssl/ca.pem";
  EXPECT_EQ(cleartext_credentials_warning(ca), "");
  EXPECT_EQ(cleartext_credentials_warning(options_for("nats://alice:pw@127.0.0.1:4222")), "");
  EXPECT_EQ(cleartext_credentials_warning(options_for("nats://nats.example.org")), "");

  // Refused before any connection when asked to.
  remote.refuse_cleartext_credentials = true;
  EventLoop loop;
  auto refused = NatsTransport::connect(remote, loop);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().find("pw@"), std::string::npos);
}

}  // namespace
}  // namespace backbeat::live
