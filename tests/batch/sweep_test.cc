// The sweep engine (sim/batch): failure signatures and groups, aggregation as a pure function of
// the set of per-seed records, identical results for any number of jobs, expectation handling,
// sweep.json against sim/batch/sweep.schema.json, seed ranges and replay commands.
#include "sim/batch/sweep.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <random>

#include "sim/batch/failure_groups.h"
#include "sim/batch/seed_range.h"
#include "sim/batch/sweep_result.h"
#include "tests/batch/sweep_fixture.h"
#include "tests/reports/schema_check.h"

namespace backbeat::sim::batch {
namespace {

using backbeat::testing::load_shipped;
using backbeat::testing::sweep_of;
using backbeat::testing::tight_swarm_sets;
using nlohmann::json;

FailedAssertion failed(const std::string& name, FailureHow how, std::optional<double> measured) {
  return {name, how, measured, 4, how == FailureHow::kBelowBound ? ">=" : "<=", "beats", ""};
}

SeedRecord record(std::uint64_t seed, std::vector<FailedAssertion> f, bool as_expected) {
  SeedRecord r;
  r.seed = seed;
  r.fingerprint = "00000000000000" + std::to_string(10 + seed % 90);
  r.passed = f.empty();
  r.as_expected = as_expected;
  r.failed = std::move(f);
  if (!as_expected)
    r.mismatches = {r.passed ? "verdict pass, expected fail" : "verdict fail, expected pass"};
  return r;
}

SweepTarget target(std::uint64_t first, std::uint64_t last) {
  return {"demo", "demo.json", "demo", {}, "pass", std::nullopt, first, last};
}

TEST(FailureSignature, NamesSortedAssertionsAndHowButNeverTheMeasuredValues) {
  SeedRecord a = record(1,
                        {failed("longest_resync", FailureHow::kAboveBound, 6.5),
                         failed("claims_lost", FailureHow::kAboveBound, 3)},
                        false);
  SeedRecord b = record(2,
                        {failed("claims_lost", FailureHow::kAboveBound, 40),
                         failed("longest_resync", FailureHow::kAboveBound, 9)},
                        false);
  EXPECT_EQ(failure_signature(a), "claims_lost (above_bound) + longest_resync (above_bound)");
  EXPECT_EQ(failure_signature(a), failure_signature(b));
  SeedRecord unmeasured = record(3,
                                 {failed("claims_lost", FailureHow::kAboveBound, 1),
                                  failed("longest_resync", FailureHow::kUnmeasured, std::nullopt)},
                                 false);
  EXPECT_NE(failure_signature(unmeasured), failure_signature(a));
  EXPECT_EQ(failure_signature(record(4, {}, true)), kPassSignature);
}

TEST(FailureSignature, HowFollowsTheComparisonAndTheMissingMeasurement) {
  scenario::AssertionResult r{"x", 5.0, 4, "<=", "beats", false, ""};
  EXPECT_EQ(failure_how(r), FailureHow::kAboveBound);
  r.comparison = ">=";
  EXPECT_EQ(failure_how(r), FailureHow::kBelowBound);
  r.measured.reset();
  EXPECT_EQ(failure_how(r), FailureHow::kUnmeasured);
}

TEST(GroupFailures, UnexpectedGroupsFirstThenLargerThenEarlierWithSeedsAscending) {
  const auto lost = failed("claims_lost", FailureHow::kAboveBound, 2);
  const auto slow = failed("p99", FailureHow::kAboveBound, 9);
  std::vector<SeedRecord> records = {record(1, {}, true),      record(2, {slow}, false),
                                     record(3, {lost}, false), record(4, {lost}, false),
                                     record(5, {}, true),      record(6, {}, true),
                                     record(7, {slow}, false), record(8, {lost, slow}, false)};
  std::vector<FailureGroup> groups = group_failures(records);
  ASSERT_EQ(groups.size(), 4u);
  // Two groups of two not as expected: the one with the earlier first seed (2) comes first.
  EXPECT_EQ(groups[0].signature, "p99 (above_bound)");
  EXPECT_EQ(groups[0].seeds, (std::vector<std::uint64_t>{2, 7}));
  EXPECT_EQ(groups[1].signature, "claims_lost (above_bound)");
  EXPECT_EQ(groups[2].signature, "claims_lost (above_bound) + p99 (above_bound)");
  EXPECT_EQ(groups[3].signature, kPassSignature);
  EXPECT_TRUE(groups[3].as_expected);
  EXPECT_EQ(groups[3].seeds, (std::vector<std::uint64_t>{1, 5, 6}));
}

TEST(Aggregate, IsAFunctionOfTheSetOfRecordsWhateverTheirOrderOrRepeats) {
  const auto lost = failed("claims_lost", FailureHow::kAboveBound, 2);
  std::vector<SeedRecord> records;
  for (std::uint64_t s = 10; s < 30; ++s)
    records.push_back(
        record(s, s % 3 == 0 ? std::vector{lost} : std::vector<FailedAssertion>{}, s % 3 != 0));
  const json expected = sweep_json({aggregate(target(10, 29), records)});
  std::mt19937 shuffle(7);
  for (int round = 0; round < 5; ++round) {
    std::vector<SeedRecord> mixed = records;
    mixed.insert(mixed.end(), records.begin(), records.begin() + 4);  // a shard delivered twice
    std::shuffle(mixed.begin(), mixed.end(), shuffle);
    EXPECT_EQ(sweep_json({aggregate(target(10, 29), mixed)}), expected) << "round " << round;
  }
  ScenarioSweep s = aggregate(target(10, 29), records);
  EXPECT_TRUE(s.complete());
  EXPECT_FALSE(s.all_as_expected());
  records.pop_back();
  EXPECT_FALSE(aggregate(target(10, 29), records).complete());
}

TEST(RunSeeds, GivesByteIdenticalResultsOnOneAndTwoJobs) {
  scenario::Scenario sc = load_shipped("swarm", tight_swarm_sets());
  SweepOptions options;
  options.first_seed = 1;
  options.last_seed = 12;
  options.jobs = 1;
  SeedRun one = run_seeds(sc, options);
  options.jobs = 2;
  SeedRun two = run_seeds(sc, options);
  ASSERT_EQ(one.records.size(), 12u);
  EXPECT_FALSE(one.interrupted);
  const SweepTarget t = sweep_target(sc, "swarm", tight_swarm_sets(), 1, 12);
  ScenarioSweep a = aggregate(t, one.records);
  ScenarioSweep b = aggregate(t, two.records);
  EXPECT_EQ(sweep_json({a}).dump(), sweep_json({b}).dump());
  EXPECT_EQ(sweep_text(a), sweep_text(b));
  // The fixture fails in several ways, so the comparison covers real groups.
  EXPECT_GE(a.groups.size(), 3u);
  EXPECT_LT(a.as_expected, a.records.size());
  for (const SeedRecord& r : a.records) EXPECT_EQ(r.fingerprint.size(), 16u);
}

TEST(RunSeeds, AStoppedSweepKeepsOnlyFinishedSeedsAndSaysSo) {
  scenario::Scenario sc = load_shipped("swarm", tight_swarm_sets());
  SweepOptions options;
  options.first_seed = 1;
  options.last_seed = 12;
  options.jobs = 2;
  std::atomic<int> finished{0};
  options.on_seed_done = [&](int, int) { ++finished; };
  options.stop = [&] { return finished.load() >= 3; };
  SeedRun stopped = run_seeds(sc, options);
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_GE(stopped.records.size(), 3u);
  EXPECT_LT(stopped.records.size(), 12u);
  options.stop = nullptr;
  options.on_seed_done = nullptr;
  SeedRun full = run_seeds(sc, options);
  for (const SeedRecord& r : stopped.records) EXPECT_EQ(r, full.records[r.seed - 1]);
}

TEST(Expectation, ASeedFailingAsTheScenarioNamesIsAsExpected) {
  ScenarioSweep s = sweep_of("slow_peers", {}, 3);
  EXPECT_EQ(s.passed, 0u);
  EXPECT_TRUE(s.all_as_expected());
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_TRUE(s.groups[0].as_expected);
  EXPECT_EQ(s.groups[0].signature, "p95_beats[dht_store] <= budget (above_bound)");
}

TEST(Expectation, APassWhereAFailureIsExpectedIsNotAsExpected) {
  ScenarioSweep s = sweep_of("baseline", {"expect=fail", "duration=5m"}, 2);
  EXPECT_EQ(s.passed, 2u);
  EXPECT_EQ(s.as_expected, 0u);
  EXPECT_FALSE(s.all_as_expected());
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].signature, kPassSignature);
  EXPECT_FALSE(s.groups[0].as_expected);
  EXPECT_NE(sweep_text(s).find("NOT AS EXPECTED: no assertion failed"), std::string::npos);
  EXPECT_NE(sweep_text(s).find("why: verdict pass, expected fail"), std::string::npos);
}

