#include "sim/batch/sweep_result.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace backbeat::sim::batch {

using json = nlohmann::json;

namespace {

std::string seed_range(const SweepTarget& t) {
  return t.first_seed == t.last_seed ? fmt::format("{}", t.first_seed)
                                     : fmt::format("{}..{}", t.first_seed, t.last_seed);
}

const SeedRecord* record_of(const ScenarioSweep& sweep, std::uint64_t seed) {
  auto it = std::lower_bound(sweep.records.begin(), sweep.records.end(), seed,
                             [](const SeedRecord& r, std::uint64_t s) { return r.seed < s; });
  return it != sweep.records.end() && it->seed == seed ? &*it : nullptr;
}

json group_json(const ScenarioSweep& sweep, const FailureGroup& g) {
  json assertions = json::array();
  for (const auto& [name, how] : g.assertions) {
    assertions.push_back({{"name", name}, {"how", failure_how_name(how)}});
  }
  json replay = json::array();
  for (std::size_t i = 0; i < g.seeds.size() && i < kSeedsShownPerGroup; ++i) {
    replay.push_back(replay_command(sweep.target, g.seeds[i]));
  }
  return {{"signature", g.signature}, {"assertions", assertions}, {"as_expected", g.as_expected},
          {"count", g.seeds.size()},  {"seeds", g.seeds},         {"replay", replay}};
}

json scenario_json(const ScenarioSweep& s) {
  json groups = json::array();
  for (const FailureGroup& g : s.groups) groups.push_back(group_json(s, g));
  json records = json::array();
  for (const SeedRecord& r : s.records) records.push_back(seed_record_json(r));
  const SweepTarget& t = s.target;
  return {{"scenario", t.scenario},
          {"source", t.source},
          {"argument", t.argument},
          {"sets", t.sets},
          {"expected_verdict", t.expected_verdict},
          {"expected_failing", t.expected_failing ? json(*t.expected_failing) : json(nullptr)},
          {"first_seed", t.first_seed},
          {"last_seed", t.last_seed},
          {"seeds", s.records.size()},
          {"passed", s.passed},
          {"seeds_as_expected", s.as_expected},
          {"as_expected", s.all_as_expected()},
          {"groups", groups},
          {"records", records}};
}

bool is_safe_shell_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
}

}  // namespace

SweepTarget sweep_target(const scenario::Scenario& sc, const std::string& argument,
                         const std::vector<std::string>& sets, std::uint64_t first_seed,
                         std::uint64_t last_seed) {
  return {sc.name,           sc.source,  argument, sets, scenario::verdict_name(sc.expect),
          sc.expect_failing, first_seed, last_seed};
}

ScenarioSweep aggregate(SweepTarget target, std::vector<SeedRecord> records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const SeedRecord& a, const SeedRecord& b) { return a.seed < b.seed; });
  records.erase(
      std::unique(records.begin(), records.end(),
                  [](const SeedRecord& a, const SeedRecord& b) { return a.seed == b.seed; }),
      records.end());
  ScenarioSweep s;
  s.target = std::move(target);
  s.groups = group_failures(records);
  for (const SeedRecord& r : records) {
    s.passed += r.passed ? 1 : 0;
    s.as_expected += r.as_expected ? 1 : 0;
  }
  s.records = std::move(records);
  return s;
}

std::string shell_word(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_safe_shell_char)) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string replay_command(const SweepTarget& target, std::uint64_t seed) {
  std::string command =
      fmt::format("backbeat-sim run {} --seed {}", shell_word(target.argument), seed);
  for (const std::string& set : target.sets) command += " --set " + shell_word(set);
  return command;
}

json sweep_json(const std::vector<ScenarioSweep>& sweeps) {
  json scenarios = json::array();
  std::size_t seeds = 0, as_expected = 0;
  bool all = true;
  for (const ScenarioSweep& s : sweeps) {
    scenarios.push_back(scenario_json(s));
    seeds += s.records.size();
    as_expected += s.as_expected;
    all = all && s.all_as_expected();
  }
  return {{"format", "backbeat.sweep.v1"},
          {"as_expected", all},
          {"seeds", seeds},
          {"seeds_as_expected", as_expected},
          {"scenarios", scenarios}};
}

std::string sweep_text(const ScenarioSweep& s) {
  const SweepTarget& t = s.target;
  std::string out;
  auto line = std::back_inserter(out);
  fmt::format_to(
      line, "sweep     {} ({}): seeds {}, expects {}{}\n", t.scenario, t.source, seed_range(t),
      t.expected_verdict,
      t.expected_failing ? fmt::format(" failing [{}]", fmt::join(*t.expected_failing, ", ")) : "");
  const std::size_t n = s.records.size();
  fmt::format_to(line, "seeds     {} run{}: {} pass, {} fail; {} as expected, {} not\n", n,
                 s.complete() ? "" : fmt::format(" of {}", t.seed_count()), s.passed, n - s.passed,
                 s.as_expected, n - s.as_expected);
  int number = 0;
  for (const FailureGroup& g : s.groups) {
    if (g.as_expected && g.signature == kPassSignature) continue;
    fmt::format_to(line, "group {:<3} {} seed{}, {}: {}\n", ++number, g.seeds.size(),
                   g.seeds.size() == 1 ? "" : "s",
                   g.as_expected ? "as expected" : "NOT AS EXPECTED",
                   g.signature == kPassSignature ? "no assertion failed" : g.signature);
    if (!g.as_expected) {
      // Members share the failed names and the verdict, so the first explains the group.
      for (const std::string& why : record_of(s, g.seeds.front())->mismatches) {
        fmt::format_to(line, "          why: {}\n", why);
      }
    }
    const std::size_t shown = std::min(g.seeds.size(), kSeedsShownPerGroup);
    std::vector<std::uint64_t> first(g.seeds.begin(), g.seeds.begin() + static_cast<long>(shown));
    fmt::format_to(
        line, "          seeds {}{}\n", fmt::join(first, ", "),
        g.seeds.size() > shown ? fmt::format(" and {} more", g.seeds.size() - shown) : "");
    // One replay command is enough to look at a failure that was expected.
    const std::size_t replays = g.as_expected ? 1 : shown;
    for (std::size_t i = 0; i < replays; ++i) {
      fmt::format_to(line, "          {}\n", replay_command(t, first[i]));
    }
  }
  if (number == 0) out += "groups    none: every seed passed, as expected\n";
  return out;
}

}  // namespace backbeat::sim::batch
