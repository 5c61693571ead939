// Output paths never destroy what is not a regular file (sim/cli/output_path.h).
//
// Every writer of the command (--trace, run --out, tune --out, live --out, and the files inside an
// --out directory) is pointed at every kind of thing that is not a regular file: a device node
// (made with mknod in the test's own folder; needs root, as in CI), a FIFO, a socket, a directory
// where a file is expected, a regular file where a directory is expected, symlinks to each and a
// dangling symlink. Each must be refused before any simulation runs (exit 2, the flag named), the
// thing must survive unchanged (same type, same device number), and nothing may be left behind
// (no *.tmp.* or *.partial file). Standard output ("-") and a symlink to a regular file are the
// two paths that are followed: the trace lands where they point and the symlink stays.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tests/reliability/spawn_process.h"

namespace backbeat {
namespace {

namespace fs = std::filesystem;

const std::string kSim = BACKBEAT_SIM_BINARY;

// What sits at a path, without following a final symlink, and what it points to.
struct Identity {
  mode_t type = 0;
  dev_t rdev = 0;
  ino_t inode = 0;
  std::string link_target;  // for symlinks
};
std::optional<Identity> identity(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
  Identity id{st.st_mode & S_IFMT, st.st_rdev, st.st_ino, {}};
  if (S_ISLNK(st.st_mode)) id.link_target = fs::read_symlink(p).string();
  return id;
}

class OutputPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/backbeat-output-paths-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // A private device node: a copy of /dev/null's numbers, so writing to it would be harmless
    // even if a bug let it through, yet replacing it is visible.
    if (::mknod((dir_ / "device").c_str(), S_IFCHR | 0600, ::makedev(1, 3)) == 0) {
      specials_.push_back("device");
    } else {
      device_missing_ = true;
    }
    ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
    specials_.push_back("fifo");
    make_socket(dir_ / "socket");
    specials_.push_back("socket");
    fs::create_directory(dir_ / "directory");
    std::vector<std::string> linked = specials_;
    linked.push_back("directory");
    for (const std::string& target : linked) {
      fs::create_symlink(target, dir_ / ("link_to_" + target));
      specials_.push_back("link_to_" + target);
    }
    fs::create_symlink("nowhere", dir_ / "dangling");
    specials_.push_back("dangling");
    std::ofstream(dir_ / "regular") << "keep\n";
    for (const auto& entry : fs::directory_iterator(dir_)) {
      before_[entry.path().filename().string()] = *identity(entry.path());
    }
  }
  void TearDown() override {
    if (listener_ >= 0) ::close(listener_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void make_socket(const fs::path& p) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(p.string().size(), sizeof(addr.sun_path));
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", p.c_str());
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }

  Spawned run(std::vector<std::string> args) {
    args.insert(args.begin(), kSim);
    return spawn(args, dir_);
  }

  // Every thing made in SetUp is still there, unchanged; nothing new appeared.
  void expect_untouched(const std::string& context) {
    std::map<std::string, Identity> now;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      now[name] = *identity(entry.path());
    }
    for (const auto& [name, was] : before_) {
      ASSERT_TRUE(now.count(name)) << context << ": " << name << " was removed";
      const Identity& is = now[name];
      EXPECT_EQ(is.type, was.type) << context << ": " << name << " changed type";
      EXPECT_EQ(is.rdev, was.rdev) << context << ": " << name << " changed device number";
      EXPECT_EQ(is.inode, was.inode) << context << ": " << name << " was replaced";
      EXPECT_EQ(is.link_target, was.link_target) << context << ": " << name << " was relinked";
    }
    for (const auto& [name, is] : now) {
      EXPECT_TRUE(before_.count(name)) << context << ": left behind " << name;
    }
    EXPECT_TRUE(fs::is_empty(dir_ / "directory")) << context << ": wrote into directory/";
  }

  fs::path dir_;
  std::vector<std::string> specials_;  // names under dir_ that are not regular files
  std::map<std::string, Identity> before_;
  bool device_missing_ = false;
  int listener_ = -1;
};

TEST_F(OutputPaths, DeviceNodeCanBeMadeForTheTest) {
  // CI runs as root; a skip elsewhere says the device cases were not exercised.
  if (device_missing_) GTEST_SKIP() << "mknod needs root: the device-node cases did not run";
  SUCCEED();
}

// Standard output on a full disk: the summary (or the --json document) is lost, so the command
// says so and exits 3 instead of passing quietly; what it wrote to stderr still arrives.
TEST_F(OutputPaths, StandardOutputThatCannotBeWrittenIsAnIoFailure) {
  for (const std::string& command :
       {std::string("list"), std::string("run baseline --json"), std::string("run drift_step")}) {
    Spawned r =
        spawn({"/bin/sh", "-c", "\"$SIM\" " + command + " > /dev/full"}, dir_, {{"SIM", kSim}});
    EXPECT_EQ(r.exit_code, 3) << command << "\n" << r.err;
    EXPECT_NE(r.err.find("backbeat-sim: cannot write standard output: No space left on device"),
              std::string::npos)
        << command << "\n"
        << r.err;
  }
}

