#include "core/contracts/bar_report.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "tests/contracts/mutate.h"

namespace backbeat {
namespace {

BarReport typical_report() {
  BarReport report;
  report.window_id = "5d0c6f1e2b3a49788a1b2c3d4e5f6071";
  report.from_beat = 0;
  report.to_beat = 3;
  report.agents_reporting = 150;
  report.on_time_reviews = 147;
  report.help_promises_fulfilled = 12;
  report.secret_rotations_ok = true;
  report.tempo_drift_ms = -2.1;
  return report;
}

TEST(BarReport, EncodesInContractOrder) {
  BarReport report = typical_report();
  EXPECT_EQ(encode_bar_report(report),
            R"({"type":"backbeat.barreport.v1","window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071",)"
            R"("from_beat":0,"to_beat":3,"agents_reporting":150,"on_time_reviews":147,)"
            R"("help_promises_fulfilled":12,"secret_rotations_ok":true,"tempo_drift_ms":-2.1})");
  report.issues = {{"warning", "late_review", 3}, {"error", "missed_beat", 1}};
  const std::string text = encode_bar_report(report);
  EXPECT_NE(text.find(R"("tempo_drift_ms":-2.1,"issues":[)"
                      R"({"severity":"warning","category":"late_review","count":3},)"
                      R"({"severity":"error","category":"missed_beat","count":1}]})"),
            std::string::npos)
      << text;
  Result<BarReport> again = decode_bar_report(text);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(*again, report);
}

TEST(BarReport, IssueErrorsStartWithIssues) {
  nlohmann::json json = bar_report_to_json(typical_report());
  json["issues"] = {{{"severity", "warning"}, {"category", "x"}}};
  EXPECT_EQ(bar_report_from_json(json).status().message(),
            "issues[0].count: expected an integer 0..9223372036854775807, got nothing (missing)");

  json["issues"] = nlohmann::json::array();
  for (int i = 0; i < 101; ++i) {
    json["issues"].push_back({{"severity", "info"}, {"category", "c"}, {"count", i}});
  }
  EXPECT_EQ(bar_report_from_json(json).status().message(),
            "issues: expected an array of at most 100 {severity, category, count} objects, "
            "got 101 entries");
  json["issues"].erase(100);
  EXPECT_TRUE(bar_report_from_json(json).is_ok());
}

TEST(BarReport, ValidateChecksTheStruct) {
  EXPECT_TRUE(validate_bar_report(typical_report()).is_ok());
  BarReport report = typical_report();
  report.to_beat = -1;
  EXPECT_EQ(validate_bar_report(report).message().rfind("to_beat: ", 0), 0u);
  report = typical_report();
  report.tempo_drift_ms = std::numeric_limits<double>::infinity();
  EXPECT_EQ(validate_bar_report(report).message().rfind("tempo_drift_ms: ", 0), 0u);
  report = typical_report();
  report.window_id = "x";
  EXPECT_EQ(validate_bar_report(report).message().rfind("window_id: ", 0), 0u);
  report = typical_report();
  report.issues.assign(101, {"info", "c", 1});
  EXPECT_EQ(validate_bar_report(report).message().rfind("issues: ", 0), 0u);
  report = typical_report();
  report.issues = {{"info", "c", -1}};
  EXPECT_EQ(validate_bar_report(report).message().rfind("issues[0].count: ", 0), 0u);
  report = typical_report();
  report.issues = {{"info\xFF", "c", 1}};
  EXPECT_EQ(validate_bar_report(report).message().rfind("issues[0].severity: ", 0), 0u);
}

TEST(BarReport, NonFiniteDriftEncodesAsNullAndFailsToDecode) {
  BarReport report = typical_report();
  report.tempo_drift_ms = std::numeric_limits<double>::quiet_NaN();
  const std::string text = encode_bar_report(report);
  EXPECT_NE(text.find(R"("tempo_drift_ms":null)"), std::string::npos);
  EXPECT_EQ(decode_bar_report(text).status().message(),
            "tempo_drift_ms: expected a number, got null");
}

// Mutated reports must decode or fail cleanly, never crash.
TEST(BarReport, SurvivesMutatedInput) {
  BarReport full = typical_report();
  full.issues = {{"warning", "late_review", 3}};
  const std::string base = encode_bar_report(full);
  std::mt19937 random(7);
  for (int i = 0; i < 20'000; ++i) {
    const std::string text = testing::mutate(base, random);
    Result<BarReport> report = decode_bar_report(text);
    if (report.is_ok()) {
      ASSERT_TRUE(validate_bar_report(*report).is_ok()) << text;
      Result<BarReport> again = decode_bar_report(encode_bar_report(*report));
      ASSERT_TRUE(again.is_ok() && *again == *report) << text;
    } else {
      ASSERT_EQ(report.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace backbeat
