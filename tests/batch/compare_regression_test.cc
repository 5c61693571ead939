// compare --fail-on-regression: which differences between run A and run B are regressions
// (reports::regressions) and how the percentile tolerance is read (reports::parse_tolerance).
#include <gtest/gtest.h>

#include "reports/compare.h"

namespace backbeat::reports {
namespace {

using nlohmann::json;

json summary(double p95, double p99, std::vector<std::pair<std::string, bool>> assertions) {
  json a = json::array();
  for (const auto& [name, pass] : assertions) {
    a.push_back({{"name", name}, {"pass", pass}, {"measured", pass ? 1 : 5}});
  }
  return {{"verdict", "pass"},
          {"operations",
           {{"dht_store",
             {{"budget_beats", 4},
              {"completed", 10},
              {"over_budget", 0},
              {"beats", {{"p95", p95}, {"p99", p99}}}}}}},
          {"assertions", a}};
}

Tolerance beats(double b) {
  Tolerance t;
  t.beats = b;
  return t;
}

TEST(Regressions, AnAssertionThatWentFromPassToFailIsOneAndNothingElseIs) {
  json a = summary(3, 4, {{"kept", true}, {"broke", true}, {"healed", false}, {"gone", true}});
  json b = summary(3, 4, {{"kept", true}, {"broke", false}, {"healed", true}, {"new", false}});
  std::vector<std::string> r = regressions(compare_runs(a, b, "a", "b"), beats(0));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], "assertion broke passed in A and fails in B (measured 1 -> 5)");
  EXPECT_TRUE(regressions(compare_runs(b, b, "b", "b"), beats(0)).empty());
}

TEST(Regressions, APercentileThatGrewBeyondTheToleranceIsOne) {
  json a = summary(3, 4, {});
  json b = summary(5, 4, {});
  Comparison c = compare_runs(a, b, "a", "b");
  std::vector<std::string> r = regressions(c, beats(0));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], "p95 beats of dht_store grew from 3 to 5 (+2; tolerance 0 beats)");
  EXPECT_EQ(regressions(c, beats(1)).size(), 1u);
  EXPECT_TRUE(regressions(c, beats(2)).empty()) << "growth equal to the tolerance is allowed";
  Tolerance half;
  half.percent = 50;  // 1.5 beats of A's 3
  EXPECT_EQ(regressions(c, half).size(), 1u);
  half.percent = 70;  // 2.1 beats
  EXPECT_TRUE(regressions(c, half).empty());
  // Getting better is never a regression; p99 growing is.
  EXPECT_TRUE(regressions(compare_runs(b, a, "b", "a"), beats(0)).empty());
  EXPECT_EQ(regressions(compare_runs(a, summary(3, 6, {}), "a", "b"), beats(0)).size(), 1u);
}

TEST(Tolerance, ReadsBeatsOrAPercentageOfA) {
  Result<Tolerance> t = parse_tolerance("2");
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->allowed(10), 2);
  t = parse_tolerance("10%");
  ASSERT_TRUE(t.is_ok());
  EXPECT_DOUBLE_EQ(t->allowed(30), 3);
  EXPECT_EQ(t->describe(), "10% of A");
  for (const char* bad : {"", "-1", "x", "%", "2 beats", "1e99", "nan"}) {
    EXPECT_FALSE(parse_tolerance(bad).is_ok()) << bad;
  }
}

}  // namespace
}  // namespace backbeat::reports
