// A scenario's `expect`: the verdict alone, or the verdict and exactly which assertions fail; and
// how a run is compared with it (run_summary's expectation_mismatches, which CI checks for every
// shipped scenario through `run --json`'s "as_expected").
#include <gtest/gtest.h>

#include "sim/scenario/loader.h"
#include "sim/scenario/run_summary.h"

namespace backbeat::sim::scenario {
namespace {

LoadResult load_with_expect(const std::string& expect) {
  return load_scenario_text(R"({"version": 1, "expect": )" + expect + "}", "expect.json");
}

TEST(Expect, AVerdictAloneNamesNoAssertions) {
  LoadResult r = load_with_expect(R"("fail")");
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
  EXPECT_EQ(r.scenario->expect, Verdict::kFail);
  EXPECT_FALSE(r.scenario->expect_failing.has_value());
}

TEST(Expect, TheObjectFormNamesTheFailingAssertions) {
  LoadResult r = load_with_expect(R"({"verdict": "fail", "failing": ["claims_lost", "p95"]})");
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
  EXPECT_EQ(r.scenario->expect, Verdict::kFail);
  EXPECT_EQ(*r.scenario->expect_failing, (std::vector<std::string>{"claims_lost", "p95"}));
  r = load_with_expect(R"({"verdict": "pass", "failing": []})");
  ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
  EXPECT_TRUE(r.scenario->expect_failing->empty());
}

TEST(Expect, MalformedExpectationsNameTheirPlace) {
  struct Case {
    std::string expect;
    std::string fragment;
  };
  for (const Case& c : {
           Case{R"({"failing": ["x"]})", "/expect: missing required key 'verdict'"},
           Case{R"({"verdict": "maybe"})", "/expect/verdict: expected one of"},
           Case{R"({"verdict": "fail", "failing": []})", "/expect/failing: expected a non-empty"},
           Case{R"({"verdict": "fail", "failing": "x"})", "/expect/failing: expected a non-empty"},
           Case{R"({"verdict": "pass", "failing": ["x"]})", "expects \"pass\" has no failing"},
           Case{R"({"verdict": "fail", "failing": ["x", "x"]})",
                "/expect/failing/1: assertion 'x' is listed twice"},
           Case{R"({"verdict": "fail", "failing": [3]})", "/expect/failing/0: expected a string"},
           Case{R"({"verdict": "fail", "falling": ["x"]})", "did you mean 'failing'"},
       }) {
    SCOPED_TRACE(c.expect);
    LoadResult r = load_with_expect(c.expect);
    ASSERT_FALSE(r.ok());
    std::string errors = format_diagnostics(r.errors);
    EXPECT_NE(errors.find(c.fragment), std::string::npos) << errors;
  }
}

class ExpectationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_.expect = Verdict::kFail;
    report_.scenario = &scenario_;
    report_.outcome = &outcome_;
    report_.results = {result("a", true), result("b", false), result("c", true)};
  }
  static AssertionResult result(const std::string& name, bool pass) {
    AssertionResult r;
    r.name = name;
    r.pass = pass;
    return r;
  }
  Scenario scenario_;
  RunOutcome outcome_;
  RunReport report_;
};

TEST_F(ExpectationTest, TheNamedSetMatchingExactlyIsAsExpected) {
  scenario_.expect_failing = std::vector<std::string>{"b"};
  EXPECT_TRUE(expectation_mismatches(report_).empty());
  scenario_.expect_failing.reset();  // the verdict alone
  EXPECT_TRUE(expectation_mismatches(report_).empty());
}

TEST_F(ExpectationTest, AnExtraFailureInAnExpectedFailScenarioIsCaught) {
  scenario_.expect_failing = std::vector<std::string>{"b"};
  report_.results[2].pass = false;
  EXPECT_EQ(expectation_mismatches(report_), (std::vector<std::string>{"'c' failed unexpectedly"}));
}

TEST_F(ExpectationTest, ANamedAssertionThatPassesOrIsMissingIsCaught) {
  scenario_.expect_failing = std::vector<std::string>{"a", "b", "zz"};
  EXPECT_EQ(
      expectation_mismatches(report_),
      (std::vector<std::string>{"'a' passed, expected to fail",
                                "'zz' is expected to fail but the run has no such assertion"}));
}

TEST_F(ExpectationTest, TheVerdictItselfMustMatch) {
  report_.results[1].pass = true;  // everything passes
  EXPECT_EQ(expectation_mismatches(report_),
            (std::vector<std::string>{"verdict pass, expected fail"}));
  scenario_.expect = Verdict::kPass;
  EXPECT_TRUE(expectation_mismatches(report_).empty());
}

}  // namespace
}  // namespace backbeat::sim::scenario
