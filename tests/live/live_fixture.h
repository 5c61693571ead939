// What every live test binary shares: nats.c initialised once for the whole run (a gtest
// environment registered by live_fixture.cc, as main() would hold a NatsLibraryGuard), connection
// options that fail and reconnect fast, and an assertion that a test server started.
#pragma once

#include <chrono>
#include <string>

#include "core/nats/nats_transport.h"
#include "tests/live/nats_server.h"

namespace backbeat::live::testing {

// Fails the test with the server's own error when it did not start.
#define ASSERT_SERVER(server) ASSERT_TRUE((server).ok()) << (server).error()

// Options for `url`: 1 s connect timeout, 50 ms between reconnect attempts.
inline NatsOptions fast_options(const std::string& url,
                                const std::string& name = "backbeat-live-test") {
  using namespace std::chrono_literals;
  NatsOptions options;
  options.servers = url;
  options.name = name;
  options.connect_timeout = 1s;
  options.reconnect_wait = 50ms;
  return options;
}

inline NatsOptions fast_options(const NatsServer& server) {
  return fast_options(server.url());
}

}  // namespace backbeat::live::testing
