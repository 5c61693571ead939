// The newcomer's first hour (issue 13 section 5): what the command prints for ordinary use must
// be right as printed -- a replay of an interrupted run reproduces it, the reproduce line
// reproduces, the suggestions suggest, the text summary's columns line up, and the README's
// commands run as written. Each test spawns the built backbeat-sim.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/reliability/spawn_process.h"

namespace backbeat {
namespace {

namespace fs = std::filesystem;

const std::string kSim = BACKBEAT_SIM_BINARY;

class FirstHour : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/backbeat-first-hour-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Spawned sim(std::vector<std::string> args) {
    args.insert(args.begin(), kSim);
    return spawn(args, dir_);
  }
  // A shell command line, for what needs one (a signal, a glob); $SIM is the binary.
  Spawned shell(const std::string& script) {
    return spawn({"/bin/sh", "-c", script}, dir_, {{"SIM", kSim}});
  }

  fs::path dir_;
};

// Ctrl-C during `run --out` saves what was simulated; `replay DIR` replays that length (not the
// whole duration) and reproduces the fingerprint.
TEST_F(FirstHour, ReplayOfAnInterruptedRunReproducesIt) {
  const std::string out = (dir_ / "run").string();
  // SIGINT only once the command has its handler (SigCgt bit 2 in /proc): a background job of a
  // non-interactive shell ignores SIGINT until then, and a second SIGINT would terminate it.
  Spawned r = shell("\"$SIM\" run baseline --set duration=2000h --quiet --out '" + out +
                    "' & p=$!\n"
                    "while :; do\n"
                    "  m=$(awk '/^SigCgt/ {print $2}' /proc/$p/status 2>/dev/null) || break\n"
                    "  [ -z \"$m\" ] && break\n"
                    "  [ $(( 0x$m & 2 )) -ne 0 ] && break\n"
                    "  sleep 0.05\n"
                    "done\n"
                    "kill -INT $p; wait $p; echo \"exit=$?\"\n");
  ASSERT_NE(r.out.find("exit=130"), std::string::npos) << r.out << r.err;
  ASSERT_NE(read_file(dir_ / "run" / "run.json").find("\"interrupted\": true"), std::string::npos);

  Spawned replay = sim({"replay", out, "--quiet"});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("replay    REPRODUCED fingerprint"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("the saved run was interrupted: replayed its first"), std::string::npos)
      << replay.out;
}

}  // namespace
}  // namespace backbeat
