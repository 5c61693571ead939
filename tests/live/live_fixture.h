// What every live test binary shares: nats.c initialised once for the whole run (a gtest
// environment registered by live_fixture.cc, as main() would hold a NatsLibraryGuard), connection
// options that fail and reconnect fast, and an assertion that a test server started.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/contracts/beat_frame.h"
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

// A contract-valid frame of `cluster` at `index` (what a hostile publisher can forge).
BeatFrame valid_frame(const std::string& cluster, std::int64_t index);

// What a command printed (standard output and error together) and its exit code (-1 when it did
// not exit normally).
struct CommandOutcome {
  int code = -1;
  std::string out;
};
// Runs `command` through /bin/sh, its output captured in a file in `dir`.
CommandOutcome run_command(const std::string& command, const std::string& dir);
// The content of `path`, "" when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace backbeat::live::testing
