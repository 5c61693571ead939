#include "tests/live/live_fixture.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

namespace backbeat::live::testing {
namespace {

// One NatsLibraryGuard for the whole test run. Made in SetUp and closed in TearDown, not at
// static initialisation/destruction time (nats.c's own exit-time cleanup may already have run by
// then).
class NatsLibraryEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { guard_.emplace(); }
  void TearDown() override {
    const Status s = guard_->close();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    guard_.reset();
  }

 private:
  std::optional<NatsLibraryGuard> guard_;
};

[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new NatsLibraryEnvironment);

}  // namespace

BeatFrame valid_frame(const std::string& cluster, std::int64_t index) {
  BeatFrame f;
  f.cluster_id = cluster;
  f.beat_index = index;
  f.phase = BeatPhase::kPlan;
  f.hlc = "01a2:0003:9f1c";
  f.deadline_at = Time(std::chrono::seconds(1'800'000'000));
  f.tempo_bpm = 240.0;
  f.window_id = "5d0c6f1e2b3a49788a1b2c3d4e5f6071";
  return f;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CommandOutcome run_command(const std::string& command, const std::string& dir) {
  const std::string out = dir + "/command-output.txt";
  const int status = std::system((command + " > '" + out + "' 2>&1").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text_file(out)};
}

}  // namespace backbeat::live::testing
