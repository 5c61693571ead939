#include "core/subject.h"

#include <gtest/gtest.h>

namespace backbeat {
namespace {

TEST(SubjectTest, LiteralPatternsMatchOnlyThemselves) {
  EXPECT_TRUE(subject_matches("backbeat.beat.dev", "backbeat.beat.dev"));
  EXPECT_FALSE(subject_matches("backbeat.beat.dev", "backbeat.beat.prod"));
  EXPECT_FALSE(subject_matches("backbeat.beat", "backbeat.beat.dev"));
  EXPECT_FALSE(subject_matches("backbeat.beat.dev", "backbeat.beat"));
}

TEST(SubjectTest, StarMatchesExactlyOneToken) {
  EXPECT_TRUE(subject_matches("backbeat.*.dev", "backbeat.beat.dev"));
  EXPECT_TRUE(subject_matches("backbeat.status.dev.*", "backbeat.status.dev.agent-1"));
  EXPECT_FALSE(subject_matches("backbeat.*", "backbeat.status.dev"));
  EXPECT_FALSE(subject_matches("backbeat.*.dev", "backbeat.dev"));
}

TEST(SubjectTest, GreaterThanMatchesOneOrMoreTrailingTokens) {
  EXPECT_TRUE(subject_matches("backbeat.>", "backbeat.beat.dev"));
  EXPECT_TRUE(subject_matches("backbeat.>", "backbeat.x"));
  EXPECT_FALSE(subject_matches("backbeat.>", "backbeat"));
  EXPECT_TRUE(subject_matches(">", "anything.at.all"));
  EXPECT_TRUE(subject_matches("backbeat.status.*.>", "backbeat.status.dev.chorus:agent-1"));
}

TEST(SubjectTest, ValidationRejectsMalformedSubjectsAndPatterns) {
  EXPECT_TRUE(validate_subject("backbeat.beat.dev").is_ok());
  EXPECT_FALSE(validate_subject("").is_ok());
  EXPECT_FALSE(validate_subject("a..b").is_ok());
  EXPECT_FALSE(validate_subject(".a").is_ok());
  EXPECT_FALSE(validate_subject("a.").is_ok());
  EXPECT_FALSE(validate_subject("a b").is_ok());
  EXPECT_FALSE(validate_subject("a.*").is_ok());
  EXPECT_TRUE(validate_subject_pattern("a.*.>").is_ok());
  EXPECT_FALSE(validate_subject_pattern("a.>.b").is_ok());
  EXPECT_FALSE(validate_subject_pattern("a..*").is_ok());
}

TEST(SubjectTest, SchemeBuildsTheContractSubjects) {
  SubjectScheme scheme;
  EXPECT_EQ(scheme.beat_frames("dev"), "backbeat.beat.dev");
  EXPECT_EQ(scheme.status_claims("dev", "chorus:a1"), "backbeat.status.dev.chorus:a1");
  EXPECT_EQ(scheme.all_status_claims("dev"), "backbeat.status.dev.>");
  EXPECT_EQ(scheme.bar_reports("dev"), "backbeat.bar.dev");
  EXPECT_TRUE(subject_matches(scheme.all_status_claims("dev"), scheme.status_claims("dev", "x")));
}

}  // namespace
}  // namespace backbeat
