// The newcomer's first hour (issue 13 section 5): what the command prints for ordinary use must
// be right as printed -- a replay of an interrupted run reproduces it, the reproduce line
// reproduces, the suggestions suggest, the text summary's columns line up, and the README's
// commands run as written. Each test spawns the built backbeat-sim.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
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
  // A shell command line run in the test's folder, for what needs one (a signal, a glob, relative
  // paths); $SIM is the binary.
  Spawned shell(const std::string& script) {
    return spawn({"/bin/sh", "-c", "cd \"$DIR\" || exit 99\n" + script}, dir_,
                 {{"SIM", kSim}, {"DIR", dir_.string()}});
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

#ifdef BACKBEAT_WITH_LIVE
// Live mode prints each disconnect and reconnect as it happens, with the time: the NATS server is
// stopped for ~1.5 s in the middle of a run and started again on the same port.
TEST_F(FirstHour, LivePrintsDisconnectsAndReconnectsAsTheyHappen) {
  if (shell("command -v nats-server").exit_code != 0) GTEST_SKIP() << "no nats-server";
  Spawned r = shell(
      "nats-server -a 127.0.0.1 -p -1 >n1.log 2>&1 & n=$!\n"
      "for i in $(seq 50); do grep -q 'Listening for client' n1.log && break; sleep 0.1; done\n"
      "port=$(sed -n 's/.*Listening for client connections on 127.0.0.1:\\([0-9]*\\).*/\\1/p' "
      "n1.log)\n"
      "\"$SIM\" live baseline --nats nats://127.0.0.1:$port --pulse --tempo 120 --duration 8s "
      "--quiet >live.out 2>live.err & l=$!\n"
      "sleep 2.5; kill $n; wait $n; sleep 1.5\n"
      "nats-server -a 127.0.0.1 -p $port >n2.log 2>&1 & n=$!\n"
      "wait $l; echo \"exit=$?\"; kill $n; wait $n; cat live.err\n");
  EXPECT_NE(r.out.find("exit="), std::string::npos) << r.out << r.err;
  const std::regex down(
      R"(live      \d\d:\d\d:\d\d\.\d{3} UTC \(\+\d+\.\d s\): NATS disconnected)");
  const std::regex up(R"(live      \d\d:\d\d:\d\d\.\d{3} UTC \(\+\d+\.\d s\): NATS reconnected)");
  EXPECT_TRUE(std::regex_search(r.out, down)) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, up)) << r.out;
  EXPECT_LT(r.out.find("NATS disconnected"), r.out.find("NATS reconnected")) << r.out;
}
#endif

// The value of the line that starts with `label` ("" when there is none).
std::string line_after(const std::string& text, const std::string& label) {
  const std::size_t at = text.find("\n" + label);
  if (at == std::string::npos) return "";
  const std::size_t begin = at + 1 + label.size();
  return text.substr(begin, text.find('\n', begin) - begin);
}

// Every run prints one reproduce line with every --set, quoted for the shell; run through a shell
// it gives the same fingerprint (a quote, spaces and double quotes in a value included).
TEST_F(FirstHour, ReproduceLineReproducesEveryOverride) {
  Spawned first = sim({"run", "baseline", "--seed", "7", "--set", "duration=5m", "--set",
                       "description=a b's \"c\" $HOME", "--set", "workload.operations.0.count=7"});
  ASSERT_LE(first.exit_code, 1) << first.err;
  const std::string reproduce = line_after(first.out, "reproduce ");
  ASSERT_TRUE(reproduce.starts_with("backbeat-sim run baseline --seed 7 ")) << first.out;
  EXPECT_NE(reproduce.find("--set duration=5m"), std::string::npos) << reproduce;
  EXPECT_NE(reproduce.find("--set workload.operations.0.count=7"), std::string::npos) << reproduce;
  const std::size_t count = first.out.find("\nreproduce ");
  EXPECT_EQ(first.out.find("\nreproduce ", count + 1), std::string::npos) << "more than one";

  Spawned again =
      shell("\"$SIM\"" + reproduce.substr(std::string("backbeat-sim").size()) + " --json");
  ASSERT_LE(again.exit_code, 1) << again.err;
  const std::string fingerprint = line_after(first.out, "fingerprint ");
  ASSERT_EQ(fingerprint.size(), 16u) << first.out;
  EXPECT_NE(again.out.find("\"fingerprint\":\"" + fingerprint + "\""), std::string::npos)
      << again.out.substr(0, 400);
  EXPECT_NE(again.out.find("a b's \\\"c\\\" $HOME"), std::string::npos) << "the description";
}

