// Every scenario input is bounded (issue 13, section 2) and subjects are NATS subjects
// (section 3): the size-limited reader on files, devices and pipes; each list's cap, checked
// before its entries; the first kMaxDiagnostics problems kept and the rest counted; a fault's
// subject checked by the wire's rules.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/scenario/bounded_file.h"
#include "sim/scenario/format_fields.h"
#include "sim/scenario/loader.h"

namespace backbeat::sim::scenario {
namespace {

namespace fs = std::filesystem;

// A scratch directory, removed with its contents.
class Scratch {
 public:
  Scratch()
      : dir_(fs::temp_directory_path() /
             ("backbeat-bounds-" + std::to_string(::getpid()) + "-" + std::to_string(next_++))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  fs::path operator/(const std::string& name) const { return dir_ / name; }

 private:
  static inline int next_ = 0;
  fs::path dir_;
};

// "[ITEM,ITEM,...]" with `n` items.
std::string list_of(std::size_t n, const std::string& item) {
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + item;
  return out + "]";
}

// The diagnostic at `pointer`, or nullptr.
const Diagnostic* at(const LoadResult& r, const std::string& pointer) {
  for (const Diagnostic& d : r.errors) {
    if (d.pointer == pointer) return &d;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Size limit

TEST(BoundedFile, ReadsAFileWithinTheLimitWhole) {
  Scratch tmp;
  std::ofstream(tmp / "a.json") << "{\"version\": 1}";
  Result<std::string> text = read_bounded_file((tmp / "a.json").string(), 14, "scenario file");
  ASSERT_TRUE(text.is_ok()) << text.status().message();
  EXPECT_EQ(*text, "{\"version\": 1}");
}

TEST(BoundedFile, RefusesARegularFileOneByteOverTheLimitNamingTheLimit) {
  Scratch tmp;
  std::ofstream(tmp / "a.json") << "{\"version\": 1}";
  Result<std::string> text = read_bounded_file((tmp / "a.json").string(), 13, "scenario file");
  ASSERT_FALSE(text.is_ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(),
            "the scenario file is larger than the limit of 13 bytes (13 bytes)");
}

TEST(BoundedFile, RefusesAHugeSparseFileWithoutReadingIt) {
  Scratch tmp;
  { std::ofstream(tmp / "huge.json") << ""; }
  fs::resize_file(tmp / "huge.json", std::uintmax_t{1} << 40);  // 1 TiB, no blocks
  LoadResult r = load_scenario_file((tmp / "huge.json").string());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), (tmp / "huge.json").string() +
                                         ": /: the scenario file is larger than the limit of "
                                         "1 MiB (1048576 bytes)");
}

TEST(BoundedFile, RefusesAnEndlessDeviceAfterTheLimit) {
  LoadResult r = load_scenario_file("/dev/zero");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].location, "/dev/zero");
  EXPECT_NE(r.errors[0].message.find("larger than the limit of 1 MiB"), std::string::npos)
      << r.errors[0].message;
}

TEST(BoundedFile, RefusesAnEndlessFifoAfterTheLimit) {
  Scratch tmp;
  const fs::path fifo = tmp / "endless";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::signal(SIGPIPE, SIG_IGN);  // the writer learns the reader left from EPIPE
  std::thread writer([&] {
    int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    const std::string chunk(4096, ' ');
    while (::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    ::close(fd);
  });
  Result<std::string> text = read_bounded_file(fifo.string(), 100000, "scenario file");
  writer.join();
  ASSERT_FALSE(text.is_ok());
  EXPECT_NE(text.status().message().find("larger than the limit of 100000 bytes"),
            std::string::npos);
}

TEST(BoundedFile, NamesADirectoryAndAMissingFile) {
  Scratch tmp;
  LoadResult dir = load_scenario_file((tmp / "").string());
  ASSERT_EQ(dir.errors.size(), 1u);
  EXPECT_NE(dir.errors[0].message.find("it is a directory"), std::string::npos);
  LoadResult missing = load_scenario_file((tmp / "nope.json").string());
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].message.find("does it exist?"), std::string::npos);
}

TEST(BoundedFile, ShowsLimitsInBinaryUnits) {
  EXPECT_EQ(byte_size_text(kMaxScenarioFileBytes), "1 MiB");
  EXPECT_EQ(byte_size_text(kMaxRunFileBytes), "64 MiB");
  EXPECT_EQ(byte_size_text(2048), "2 KiB");
  EXPECT_EQ(byte_size_text(1000), "1000 bytes");
}

