// The tuner: the same result for any number of jobs, recovery of analytic percentiles within the
// bootstrap CI, the CI's coverage on synthetic data, interruption with a valid partial result.
#include "reports/tuner.h"

#include <gtest/gtest.h>

#include <atomic>

#include "sim/kernel/random.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/percentile.h"

namespace backbeat::reports {
namespace {

sim::scenario::Scenario load(const std::string& path, std::vector<std::string> sets = {}) {
  auto loaded = sim::scenario::load_scenario_file(path, sets);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  return std::move(*loaded.scenario);
}

const std::string kUniform =
    std::string(BACKBEAT_TEST_DATA_DIR) + "/reports/uniform_durations.json";

TEST(Tuner, ResultIsIdenticalForAnyNumberOfJobs) {
  auto sc = load(std::string(BACKBEAT_SCENARIOS_DIR) + "/baseline.json", {"duration=20m"});
  TuneOptions o;
  o.seeds = 6;
  o.resamples = 200;
  o.jobs = 1;
  nlohmann::json one = tune_json(tune(sc, o));
  o.jobs = 3;
  nlohmann::json three = tune_json(tune(sc, o));
  EXPECT_EQ(one.dump(), three.dump());
  EXPECT_EQ(one["seeds_completed"], 6);
}

// Beats-to-complete of Uniform[1, 4] durations started at a uniform phase: P(1) = 1/6,
// P(2) = 1/3, P(3) = 1/3, P(4) = 1/6 (tests/data/reports/uniform_durations.json explains why).
TEST(Tuner, RecoversAnalyticPercentilesWithinTheConfidenceInterval) {
  auto sc = load(kUniform);
  const double analytic_share[] = {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6};
  struct Case {
    double percentile;
    std::int64_t analytic;
  };
  for (Case c : {Case{99, 4}, Case{75, 3}, Case{30, 2}, Case{10, 1}}) {
    TuneOptions o;
    o.seeds = 16;
    o.jobs = 2;
    o.percentile = c.percentile;
    o.resamples = 400;
    TuneResult r = tune(sc, o);
    ASSERT_EQ(r.types.size(), 1u);
    const TypeTuning& t = r.types[0];
    ASSERT_TRUE(t.quantile && t.ci_low && t.ci_high);
    EXPECT_LE(*t.ci_low, static_cast<double>(c.analytic)) << "p" << c.percentile;
    EXPECT_GE(*t.ci_high, static_cast<double>(c.analytic)) << "p" << c.percentile;
    EXPECT_EQ(*t.quantile, c.analytic) << "p" << c.percentile;
    EXPECT_EQ(*t.recommended, c.analytic);
    if (c.percentile == 99) {
      std::printf("recovery: n=%zu p99=%lld CI=[%g, %g] shares:", t.completed,
                  static_cast<long long>(*t.quantile), *t.ci_low, *t.ci_high);
      for (std::int64_t b = 1; b <= 4; ++b) {
        double share = static_cast<double>(t.histogram.count(b) ? t.histogram.at(b) : 0) /
                       static_cast<double>(t.completed);
        std::printf(" %lld:%.4f", static_cast<long long>(b), share);
        EXPECT_NEAR(share, analytic_share[b - 1], 0.025) << "beats " << b;
      }
      std::printf("\n");
      EXPECT_GT(t.completed, 5000u);
      EXPECT_EQ(t.histogram.size(), 4u);  // nothing outside 1..4
    }
  }
}

TEST(Tuner, MarginAndSharesOverBudget) {
  auto sc = load(kUniform, {"budgets.dht_store=2"});
  TuneOptions o;
  o.seeds = 4;
  o.jobs = 2;
  o.margin = 1;
  o.resamples = 100;
  TuneResult r = tune(sc, o);
  const TypeTuning& t = r.types[0];
  EXPECT_EQ(*t.recommended, 5);  // p99 = 4, + 1
  EXPECT_EQ(t.current_budget, 2);
  EXPECT_NEAR(t.share_over_current, 0.5, 0.05);  // beats 3 and 4
  EXPECT_EQ(t.over_recommended, 0u);
  EXPECT_EQ(r.budgets(), (nlohmann::json{{"dht_store", 5}}));
  auto g = guideline_for("dht_store");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->low, 2);
  EXPECT_EQ(g->high, 4);
  EXPECT_FALSE(guideline_for("unknown"));
}

// The seed's type string for leader election is "election"; its guideline row says "Leader
// Election". Both names find the 3-10 beats row.
TEST(Tuner, TheSeedsElectionTypeFindsTheLeaderElectionGuideline) {
  auto seed_type = guideline_for("election");
  auto table_name = guideline_for("leader_election");
  ASSERT_TRUE(seed_type && table_name);
  EXPECT_EQ(seed_type->low, 3);
  EXPECT_EQ(seed_type->high, 10);
  EXPECT_EQ(table_name->low, seed_type->low);
  EXPECT_EQ(table_name->high, seed_type->high);
}

// The percentile-method bootstrap CI of a quantile covers the true quantile about as often as
// it claims, on data with many distinct values (where the CI is not degenerate).
TEST(Tuner, BootstrapIntervalCoversTheTrueQuantile) {
  sim::RandomStream data(123);
  int covered = 0;
  const int trials = 120;
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<std::int64_t> v(400);
    for (auto& x : v) x = static_cast<std::int64_t>(data.uniform_u64(1000));  // p90 = 899
    std::sort(v.begin(), v.end());
    auto [lo, hi] = bootstrap_quantile_ci(v, 90, 300, 0.95, 1000 + trial);
    EXPECT_LE(lo, hi);
    if (lo <= 899 && 899 <= hi) ++covered;
  }
  EXPECT_GE(covered, static_cast<int>(trials * 0.85)) << covered << " of " << trials;
  // Deterministic for a stream seed.
  std::vector<std::int64_t> v = {1, 2, 2, 3, 5, 8, 13, 21};
  EXPECT_EQ(bootstrap_quantile_ci(v, 50, 500, 0.9, 7), bootstrap_quantile_ci(v, 50, 500, 0.9, 7));
}