TEST_F(OutputPaths, TraceRefusesEveryThingThatIsNotARegularFile) {
  std::vector<std::string> targets = specials_;
  targets.push_back("directory");
  for (const std::string& t : targets) {
    const std::string path = (dir_ / t).string();
    Spawned r = run({"run", "baseline", "--quiet", "--trace", path});
    EXPECT_EQ(r.exit_code, 2) << "--trace " << t << "\n" << r.err;
    EXPECT_NE(r.err.find("--trace"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(t), std::string::npos) << "the message names the path: " << r.err;
    EXPECT_TRUE(r.out.empty()) << "no run happened: " << r.out;
    expect_untouched("--trace " + t);
  }
}

TEST_F(OutputPaths, OutDirectoryFlagsRefuseWhatIsNotADirectory) {
  std::vector<std::string> targets = specials_;
  targets.push_back("regular");
  std::erase(targets, "link_to_directory");  // a symlink to a directory is a directory
  const std::vector<std::vector<std::string>> writers = {
      {"run", "baseline", "--quiet", "--out"},
      {"tune", "baseline", "--seeds", "2", "--quiet", "--out"},
#ifdef BACKBEAT_WITH_LIVE
      {"live", "baseline", "--nats", "nats://127.0.0.1:1", "--quiet", "--out"},
#endif
  };
  for (const auto& writer : writers) {
    for (const std::string& t : targets) {
      std::vector<std::string> args = writer;
      args.push_back((dir_ / t).string());
      Spawned r = run(args);
      EXPECT_EQ(r.exit_code, 2) << writer[0] << " --out " << t << "\n" << r.err;
      EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
      expect_untouched(writer[0] + " --out " + t);
    }
  }
}

TEST_F(OutputPaths, FilesInsideAnOutDirectoryAreCheckedBeforeTheRun) {
  // Each file run --out writes, planted as a FIFO (and, as root, a device) in an otherwise
  // usable directory.
  const std::vector<std::string> files = {"scenario.json", "seed",        "report.json",
                                          "report.md",     "report.html", "run.json"};
  for (const std::string& file : files) {
    const fs::path out = dir_ / "directory";
    ASSERT_EQ(::mkfifo((out / file).c_str(), 0600), 0);
    Spawned r = run({"run", "baseline", "--quiet", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 2) << file << "\n" << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << "names the file: " << r.err;
    struct stat st {};
    ASSERT_EQ(::lstat((out / file).c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode)) << file << " was replaced";
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(out)) ++entries;
    EXPECT_EQ(entries, 1u) << "nothing else written next to " << file;
    fs::remove(out / file);
  }
  // tune's check/ folder holds a run directory: the same rules apply there.
  fs::create_directories(dir_ / "tuned" / "check");
  ASSERT_EQ(::mkfifo((dir_ / "tuned" / "check" / "run.json").c_str(), 0600), 0);
  Spawned r =
      run({"tune", "baseline", "--seeds", "2", "--quiet", "--out", (dir_ / "tuned").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("check"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_fifo(dir_ / "tuned" / "check" / "run.json"));
  fs::remove_all(dir_ / "tuned");
}

TEST_F(OutputPaths, EmptyPathsAreRefusedNotIgnored) {
  for (const std::string flag : {"--out", "--trace"}) {
    Spawned r = run({"run", "baseline", "--quiet", flag, ""});
    EXPECT_EQ(r.exit_code, 2) << flag << "\n" << r.err;
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
  }
  Spawned r = run({"tune", "baseline", "--seeds", "2", "--out", ""});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  expect_untouched("empty paths");
}

TEST_F(OutputPaths, StandardOutputTakesTheTraceAndTheSummaryMovesToStandardError) {
  for (const std::string stdout_name : {"-", "/dev/stdout"}) {
    Spawned r = run({"run", "baseline", "--quiet", "--set", "duration=2m", "--trace", stdout_name});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    ASSERT_FALSE(r.out.empty());
    // Every line of standard output is a trace record; the one-line summary is on stderr.
    std::size_t lines = 0;
    for (std::size_t at = 0; at < r.out.size();) {
      const std::size_t end = r.out.find('\n', at);
      ASSERT_NE(end, std::string::npos) << "the trace ends with a newline";
      EXPECT_EQ(r.out.compare(at, 5, "{\"i\":"), 0) << r.out.substr(at, end - at);
      ++lines;
      at = end + 1;
    }
    EXPECT_GT(lines, 100u);
    EXPECT_NE(r.err.find("fingerprint="), std::string::npos) << r.err;
  }
  Spawned both = run({"run", "baseline", "--json", "--trace", "-"});
  EXPECT_EQ(both.exit_code, 2) << "--json and --trace - both want standard output";
  EXPECT_NE(both.err.find("--trace"), std::string::npos) << both.err;
  Spawned out = run({"run", "baseline", "--out", "-"});
  EXPECT_EQ(out.exit_code, 2) << "--out takes a directory, not standard output";
  expect_untouched("standard output");
}

TEST_F(OutputPaths, ASymlinkToARegularFileIsFollowedAndStays) {
  fs::create_symlink("regular", dir_ / "link_to_regular");
  Spawned r = run({"run", "baseline", "--quiet", "--set", "duration=2m", "--trace",
                   (dir_ / "link_to_regular").string()});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link_to_regular")) << "the link was replaced";
  EXPECT_EQ(fs::read_symlink(dir_ / "link_to_regular"), "regular");
  const std::string trace = read_file(dir_ / "regular");
  EXPECT_EQ(trace.compare(0, 5, "{\"i\":"), 0) << "the trace went to the file the link names";
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".partial"), std::string::npos) << name;
    EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace backbeat