// ---------------------------------------------------------------------------------------------
// Count caps

struct CapCase {
  std::string pointer;  // the capped list
  std::string variant;  // its row's variant, if any
  std::string before;   // text before the list
  std::string item;     // one entry (its content does not matter: entries are never read)
  std::string after;    // text after the list
};

std::vector<CapCase> cap_cases() {
  const std::string v = "{\"version\": 1, ";
  return {
      {"/faults", "", v + "\"faults\": ", "{}", "}"},
      {"/cluster/groups", "", v + "\"cluster\": {\"groups\": ", "{}", "}}"},
      {"/cluster/links", "", v + "\"cluster\": {\"nats_servers\": 3, \"links\": ", "{}", "}}"},
      {"/pulse/tempo_changes", "", v + "\"pulse\": {\"tempo_changes\": ", "{}", "}}"},
      {"/workload/operations", "", v + "\"workload\": {\"operations\": ", "{}", "}}"},
      {"/assertions", "", v + "\"assertions\": ", "{}", "}"},
      {"/assertions/0/types", "beats_within_budget",
       v + "\"assertions\": [{\"kind\": \"beats_within_budget\", \"types\": ", "\"t\"", "}]}"},
      {"/expect/failing", "", v + "\"expect\": {\"verdict\": \"fail\", \"failing\": ", "\"a\"",
       "}}"},
      {"/swarm/kinds", "", v + "\"swarm\": {\"kinds\": ", "\"pulse_outage\"", "}}"},
      {"/faults/0/servers", "partition",
       v + "\"cluster\": {\"nats_servers\": 3}, \"faults\": [{\"kind\": \"partition\", \"at\": "
           "\"1m\", \"servers\": ",
       "0", "}]}"},
  };
}

// The table's row for a concrete pointer ("/assertions/0/types" -> "/assertions/*/types").
const Field& row(const CapCase& c) {
  std::string pattern;
  for (std::size_t i = 1; i <= c.pointer.size();) {
    std::size_t end = c.pointer.find('/', i);
    if (end == std::string::npos) end = c.pointer.size();
    std::string token = c.pointer.substr(i, end - i);
    pattern += "/" + (std::isdigit(static_cast<unsigned char>(token[0])) ? "*" : token);
    i = end + 1;
  }
  return field(pattern, c.variant);
}

TEST(CountCaps, EachListOverItsCapIsOneMessageNamingFieldCountAndCap) {
  for (const CapCase& c : cap_cases()) {
    SCOPED_TRACE(c.pointer);
    const Field& f = row(c);
    ASSERT_TRUE(std::isfinite(f.max)) << "no cap in the format table";
    const auto over = static_cast<std::size_t>(f.max) + 1;
    LoadResult r = load_scenario_text(c.before + list_of(over, c.item) + c.after, "x.json");
    const Diagnostic* d = at(r, c.pointer);
    ASSERT_NE(d, nullptr) << format_diagnostics(r.errors);
    EXPECT_NE(d->message.find(
                  fmt::format("too many entries: {}; at most {:g} are allowed here", over, f.max)),
              std::string::npos)
        << d->message;
    EXPECT_EQ(d->location.rfind("x.json:1:", 0), 0u) << d->location;
    // Checked before the entries: none of them is reported.
    for (const Diagnostic& e : r.errors) {
      EXPECT_FALSE(e.pointer.starts_with(c.pointer + "/")) << e.to_string();
    }
  }
}

TEST(CountCaps, ListsAtTheirCapPassTheCapCheck) {
  for (const CapCase& c : cap_cases()) {
    SCOPED_TRACE(c.pointer);
    const auto cap = static_cast<std::size_t>(row(c).max);
    LoadResult r = load_scenario_text(c.before + list_of(cap, c.item) + c.after, "x.json");
    EXPECT_EQ(format_diagnostics(r.errors).find("too many entries"), std::string::npos);
  }
}

TEST(CountCaps, AMillionEntryFaultListIsRefusedUpFrontWithOneMessage) {
  LoadResult r =
      load_scenario_text("{\"version\": 1, \"faults\": " + list_of(1000000, "{}") + "}", "x.json");
  ASSERT_EQ(r.errors.size(), 1u) << format_diagnostics(r.errors);
  EXPECT_EQ(r.unshown, 0u);
  EXPECT_EQ(r.errors[0].to_string(),
            "x.json:1:26: /faults: too many entries: 1000000; at most 1000 are allowed here (the "
            "fault timeline)");
}