// Known answer on the smallest case: the maximum (p100) of a resample of two from {0, 1} is 0 with
// probability 1/4, so the 90% interval's lower end (the 5th percentile of the resampled maxima)
// is 0 and its upper end 1. Taking the value after the rank would make every maximum 1.
TEST(Tuner, BootstrapTakesTheValueAtThePercentilesRank) {
  EXPECT_EQ(bootstrap_quantile_ci({0, 1}, 100, 1000, 0.9, 5), std::make_pair(0.0, 1.0));
  // p50 of two is the smaller one: 1 only when both draws are 1 (1/4), so the interval is [0, 1].
  EXPECT_EQ(bootstrap_quantile_ci({0, 1}, 50, 1000, 0.9, 5), std::make_pair(0.0, 1.0));
}

TEST(Tuner, InterruptionLeavesAValidPartialResult) {
  auto sc = load(kUniform, {"duration=10m"});
  std::atomic<int> finished{0};
  TuneOptions o;
  o.seeds = 50;
  o.jobs = 2;
  o.resamples = 100;
  o.on_seed_done = [&](int, int) { ++finished; };
  o.stop = [&] { return finished.load() >= 5; };
  TuneResult r = tune(sc, o);
  EXPECT_TRUE(r.interrupted);
  EXPECT_GE(r.seeds_completed, 5);
  EXPECT_LT(r.seeds_completed, 50);
  EXPECT_EQ(static_cast<int>(r.completed_seeds.size()), r.seeds_completed);
  ASSERT_EQ(r.types.size(), 1u);
  EXPECT_TRUE(r.types[0].recommended);
  nlohmann::json j = tune_json(r);
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["seeds_completed"], r.seeds_completed);
  EXPECT_NE(tune_text(r).find("INTERRUPTED"), std::string::npos);
}

}  // namespace
}  // namespace backbeat::reports
