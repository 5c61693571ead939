#include "sim/scenario/echo_text.h"

#include <gtest/gtest.h>

#include <string>

namespace backbeat::sim::scenario {
namespace {

TEST(EchoText, ShortPrintableTextIsShownWhole) {
  EXPECT_EQ(echo_text("pulse.tempo_bpm=4"), "pulse.tempo_bpm=4");
  EXPECT_EQ(echo_text("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");  // UTF-8 is kept
  EXPECT_EQ(echo_text(std::string(64, 'x')), std::string(64, 'x'));
}

TEST(EchoText, LongTextIsCutAtCharactersAndSaysItsSize) {
  EXPECT_EQ(echo_text(std::string(65, 'x')), std::string(64, 'x') + "... (65 bytes)");
  // 64 two-byte characters are kept whole: the cut counts characters, not bytes.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
  std::string kept;
  for (int i = 0; i < 64; ++i) kept += "\xc3\xa9";
  EXPECT_EQ(echo_text(accents), kept + "... (200 bytes)");
  EXPECT_EQ(echo_path(std::string(300, 'p')), std::string(256, 'p') + "... (300 bytes)");
}

TEST(EchoText, ControlCharactersAndBrokenUtf8AreEscaped) {
  EXPECT_EQ(echo_text("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(echo_text("tab\there\n"), "tab\\x09here\\x0a");
  EXPECT_EQ(echo_text("\xfa\xfb"), "\\xfa\\xfb");
  EXPECT_EQ(echo_text(std::string("nul\0", 4)), "nul\\x00");
}

}  // namespace
}  // namespace backbeat::sim::scenario