TEST(CountCaps, OperationCountsAreCappedInTotalAsPerType) {
  std::string ops;
  for (int i = 0; i < 3; ++i) {
    ops += fmt::format("{}{{\"type\": \"t{}\", \"count\": 5000000}}", i ? "," : "", i);
  }
  LoadResult r = load_scenario_text(
      "{\"version\": 1, \"duration\": \"1h\", \"workload\": {\"operations\": [" + ops + "]}}",
      "x.json");
  const Diagnostic* d = at(r, "/workload/operations");
  ASSERT_NE(d, nullptr) << format_diagnostics(r.errors);
  EXPECT_EQ(d->message,
            "too many operations: the counts add up to 15000000; at most 10000000 in total");
}

TEST(CountCaps, TheRunsAgentsTimesBeatsAreCappedAtTheHighestTempo) {
  const std::string base = "{\"version\": 1, \"duration\": \"1000h\", \"cluster\": {\"agents\": ";
  LoadResult big = load_scenario_text(base + "100000}}", "x.json");
  const Diagnostic* d = at(big, "/duration");
  ASSERT_NE(d, nullptr) << format_diagnostics(big.errors);
  EXPECT_EQ(d->message,
            "the run is too large: 100000 agents x 120000 beats (1000h at up to 2 BPM) = "
            "1.2e+10 agent-beats; at most 1e+09 (shorten the duration, or use fewer agents or a "
            "lower tempo)");
  EXPECT_EQ(d->location, "x.json:1:28");
  EXPECT_TRUE(load_scenario_text(base + "8000}}", "x.json").ok());  // 9.6e8
  // A tempo change counts at its tempo for the whole run.
  LoadResult faster = load_scenario_text(
      base + "8000}, \"pulse\": {\"tempo_changes\": [{\"at\": \"1h\", \"tempo_bpm\": 4}]}}",
      "x.json");
  ASSERT_NE(at(faster, "/duration"), nullptr) << format_diagnostics(faster.errors);
}

TEST(CountCaps, EveryShippedScenarioIsWithinTheCaps) {
  for (const auto& e : fs::directory_iterator(BACKBEAT_SCENARIOS_SOURCE_DIR)) {
    if (e.path().extension() != ".json" || e.path().filename() == "schema.json") continue;
    SCOPED_TRACE(e.path().filename().string());
    LoadResult r = load_scenario_file(e.path().string());
    EXPECT_TRUE(r.ok()) << format_diagnostics(r.errors);
  }
}

// ---------------------------------------------------------------------------------------------
// Capped diagnostics

TEST(CappedDiagnostics, AHundredThousandMistakesKeepTheFirstFiftyInFileOrder) {
  std::string text = "{\"version\": 1";
  for (int i = 0; i < 100000; ++i) text += fmt::format(",\n \"bad{}\": 0", i);
  text += "}";
  LoadResult r = load_scenario_text(text, "x.json");
  ASSERT_EQ(r.errors.size(), kMaxDiagnostics);
  EXPECT_EQ(r.unshown, 100000u - kMaxDiagnostics);
  EXPECT_EQ(r.problem_count(), 100000u);
  for (std::size_t i = 0; i < r.errors.size(); ++i) {
    EXPECT_EQ(r.errors[i].pointer, fmt::format("/bad{}", i));
  }
  const std::string out = r.problems_text();
  EXPECT_LT(out.size(), 64u * 1024u) << "a million mistakes must print kilobytes";
  EXPECT_NE(out.find("and 99950 more problems not shown (the first 50 are above)"),
            std::string::npos)
      << out.substr(out.size() - 200);
}

TEST(CappedDiagnostics, OverridesComeFirstAndTheCountIsExact) {
  std::string text = "{\"version\": 1";
  for (int i = 0; i < 60; ++i) text += fmt::format(", \"bad{}\": 0", i);
  text += "}";
  LoadResult r = load_scenario_text(text, "x.json", {"pulse.tempo_bpm=abc"});
  ASSERT_EQ(r.errors.size(), kMaxDiagnostics);
  EXPECT_EQ(r.problem_count(), 61u);
  EXPECT_EQ(r.errors[0].location, "--set pulse.tempo_bpm=abc");
  EXPECT_EQ(r.errors[1].pointer, "/bad0");
}

