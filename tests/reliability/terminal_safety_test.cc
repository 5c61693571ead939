// Nothing handed to the tool reaches the terminal raw. A flag value, an environment variable, a
// scenario's key or value, or a path can hold an escape sequence (clear the screen, retitle the
// window, rewrite the line) or a newline that forges a line of output; whatever the command
// prints about it shows those as \xNN. The flags are read from each subcommand's --help, so a
// flag added tomorrow is covered without touching this file; a subcommand added tomorrow fails
// Subcommands.EveryOneHasABaseCommandLine until it is given one here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/backbeat_config.h"
#include "core/budget_profiles.h"
#include "sim/cli/printable_output.h"
#include "sim/cli/reproduce_line.h"
#include "tests/reliability/spawn_process.h"

namespace backbeat {
namespace {

namespace fs = std::filesystem;

const std::string kSim = BACKBEAT_SIM_BINARY;

// OSC (retitle, ended by BEL), CSI clear-screen, the one-byte C1 CSI, a carriage return, and a
// newline followed by a line of its own.
const std::string kHostile =
    "a\x1b]0;owned\x07\x1b[2J\xc2\x9b"
    "31m\r\nFORGED line";

// What may not appear in anything printed: the raw control bytes, and a line that starts where
// the hostile value's newline would have started one.
std::string raw_control_in(const std::string& printed) {
  for (std::size_t i = 0; i < printed.size(); ++i) {
    const auto byte = static_cast<unsigned char>(printed[i]);
    if (byte == 0x1b || byte == 0x07 || byte == '\r') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", byte);
      return std::string("raw byte ") + hex + " at " + std::to_string(i);
    }
    if (byte == 0xc2 && i + 1 < printed.size() &&
        static_cast<unsigned char>(printed[i + 1]) == 0x9b) {
      return "raw C1 CSI at " + std::to_string(i);
    }
  }
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("FORGED")) return "a forged line: " + line;
  }
  return "";
}

// The smallest valid command line of each subcommand, in a folder holding a run, a failing run
// and the two parts of a sharded sweep. NATS commands point at a port nothing listens on: their
// values are checked before they connect.
const std::map<std::string, std::vector<std::string>>& base_command_lines() {
  static const std::map<std::string, std::vector<std::string>> lines{
      {"run", {"baseline"}},
      {"replay", {"rundir"}},
      {"validate", {"rundir/scenario.json"}},
      {"list", {}},
      {"tune", {"baseline", "--seeds", "2"}},
      {"compare", {"rundir", "rundir"}},
      {"sweep", {"baseline", "--seeds", "2"}},
      {"merge", {"p1", "p2"}},
      {"shrink", {"faildir", "--max-runs", "2"}},
      {"timeline", {"rundir"}},
      {"live", {"--nats", "nats://127.0.0.1:1"}},
      {"pulse", {"--nats", "nats://127.0.0.1:1", "--cluster", "c"}},
      {"observe", {"--nats", "nats://127.0.0.1:1", "--duration", "1s"}},
      {"worker", {"--nats", "nats://127.0.0.1:1"}},
  };
  return lines;
}

class TerminalSafety : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/backbeat-terminal-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = new fs::path(tmpl);
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"run", "baseline", "--out", "rundir", "-q"},
             {"run", "drift_step", "--out", "faildir", "-q"},
             {"sweep", "baseline", "--seeds", "4", "--shard", "1/2", "--out", "p1", "-q"},
             {"sweep", "baseline", "--seeds", "4", "--shard", "2/2", "--out", "p2", "-q"}}) {
      Spawned r = sim(args);
      ASSERT_LE(r.exit_code, 1) << r.err;
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  // backbeat-sim ARGS, run in the fixture folder.
  static Spawned sim(const std::vector<std::string>& args,
                     std::map<std::string, std::optional<std::string>> env = {}) {
    std::vector<std::string> argv{"/bin/sh", "-c", "cd \"$DIR\" || exit 99; exec \"$SIM\" \"$@\"",
                                  "sh"};
    argv.insert(argv.end(), args.begin(), args.end());
    env["SIM"] = kSim;
    env["DIR"] = dir_->string();
    return spawn(argv, *dir_, env);
  }

  static std::string help(const std::string& subcommand) {
    return subcommand.empty() ? sim({"--help"}).out : sim({subcommand, "--help"}).out;
  }

  // Runs the command and checks what it printed; `what` names the case in a failure.
  static void expect_inert(const std::vector<std::string>& args, const std::string& what,
                           std::map<std::string, std::optional<std::string>> env = {}) {
    Spawned r = sim(args, env);
    EXPECT_TRUE(r.exit_code >= 0 && r.exit_code <= 5) << what << ": exit " << r.exit_code;
    EXPECT_EQ(raw_control_in(r.out), "") << what << ", stdout:\n" << r.out.substr(0, 2000);
    EXPECT_EQ(raw_control_in(r.err), "") << what << ", stderr:\n" << r.err.substr(0, 2000);
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << what << ":\n" << r.err;
  }

  static fs::path* dir_;
};

