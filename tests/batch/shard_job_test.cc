// The job/record layer every scale-out path shares (sim/batch/seed_job.h, tune_record.h,
// build_identity.h, reports::aggregate_tune): JSON round trips, bad documents refused naming the
// field, a scenario digest mismatch refused, a job's self-contained scenario text giving the same
// records as the file it came from, and tune's aggregation from records equal to `tune` itself,
// for any order of the records and with duplicates.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "reports/tuner.h"
#include "sim/batch/build_identity.h"
#include "sim/batch/seed_job.h"
#include "tests/batch/sweep_fixture.h"

namespace backbeat::sim::batch {
namespace {

using backbeat::testing::load_shipped;
using backbeat::testing::tight_swarm_sets;
using nlohmann::json;

const std::vector<std::string>& short_swarm_sets() {
  static const std::vector<std::string> sets = [] {
    std::vector<std::string> s = tight_swarm_sets();
    s.push_back("duration=10m");
    return s;
  }();
  return sets;
}

SeedJob swarm_job(JobKind kind, std::uint64_t first, std::uint64_t last) {
  return seed_job(kind, load_shipped("swarm", short_swarm_sets()), first, last);
}

JobResult run_or_fail(const SeedJob& job, int jobs = 2) {
  JobRunOptions options;
  options.jobs = jobs;
  Result<JobResult> r = run_seed_job(job, options);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r ? *r : JobResult{};
}

TEST(SeedJob, RoundTripsThroughJsonAndNamesItsScenarioByContent) {
  SeedJob job = swarm_job(JobKind::kTune, 5, 9);
  EXPECT_EQ(job.scenario_digest.size(), 16u);
  EXPECT_EQ(job.scenario_digest, scenario_digest(job.scenario_text));
  EXPECT_EQ(job.seed_count(), 5u);
  Result<SeedJob> back = parse_seed_job(json::parse(seed_job_json(job).dump()));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, job);
  // Another --set is another scenario, so another digest.
  SeedJob other = seed_job(JobKind::kTune, load_shipped("swarm", {"duration=11m"}), 5, 9);
  EXPECT_NE(other.scenario_digest, job.scenario_digest);
}

TEST(SeedJob, BadJsonIsRefusedNamingTheField) {
  const json good = seed_job_json(swarm_job(JobKind::kSweep, 1, 3));
  struct Case {
    const char* field;
    json value;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"kind", "hunt", "job/kind: expected \"sweep\" or \"tune\""},
      {"first_seed", -1, "job/first_seed: expected an integer"},
      {"last_seed", 0, "job/last_seed: expected an integer first_seed.."},
      {"last_seed", 10'000'001, "job/last_seed: expected an integer first_seed.."},
      {"scenario_digest", "XYZ", "job/scenario_digest: expected 16 lower-case hex digits"},
      {"scenario", json::object(), "job/scenario: expected the scenario document as a string"},
  };
  for (const Case& c : cases) {
    json bad = good;
    bad[c.field] = c.value;
    Result<SeedJob> r = parse_seed_job(bad);
    ASSERT_FALSE(r.is_ok()) << c.field;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
    json missing = good;
    missing.erase(c.field);
    Result<SeedJob> m = parse_seed_job(missing);
    ASSERT_FALSE(m.is_ok()) << c.field;
    EXPECT_NE(m.status().message().find(std::string("job/") + c.field), std::string::npos)
        << m.status().message();
  }
  EXPECT_FALSE(parse_seed_job(json::array()).is_ok());
}