TEST(CappedDiagnostics, TheFileIsBlamedWhenAnyProblemIsInItEvenUnshown) {
  // Sixty malformed --set flags fill the fifty shown problems; the file's own problem is unshown,
  // and must still make the summary blame the file, not only the overrides.
  std::vector<std::string> bad_sets(60, "no-equals-sign");
  LoadResult hidden = load_scenario_text("{\"version\": 1, \"bad\": 0}", "x.json", bad_sets);
  ASSERT_EQ(hidden.errors.size(), kMaxDiagnostics);
  for (const Diagnostic& d : hidden.errors) EXPECT_TRUE(d.location.starts_with("--set "));
  EXPECT_EQ(hidden.problem_count(), 61u);
  EXPECT_FALSE(hidden.only_overrides_wrong());

  LoadResult sets_only = load_scenario_text("{\"version\": 1}", "x.json", bad_sets);
  EXPECT_TRUE(sets_only.only_overrides_wrong());
  // A value a --set supplied, found wrong by the loader, is the override's problem too.
  LoadResult typed = load_scenario_text("{\"version\": 1}", "x.json", {"pulse.tempo_bpm=abc"});
  ASSERT_EQ(typed.problem_count(), 1u) << format_diagnostics(typed.errors);
  EXPECT_TRUE(typed.only_overrides_wrong());
  EXPECT_FALSE(load_scenario_text("{\"version\": 1, \"bad\": 0}", "x.json").only_overrides_wrong());
  EXPECT_FALSE(load_scenario_text("{\"version\": 1}", "x.json").only_overrides_wrong());
}

TEST(CappedDiagnostics, FewProblemsAreAllShownWithoutATrailer) {
  LoadResult r = load_scenario_text("{\"version\": 1, \"a\": 0, \"b\": 0}", "x.json");
  EXPECT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.unshown, 0u);
  EXPECT_EQ(r.problems_text().find("more problem"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Subjects

LoadResult with_subject(const std::string& subject_json) {
  return load_scenario_text(
      "{\"version\": 1, \"duration\": \"1h\", \"faults\": [{\"kind\": \"message_loss\", \"at\": "
      "\"1m\", \"probability\": 0.1, \"subject\": " +
          subject_json + "}]}",
      "x.json");
}

TEST(FaultSubjects, MalformedPatternsAreRefusedAtTheirJsonPath) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"\"backbeat.>.status\"", "has '>' before its last token"},
      {"\"backbeat.status .x\"", "contains whitespace or a control character"},
      {"\"backbeat.status\\t\"", "contains whitespace or a control character"},
      {"\"backbeat.\\u0001\"", "contains whitespace or a control character"},
      {"\"backbeat..status\"", "has an empty token"},
      {"\".backbeat\"", "has an empty token"},
      {"\"backbeat.\"", "has an empty token"},
      {"\"backbeat.stat*\"", "has '*' or '>' inside a token"},
      {"\"backbeat.a>\"", "has '*' or '>' inside a token"},
  };
  for (const auto& [subject, why] : bad) {
    SCOPED_TRACE(subject);
    LoadResult r = with_subject(subject);
    const Diagnostic* d = at(r, "/faults/0/subject");
    ASSERT_NE(d, nullptr) << format_diagnostics(r.errors);
    EXPECT_NE(d->message.find("expected a NATS subject pattern"), std::string::npos);
    EXPECT_NE(d->message.find(why), std::string::npos) << d->message;
    EXPECT_EQ(d->location.rfind("x.json:1:", 0), 0u);
  }
}

TEST(FaultSubjects, ControlCharactersAreNotEchoedRaw) {
  LoadResult r = with_subject("\"a.\\u001b[2Jb\"");
  const Diagnostic* d = at(r, "/faults/0/subject");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message.find('\x1b'), std::string::npos) << d->message;
}

TEST(FaultSubjects, WellFormedPatternsLoad) {
  for (const char* subject :
       {"\">\"", "\"backbeat.>\"", "\"backbeat.*.c1\"", "\"backbeat.status.*.>\"", "\"x\""}) {
    SCOPED_TRACE(subject);
    LoadResult r = with_subject(subject);
    EXPECT_TRUE(r.ok()) << format_diagnostics(r.errors);
  }
}

}  // namespace
}  // namespace backbeat::sim::scenario