fs::path* TerminalSafety::dir_ = nullptr;

std::vector<std::string> subcommands_in(const std::string& help_text) {
  std::vector<std::string> names;
  bool in_section = false;
  std::istringstream lines(help_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("Subcommands:")) {
      in_section = true;
      continue;
    }
    if (in_section && line.empty()) break;
    std::smatch m;
    if (in_section && std::regex_search(line, m, std::regex(R"(^  ([a-z]+)\s)"))) {
      names.push_back(m[1]);
    }
  }
  return names;
}

// Flags that take a value ("--seeds N", "-j,--jobs J"), with the environment variable each may
// be read from.
struct ValueFlag {
  std::string name;
  std::string env;
};
std::vector<ValueFlag> value_flags_in(const std::string& help_text) {
  std::vector<ValueFlag> flags;
  const std::regex flag(R"(^\s+(?:-\w,)?(--[a-z][\w-]*) ([A-Z][^\s(]*)(?: \(Env:(\w+)\))?)");
  std::istringstream lines(help_text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, flag) && m[1] != "--help") flags.push_back({m[1], m[3]});
  }
  return flags;
}

TEST_F(TerminalSafety, EveryOneHasABaseCommandLine) {
  const std::vector<std::string> names = subcommands_in(help(""));
  ASSERT_GE(names.size(), 10u) << "could not read the subcommands from --help";
  for (const std::string& name : names) {
    EXPECT_TRUE(base_command_lines().contains(name))
        << "subcommand " << name << " is not covered: give it a base command line here";
  }
  for (const auto& [name, args] : base_command_lines()) {
    std::vector<std::string> command{name};
    command.insert(command.end(), args.begin(), args.end());
    Spawned r = sim(command);
    // Valid as written: the hostile cases then differ from a working command by one value.
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 4)
        << name << ": exit " << r.exit_code << "\n"
        << r.err.substr(0, 1000);
  }
}

TEST_F(TerminalSafety, EveryFlagValueIsShownInert) {
  std::size_t cases = 0;
  for (const auto& [name, base] : base_command_lines()) {
    const std::vector<ValueFlag> flags = value_flags_in(help(name));
    for (const ValueFlag& f : flags) {
      std::vector<std::string> args{name};
      args.insert(args.end(), base.begin(), base.end());
      auto given = std::find(args.begin(), args.end(), f.name);
      if (given != args.end() && given + 1 != args.end()) {
        *(given + 1) = kHostile;
      } else {
        args.push_back(f.name);
        args.push_back(kHostile);
      }
      expect_inert(args, name + " " + f.name);
      ++cases;
    }
  }
  EXPECT_GE(cases, 60u) << "the flags were not read from --help";
}

TEST_F(TerminalSafety, EveryEnvironmentVariableIsShownInert) {
  std::size_t cases = 0;
  for (const auto& [name, base] : base_command_lines()) {
    for (const ValueFlag& f : value_flags_in(help(name))) {
      if (f.env.empty()) continue;
      std::vector<std::string> args{name};
      args.insert(args.end(), base.begin(), base.end());
      expect_inert(args, name + " with " + f.env, {{f.env, kHostile}});
      ++cases;
    }
  }
  // And the core's own settings, read by run and live (README, "Configuration").
  for (std::string_view env :
       {kEnvEnabled, kEnvClusterId, kEnvAgentId, kEnvNatsUrl, kEnvBudgetProfile, kEnvClaimStates}) {
    expect_inert({"run", "baseline"}, "run with " + std::string(env),
                 {{std::string(env), kHostile}});
    ++cases;
  }
  EXPECT_GE(cases, 20u);
}

