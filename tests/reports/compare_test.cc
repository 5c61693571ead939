#include "reports/compare.h"

#include <gtest/gtest.h>

namespace backbeat::reports {
namespace {

using nlohmann::json;

json summary(const std::string& verdict, int budget, int p95, bool pass) {
  return {
      {"verdict", verdict},
      {"operations",
       {{"dht_store",
         {{"budget_beats", budget},
          {"completed", 100},
          {"over_budget", pass ? 0 : 10},
          {"beats", {{"p50", 2}, {"p95", p95}, {"p99", p95 + 1}, {"max", p95 + 2}}}}}}},
      {"assertions",
       json::array({{{"name", "p95_beats[dht_store] <= budget"}, {"measured", p95}, {"pass", pass}},
                    {{"name", "claims_lost"}, {"measured", 0}, {"pass", true}}})}};
}

TEST(Compare, ShowsDeltasAndVerdictChanges) {
  Comparison c = compare_runs(summary("pass", 4, 3, true), summary("fail", 3, 5, false), "a", "b");
  ASSERT_EQ(c.types.size(), 1u);
  EXPECT_EQ(*c.types[0].p95_a, 3);
  EXPECT_EQ(*c.types[0].p95_b, 5);
  EXPECT_EQ(c.types[0].verdict_a, "pass");
  EXPECT_EQ(c.types[0].verdict_b, "fail");
  EXPECT_DOUBLE_EQ(*c.types[0].over_share_b, 0.1);
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].name, "p95_beats[dht_store] <= budget");
  std::string text = comparison_text(c);
  EXPECT_NE(text.find("3/5 (+2)"), std::string::npos) << text;
  EXPECT_NE(text.find("CHANGED"), std::string::npos);
  EXPECT_EQ(comparison_json(c)["changes"].size(), 1u);
}

TEST(Compare, IdenticalRunsHaveNoChanges) {
  Comparison c = compare_runs(summary("pass", 4, 3, true), summary("pass", 4, 3, true), "a", "b");
  EXPECT_TRUE(c.changes.empty());
  std::string text = comparison_text(c);
  EXPECT_NE(text.find("no assertion changed"), std::string::npos);
  EXPECT_NE(text.find("3/3 (=)"), std::string::npos) << text;  // unchanged numbers read "="
}

TEST(Compare, RejectsWhatIsNotARunSummary) {
  auto r = load_run_summary("/nonexistent/dir");
  EXPECT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("/nonexistent/dir"), std::string::npos);
}

}  // namespace
}  // namespace backbeat::reports
