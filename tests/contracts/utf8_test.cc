#include "core/contracts/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace backbeat {
namespace {

TEST(Utf8, SequenceLengths) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\xA5\x81", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xF4\x8F\xBF\xBF", 0), 4u);  // U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xEE\x80\x80", 0), 3u);      // U+E000, after the surrogates
}

TEST(Utf8, RejectsIllFormedSequences) {
  for (std::string_view bad : {
           std::string_view("\x80"),
           std::string_view("\xBF"),  // continuation first
           std::string_view("\xC0\x80"),
           std::string_view("\xC1\xBF"),          // overlong 2-byte
           std::string_view("\xE0\x9F\xBF"),      // overlong 3-byte
           std::string_view("\xF0\x8F\xBF\xBF"),  // overlong 4-byte
           std::string_view("\xED\xA0\x80"),
           std::string_view("\xED\xBF\xBF"),      // surrogates
           std::string_view("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string_view("\xF5\x80\x80\x80"),
           std::string_view("\xFF"),
           std::string_view("\xC3"),
           std::string_view("\xE2\x82"),  // cut short
           std::string_view("\xC3\x41"),
           std::string_view("\xE2\x82\x41"),
       }) {
    EXPECT_EQ(utf8_sequence_length(bad, 0), 0u);
    EXPECT_FALSE(utf8_char_count(bad).has_value());
  }
}

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(utf8_char_count(""), 0u);
  EXPECT_EQ(utf8_char_count("abc"), 3u);
  EXPECT_EQ(utf8_char_count("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA5\x81"), 4u);
  EXPECT_EQ(utf8_char_count(std::string_view("a\0b", 3)), 3u);
}

TEST(Utf8, SanitizeReplacesEachBadByte) {
  EXPECT_EQ(sanitize_utf8("ok"), "ok");
  EXPECT_EQ(sanitize_utf8("\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(sanitize_utf8("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(sanitize_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  const std::string repaired = sanitize_utf8("\xED\xA0\x80\xC0");
  EXPECT_EQ(utf8_char_count(repaired), 4u);
}

TEST(Utf8, PrefixBytes) {
  const std::string_view text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA5\x81";
  EXPECT_EQ(utf8_prefix_bytes(text, 0), 0u);
  EXPECT_EQ(utf8_prefix_bytes(text, 1), 1u);
  EXPECT_EQ(utf8_prefix_bytes(text, 2), 3u);
  EXPECT_EQ(utf8_prefix_bytes(text, 3), 6u);
  EXPECT_EQ(utf8_prefix_bytes(text, 4), 10u);
  EXPECT_EQ(utf8_prefix_bytes(text, 99), 10u);
}

}  // namespace
}  // namespace backbeat