TEST(SeedRecordJson, RoundTripsAndNamesTheBadField) {
  SeedRecord r = record(7,
                        {failed("claims_lost", FailureHow::kAboveBound, 3),
                         failed("p99", FailureHow::kUnmeasured, std::nullopt)},
                        false);
  r.failed[0].detail = "3 of 90 published claims never reached the reverb";
  Result<SeedRecord> back = parse_seed_record(seed_record_json(r));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, r);
  json bad = seed_record_json(r);
  bad["failed"][1]["how"] = "sideways";
  Result<SeedRecord> refused = parse_seed_record(bad);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("seed 7/failed/1/how"), std::string::npos)
      << refused.status().message();
}

json load_schema() {
  std::ifstream in(BACKBEAT_SWEEP_SCHEMA);
  return json::parse(in);
}

TEST(SweepJson, ValidatesAgainstItsSchemaWhichRefusesBrokenFiles) {
  json j = sweep_json({sweep_of("swarm", tight_swarm_sets(), 6), sweep_of("slow_peers", {}, 6)});
  const json schema = load_schema();
  for (const std::string& e : backbeat::reports::testing::validate(schema, j)) ADD_FAILURE() << e;
  EXPECT_EQ(j["seeds"], 12);
  EXPECT_FALSE(j["as_expected"].get<bool>());
  json missing = j;
  missing["scenarios"][0].erase("groups");
  EXPECT_FALSE(backbeat::reports::testing::validate(schema, missing).empty());
  json bad_how = j;
  bad_how["scenarios"][0]["records"][0]["failed"] = json::array({{{"name", "x"},
                                                                  {"how", "sideways"},
                                                                  {"measured", 1},
                                                                  {"bound", 0},
                                                                  {"comparison", "<="},
                                                                  {"unit", ""},
                                                                  {"detail", ""}}});
  EXPECT_FALSE(backbeat::reports::testing::validate(schema, bad_how).empty());
  json extra = j;
  extra["scenarios"][0]["wall_time_s"] = 1.5;  // would make the file differ between runs
  EXPECT_FALSE(backbeat::reports::testing::validate(schema, extra).empty());
}