TEST(SeedJob, ADigestThatDoesNotMatchTheTextIsRefusedEverywhere) {
  SeedJob job = swarm_job(JobKind::kSweep, 1, 2);
  json edited = seed_job_json(job);
  edited["scenario"] = job.scenario_text + " ";  // same document, other bytes
  Result<SeedJob> parsed = parse_seed_job(edited);
  ASSERT_FALSE(parsed.is_ok());
  EXPECT_NE(parsed.status().message().find("does not match the scenario text"), std::string::npos)
      << parsed.status().message();

  SeedJob tampered = job;
  tampered.scenario_text.replace(tampered.scenario_text.find("10m"), 3, "11m");
  Result<JobResult> ran = run_seed_job(tampered, {});
  ASSERT_FALSE(ran.is_ok());
  EXPECT_NE(ran.status().message().find("does not match its text"), std::string::npos)
      << ran.status().message();
}

TEST(SeedJob, ItsScenarioTextGivesTheRecordsOfTheScenarioItCameFrom) {
  scenario::Scenario sc = load_shipped("swarm", short_swarm_sets());
  SweepOptions options;
  options.first_seed = 3;
  options.last_seed = 8;
  options.jobs = 2;
  SeedRun direct = run_seeds(sc, options);
  JobResult via_job = run_or_fail(seed_job(JobKind::kSweep, sc, 3, 8));
  Result<std::vector<SeedRecord>> records = sweep_records(via_job);
  ASSERT_TRUE(records.is_ok()) << records.status().message();
  EXPECT_EQ(*records, direct.records);
  EXPECT_FALSE(via_job.interrupted);
  EXPECT_EQ(via_job.build, build_identity());
}

TEST(JobResult, RoundTripsThroughJsonForBothKinds) {
  for (JobKind kind : {JobKind::kSweep, JobKind::kTune}) {
    JobResult result = run_or_fail(swarm_job(kind, 10, 13));
    ASSERT_EQ(result.records.size(), 4u);
    Result<JobResult> back = parse_job_result(json::parse(job_result_json(result).dump()));
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(*back, result);
  }
}

TEST(JobResult, RecordsMustCoverTheRangeOnceEachInOrder) {
  const JobResult result = run_or_fail(swarm_job(JobKind::kSweep, 1, 3));
  auto message_of = [](const json& j) {
    Result<JobResult> r = parse_job_result(j);
    return r.is_ok() ? std::string("accepted") : r.status().message();
  };
  json missing = job_result_json(result);
  missing["records"].erase(1);
  EXPECT_NE(message_of(missing).find("result/records: 2 records for 3 seeds"), std::string::npos)
      << message_of(missing);
  missing["interrupted"] = true;  // an interrupted result may lack seeds
  EXPECT_EQ(message_of(missing), "accepted");

  json repeated = job_result_json(result);
  repeated["records"][2] = repeated["records"][1];
  EXPECT_NE(message_of(repeated).find("result/records/2: seed 2 out of order"), std::string::npos)
      << message_of(repeated);

  json outside = job_result_json(result);
  outside["last_seed"] = 2;
  EXPECT_NE(message_of(outside).find("outside first_seed..last_seed (1..2)"), std::string::npos)
      << message_of(outside);

  json bad_record = job_result_json(result);
  bad_record["records"][0]["verdict"] = "maybe";
  EXPECT_NE(message_of(bad_record).find("result/records/0: seed 1/verdict"), std::string::npos)
      << message_of(bad_record);

  json tune_kind = job_result_json(result);
  tune_kind["kind"] = "tune";  // sweep records are not tune records
  EXPECT_NE(message_of(tune_kind).find("result/records/0"), std::string::npos)
      << message_of(tune_kind);

  json no_build = job_result_json(result);
  no_build.erase("build");
  EXPECT_NE(message_of(no_build).find("result/build"), std::string::npos);
}

