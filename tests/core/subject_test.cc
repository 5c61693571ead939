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

// The rules scenario files share with subscriptions (issue 13): wildcards only as whole tokens,
// no control characters in a pattern; a subject off the wire keeps NATS's rule (no whitespace).
// subject_problem says what is wrong without quoting the text.
TEST(SubjectTest, PatternWildcardsAreWholeTokensAndPatternsHaveNoControlCharacters) {
  EXPECT_FALSE(validate_subject_pattern("backbeat.stat*").is_ok());
  EXPECT_FALSE(validate_subject_pattern("backbeat.a>").is_ok());
  EXPECT_FALSE(validate_subject_pattern("backbeat.\x01").is_ok());
  EXPECT_FALSE(validate_subject_pattern("backbeat.\x7f").is_ok());
  EXPECT_FALSE(validate_subject_pattern("backbeat.a\tb").is_ok());
  EXPECT_TRUE(validate_subject("backbeat.\x1b[2Jgotcha").is_ok());  // hostile, but NATS allows it
  EXPECT_FALSE(validate_subject("backbeat.a\tb").is_ok());
  EXPECT_TRUE(validate_subject("backbeat.status.dev.chorus:agent-1").is_ok());
  EXPECT_EQ(subject_problem("backbeat.>.status", true), "has '>' before its last token");
  EXPECT_EQ(subject_problem("a b", true), "contains whitespace or a control character");
  EXPECT_EQ(subject_problem("a.*", false), "contains a wildcard");
  EXPECT_EQ(subject_problem("a.*.>", true), "");
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