// Where each whitespace-separated word of `line` ends.
std::vector<std::size_t> word_ends(const std::string& line) {
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != ' ' && (i + 1 == line.size() || line[i + 1] == ' ')) ends.push_back(i + 1);
  }
  return ends;
}

// The operations table: every header is one word, and every cell of every row ends where its
// header ends (numbers right-aligned) -- with a type name longer than the usual column and a
// larger count, which pushed cells out from under their headers before.
TEST_F(FirstHour, TextSummaryColumnsSitUnderTheirHeaders) {
  Spawned r = sim({"run", "baseline", "--set", "duration=5m", "--set",
                   "workload.operations.0.type=peer_discovery_of_a_very_long_name", "--set",
                   "budgets={\"peer_discovery_of_a_very_long_name\":5,\"dht_store\":4,"
                   "\"dht_retrieve\":3,\"pubsub_sync\":2}",
                   "--set", "workload.operations.1.count=2000"});
  ASSERT_LE(r.exit_code, 1) << r.err;
  std::istringstream text(r.out);
  std::vector<std::string> table;
  bool in_table = false;
  for (std::string line; std::getline(text, line);) {
    if (line.starts_with("operations ")) {
      in_table = true;
      continue;
    }
    if (in_table && !line.starts_with("          ")) break;
    if (in_table) table.push_back(line);
  }
  ASSERT_EQ(table.size(), 5u) << r.out;  // the header and four types
  const std::vector<std::size_t> header = word_ends(table[0]);
  ASSERT_EQ(header.size(), 12u) << "a header of more than one word: " << table[0];
  for (std::size_t row = 1; row < table.size(); ++row) {
    std::vector<std::size_t> cells = word_ends(table[row]);
    ASSERT_EQ(cells.size(), header.size()) << table[row];
    EXPECT_EQ(table[row].find_first_not_of(' '), table[0].find_first_not_of(' ')) << table[row];
    for (std::size_t c = 1; c < header.size(); ++c) {
      EXPECT_EQ(cells[c], header[c]) << "column " << c << " of\n" << table[0] << "\n" << table[row];
    }
  }
}

// The command lines of README's "A tour of the command", run as written from a folder holding the
// repository's scenarios/ (so `validate scenarios/*.json` sees schema.json too). Live lines need
// a NATS server on 4222 and are tests/live's; tune's 200 seeds become 20 (same command, a tenth
// of the time).
TEST_F(FirstHour, ReadmeTourRunsAsWritten) {
  std::ifstream in(std::string(BACKBEAT_SCENARIOS_SOURCE_DIR) + "/../README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  const std::string text = readme.str();
  const std::size_t tour = text.find("## A tour of the command");
  ASSERT_NE(tour, std::string::npos);
  const std::size_t begin = text.find("```sh\n", tour);
  const std::size_t end = text.find("```", begin + 6);
  ASSERT_NE(end, std::string::npos);
  std::istringstream block(text.substr(begin + 6, end - begin - 6));
  fs::create_directory_symlink(fs::path(BACKBEAT_SCENARIOS_SOURCE_DIR), dir_ / "scenarios");
  int commands = 0;
  for (std::string line; std::getline(block, line);) {
    if (!line.starts_with("$B ")) continue;
    const std::string command = line.substr(3, line.find(" #") - 3);
    if (command.starts_with("live") || command.starts_with("pulse") ||
        command.starts_with("observe")) {
      continue;
    }
    std::string script = "B=\"$SIM\"; " + line;
    if (const std::size_t at = script.find("--seeds 200"); at != std::string::npos) {
      script.replace(at, 11, "--seeds 20");
    }
    const int expected = line.find("meant to fail: exit 1") != std::string::npos ? 1 : 0;
    Spawned r = shell(script);
    EXPECT_EQ(r.exit_code, expected) << line << "\n" << r.err.substr(0, 2000);
    ++commands;
  }
  EXPECT_GE(commands, 10);
}

}  // namespace
}  // namespace backbeat