TEST(TuneRecord, RoundTripsAndRefusesACompletedCountThatIsNotTheHistogramsSum) {
  TuneRecord r;
  r.seed = 7;
  r.passed = true;
  r.types["dht_store"] = {5, {{2, 1}, {4, 3}}};
  r.types["pubsub_sync"] = {2, {}};
  Result<TuneRecord> back = parse_tune_record(json::parse(tune_record_json(r).dump()));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, r);

  json bad = tune_record_json(r);
  bad["types"][0]["completed"] = 5;
  Result<TuneRecord> refused = parse_tune_record(bad);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().message(),
            "seed 7/types/0/completed: expected the sum of the beats' counts");
  json zero = tune_record_json(r);
  zero["types"][0]["beats"][0]["count"] = 0;
  Result<TuneRecord> z = parse_tune_record(zero);
  ASSERT_FALSE(z.is_ok());
  EXPECT_EQ(z.status().message(), "seed 7/types/0/beats/0/count: expected an integer >= 1");
}

reports::TuneOptions tune_options(std::uint64_t first, int seeds) {
  reports::TuneOptions o;
  o.first_seed = first;
  o.seeds = seeds;
  o.jobs = 2;
  o.resamples = 200;
  o.margin = 1;
  o.percentile = 95;
  return o;
}

TEST(AggregateTune, FromRecordsEqualsTuneForTheSameSeeds) {
  scenario::Scenario sc = load_shipped("swarm", short_swarm_sets());
  const reports::TuneOptions options = tune_options(20, 6);
  reports::TuneResult direct = reports::tune(sc, options);
  ASSERT_EQ(direct.seeds_completed, 6);

  Result<std::vector<TuneRecord>> records =
      tune_records(run_or_fail(seed_job(JobKind::kTune, sc, 20, 25)));
  ASSERT_TRUE(records.is_ok()) << records.status().message();
  reports::TuneResult aggregated = reports::aggregate_tune(sc, *records, options, false);
  EXPECT_EQ(reports::tune_json(aggregated).dump(), reports::tune_json(direct).dump());
  EXPECT_EQ(reports::tune_text(aggregated), reports::tune_text(direct));
}

TEST(AggregateTune, IsIndependentOfRecordOrderAndOfDuplicates) {
  scenario::Scenario sc = load_shipped("swarm", short_swarm_sets());
  const reports::TuneOptions options = tune_options(1, 6);
  Result<std::vector<TuneRecord>> records =
      tune_records(run_or_fail(seed_job(JobKind::kTune, sc, 1, 6), 1));
  ASSERT_TRUE(records.is_ok());
  const std::string expected =
      reports::tune_json(reports::aggregate_tune(sc, *records, options, false)).dump();

  std::vector<TuneRecord> shuffled = *records;
  std::reverse(shuffled.begin(), shuffled.end());
  std::rotate(shuffled.begin(), shuffled.begin() + 2, shuffled.end());
  shuffled.push_back((*records)[3]);  // a seed delivered twice counts once
  shuffled.insert(shuffled.begin(), (*records)[0]);
  EXPECT_EQ(reports::tune_json(reports::aggregate_tune(sc, shuffled, options, false)).dump(),
            expected);

  // A missing seed does change it: the aggregation reads every record.
  std::vector<TuneRecord> fewer(records->begin() + 1, records->end());
  reports::TuneResult partial = reports::aggregate_tune(sc, fewer, options, false);
  EXPECT_EQ(partial.seeds_completed, 5);
  EXPECT_NE(reports::tune_json(partial).dump(), expected);
}

TEST(BuildIdentity, NamesVersionCompilerCommitAndCanaryAndIsStable) {
  const std::string& id = build_identity();
  EXPECT_TRUE(
      std::regex_match(id, std::regex(R"(backbeat-sim [0-9.]+; (gcc|clang) [0-9.]+; )"
                                      R"(commit ([0-9a-f]{40}|unknown); canary [0-9a-f]{16})")))
      << id;
  EXPECT_NE(id.find("; canary "), std::string::npos) << id;
  EXPECT_EQ(id.find("unloadable"), std::string::npos) << id;
  EXPECT_EQ(&build_identity(), &id);
}

}  // namespace
}  // namespace backbeat::sim::batch
