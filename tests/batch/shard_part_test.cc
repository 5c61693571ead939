// Shards and part files (sim/batch/shard.h, part_file.h): K/N parsing, slices that cover the
// seeds exactly once in contiguous runs of near-equal size, part.json round trips, a part whose
// seeds are not its shard's refused, and the first difference between two parts named.
#include <gtest/gtest.h>

#include "sim/batch/build_identity.h"
#include "sim/batch/part_file.h"
#include "sim/batch/shard.h"
#include "tests/batch/sweep_fixture.h"

namespace backbeat::sim::batch {
namespace {

using backbeat::testing::load_shipped;
using nlohmann::json;

TEST(Shard, ParsesKOfNAndRefusesAnythingElse) {
  Result<Shard> s = parse_shard("3/8");
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(*s, (Shard{3, 8}));
  EXPECT_EQ(s->text(), "3/8");
  for (const char* bad : {"", "3", "/8", "3/", "0/8", "9/8", "-1/8", "1/0", "1/+2", "1/2x", " 1/2",
                          "1/100001", "99999999999/1"}) {
    EXPECT_FALSE(parse_shard(bad).is_ok()) << bad;
  }
}

TEST(Shard, SlicesCoverEverySeedOnceContiguouslyWithSizesWithinOne) {
  for (std::uint64_t total : {1u, 2u, 7u, 10u, 100u, 101u}) {
    for (int n = 1; n <= static_cast<int>(std::min<std::uint64_t>(total, 12)); ++n) {
      const SeedRange all{40, 40 + total - 1};
      std::uint64_t next = all.first, smallest = total, largest = 0;
      for (int k = 1; k <= n; ++k) {
        Result<SeedRange> r = shard_range(all, {k, n});
        ASSERT_TRUE(r.is_ok());
        EXPECT_EQ(r->first, next) << k << "/" << n << " of " << total;
        ASSERT_LE(r->first, r->last);
        const std::uint64_t size = r->last - r->first + 1;
        smallest = std::min(smallest, size);
        largest = std::max(largest, size);
        next = r->last + 1;
      }
      EXPECT_EQ(next, all.last + 1) << n << " shards of " << total;
      EXPECT_LE(largest - smallest, 1u);
    }
  }
  Result<SeedRange> too_many = shard_range({1, 2}, {1, 3});
  ASSERT_FALSE(too_many.is_ok());
  EXPECT_EQ(too_many.status().message(),
            "3 shards for 2 seeds: each shard needs at least one seed");
}

PartFile part_of(int k, int n, const std::vector<std::string>& sets = {"duration=5m"}) {
  scenario::Scenario sc = load_shipped("swarm", sets);
  PartFile part;
  part.kind = JobKind::kSweep;
  part.shard = {k, n};
  part.first_seed = 1;
  part.last_seed = 5;
  part.sets = sets;
  part.build = build_identity();
  SeedRange slice = *shard_range({1, 5}, part.shard);
  SeedJob job = seed_job(JobKind::kSweep, sc, slice.first, slice.last);
  JobRunOptions options;
  options.jobs = 2;
  Result<JobResult> result = run_seed_job(job, options);
  EXPECT_TRUE(result.is_ok());
  part.scenarios.push_back({"swarm", sc.source, job, *result});
  return part;
}

TEST(PartFile, RoundTripsThroughJson) {
  const PartFile part = part_of(2, 3);
  Result<PartFile> back = parse_part_file(json::parse(part_file_json(part).dump()));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(part_file_json(*back), part_file_json(part));
  EXPECT_EQ(part_mismatch(part, *back), "");
  EXPECT_EQ(back->scenarios.front().result.records.size(), 2u);  // seeds 3..4
}

TEST(PartFile, RefusesSeedsThatAreNotItsShardsAndResultsOfAnotherBuild) {
  json moved = part_file_json(part_of(2, 3));
  moved["shard"]["index"] = 1;  // claims seeds 1..2, holds 3..4
  Result<PartFile> r = parse_part_file(moved);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(),
            "part/scenarios/0/job: seeds 3..4, but shard 1/3 of seeds 1..5 is 1..2");

  json foreign = part_file_json(part_of(1, 3));
  foreign["scenarios"][0]["result"]["build"] = "another build";
  Result<PartFile> f = parse_part_file(foreign);
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(
      f.status().message().find("part/scenarios/0/result/build: computed by \"another build\""),
      std::string::npos)
      << f.status().message();
}

TEST(PartFile, MismatchNamesTheFirstDifference) {
  const PartFile a = part_of(1, 3);
  PartFile b = part_of(2, 3);
  EXPECT_EQ(part_mismatch(a, b), "");
  PartFile other_build = b;
  other_build.build = "x";
  EXPECT_NE(part_mismatch(a, other_build).find("build \"x\" vs"), std::string::npos);
  PartFile other_count = b;
  other_count.shard.count = 4;
  EXPECT_EQ(part_mismatch(a, other_count), "shard count 4 vs 3");
  const PartFile other_scenario = part_of(2, 3, {"duration=6m"});
  EXPECT_NE(part_mismatch(a, other_scenario).find("--set [\"duration=6m\"] vs [\"duration=5m\"]"),
            std::string::npos);
  PartFile same_sets_other_text = other_scenario;
  same_sets_other_text.sets = a.sets;  // the file changed between the shards
  EXPECT_NE(part_mismatch(a, same_sets_other_text).find("(the scenario file changed)"),
            std::string::npos)
      << part_mismatch(a, same_sets_other_text);
}

}  // namespace
}  // namespace backbeat::sim::batch