TEST(SeedRange, ReadsCountsAndInclusiveRangesAndRefusesTheRest) {
  auto range = [](const std::string& text) {
    Result<SeedRange> r = parse_seed_range(text);
    return r.is_ok() ? std::to_string(r->first) + ".." + std::to_string(r->last) : "error";
  };
  EXPECT_EQ(range("50"), "1..50");
  EXPECT_EQ(range("3..7"), "3..7");
  EXPECT_EQ(range("0x10..0x12"), "16..18");
  EXPECT_EQ(range("5..5"), "5..5");
  EXPECT_EQ(range("18446744073709551614..18446744073709551615"),
            "18446744073709551614..18446744073709551615");
  for (const char* bad : {"0", "", "abc", "7..3", "1..", "..4", "1...4", "-3", "10000001",
                          "1..10000001", "0..18446744073709551615"}) {
    EXPECT_EQ(range(bad), "error") << bad;
  }
  EXPECT_EQ(range("1..10000000"), "1..10000000");
}

TEST(ReplayCommand, IsOneShellWordPerArgumentWithEverySet) {
  SweepTarget t = target(1, 2);
  t.argument = "my scenarios/it's.json";
  t.sets = {"pulse.tempo_bpm=4", R"(assertions=[{"kind":"no_claim_lost"}])"};
  EXPECT_EQ(replay_command(t, 17),
            R"(backbeat-sim run 'my scenarios/it'\''s.json' --seed 17 --set pulse.tempo_bpm=4 )"
            R"(--set 'assertions=[{"kind":"no_claim_lost"}]')");
  EXPECT_EQ(shell_word(""), "''");
  EXPECT_EQ(shell_word("swarm"), "swarm");
  EXPECT_EQ(shell_word("$(rm -rf /)"), "'$(rm -rf /)'");
}

}  // namespace
}  // namespace backbeat::sim::batch