TEST_F(TerminalSafety, EveryPositionalIsShownInert) {
  // A run directory by the hostile name, so that commands also get past the lookup and print it.
  std::error_code ec;
  fs::copy(*dir_ / "rundir", *dir_ / kHostile,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  for (const auto& [name, base] : base_command_lines()) {
    if (base.empty() || base.front().starts_with("--")) continue;
    std::vector<std::string> args{name, kHostile};
    args.insert(args.end(), base.begin() + 1, base.end());
    expect_inert(args, name + " with a hostile first argument");
  }
}

// A scenario whose keys and string values carry the hostile text: every diagnostic quotes them.
TEST_F(TerminalSafety, ScenarioKeysAndValuesAreShownInert) {
  auto json_escaped = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || c == '"' || c == '\\') {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", byte);
        out += buf;
      } else {
        out += c;
      }
    }
    return out;
  };
  const std::string h = json_escaped(kHostile);
  const fs::path file = *dir_ / "hostile.json";
  std::ofstream(file) << "{\"version\": 1, \"name\": \"" << h << "\", \"" << h << "\": 1,\n"
                      << " \"duration\": \"" << h << "\",\n"
                      << " \"pulse\": {\"tempo_bpm\": \"" << h << "\"},\n"
                      << " \"cluster\": {\"groups\": [{\"name\": \"" << h
                      << "\", \"count\": 2}]},\n"
                      << " \"faults\": [{\"kind\": \"" << h << "\", \"at\": \"1m\"}],\n"
                      << " \"workload\": {\"operations\": [{\"type\": \"" << h
                      << "\", \"count\": 1}]}}\n";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"validate", file.string()},
           {"run", file.string()},
           {"sweep", file.string(), "--seeds", "1"},
           {"run", "baseline", "--set", "cluster.groups.0.name=\"" + h + "\""},
           {"run", "baseline", "--set", h + "=1"}}) {
    expect_inert(args, args[0] + " " + args[1] + (args.size() > 2 ? " " + args[2] : ""));
  }
  Spawned r = sim({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("\\x1b[2J"), std::string::npos) << "escaped, not dropped:\n" << r.err;
}

// A word the tool prints for copying into a shell comes back as the same bytes.
TEST(ShellQuoted, RoundTripsThroughAShellAndIsInertOnATerminal) {
  for (const std::string& word :
       {std::string("plain-dir/x"), std::string("with space"), std::string("it's"), kHostile,
        std::string("caf\xc3\xa9 \xc2\xa0nbsp"), std::string("a\\b$'c'"), std::string("")}) {
    const std::string quoted = sim::cli::shell_quoted(word);
    EXPECT_EQ(raw_control_in(quoted), "") << quoted;
    // bash decodes $'...'; sh may not, so bash is asked.
    char tmpl[] = "/tmp/backbeat-quote-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    Spawned r = spawn({"/bin/bash", "-c", "printf %s " + quoted}, tmpl);
    fs::remove_all(tmpl);
    EXPECT_EQ(r.out, word) << "quoted as " << quoted;
  }
}

// The streams every message goes through, checked byte by byte: control characters (C0 but
// newline and tab, DEL, C1, even a C1 split across two writes) are escaped, text is kept, and
// JSON stays JSON with the same value.
TEST(PrintableOutput, EscapesControlCharactersKeepsTextAndJson) {
  char err_path[] = "/tmp/backbeat-stderr-XXXXXX";
  char out_path[] = "/tmp/backbeat-stdout-XXXXXX";
  const int err_fd = ::mkstemp(err_path);
  const int out_fd = ::mkstemp(out_path);
  ASSERT_GE(err_fd, 0);
  ASSERT_GE(out_fd, 0);
  std::fflush(stdout);
  const int saved_err = ::dup(STDERR_FILENO);
  const int saved_out = ::dup(STDOUT_FILENO);
  std::FILE* const original_err = stderr;
  std::FILE* const original_out = stdout;
  ASSERT_EQ(::dup2(err_fd, STDERR_FILENO), STDERR_FILENO);
  ASSERT_EQ(::dup2(out_fd, STDOUT_FILENO), STDOUT_FILENO);
  ASSERT_TRUE(sim::cli::make_output_printable());
  std::fprintf(stderr, "a\x1b[2Jb\tc\x7f\n");
  std::fprintf(stderr,
               "caf\xc3\xa9 \xc2\xa0 d\xc2\x9b"
               "e\xc2");
  std::fprintf(stderr,
               "\x9b"
               "f\xc2");
  std::fprintf(stderr, "g\n");
  std::fprintf(sim::cli::terminal_stderr(), "\r");
  std::fflush(sim::cli::terminal_stderr());
  const nlohmann::json value = {{"text", "del\x7f c1\xc2\x85 nbsp\xc2\xa0 esc\x1b"}};
  std::printf("%s\n", value.dump().c_str());
  std::fclose(stdout);
  std::fclose(stderr);
  stdout = original_out;
  stderr = original_err;
  ::dup2(saved_err, STDERR_FILENO);
  ::dup2(saved_out, STDOUT_FILENO);
  ::close(saved_err);
  ::close(saved_out);
  ::close(err_fd);
  ::close(out_fd);
  const std::string err = read_file(err_path);
  const std::string out = read_file(out_path);
  ::unlink(err_path);
  ::unlink(out_path);
  EXPECT_EQ(err,
            "a\\u001b[2Jb\tc\\u007f\n"
            "caf\xc3\xa9 \xc2\xa0 d\\u009b"
            "e\\u009bf\xc2g\n"
            "\r");
  EXPECT_EQ(raw_control_in(out), "") << out;
  EXPECT_EQ(nlohmann::json::parse(out), value) << out;
}

}  // namespace
}  // namespace backbeat
