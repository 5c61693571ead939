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
  EXPECT_EQ(echo_text("del\x7f"), "del\\x7f");
}

// C1 controls (U+0080..U+009F) are controls too: U+009B is a one-byte CSI to an 8-bit terminal.
// The printable characters around them, U+00A0 and up, are text.
TEST(EchoText, C1ControlsAreEscapedAndTheCharactersAfterThemKept) {
  EXPECT_EQ(echo_text("a\xc2\x9b"
                      "31mb"),
            "a\\xc2\\x9b31mb");
  EXPECT_EQ(echo_text("\xc2\x80\xc2\x9f"), "\\xc2\\x80\\xc2\\x9f");
  EXPECT_EQ(echo_text("\xc2\xa0\xc2\xa3"), "\xc2\xa0\xc2\xa3");  // no-break space, pound sign
}

// printable() bounds nothing and escapes the same; echo_id shows a merely too-long id whole.
TEST(EchoText, PrintableAndEchoIdKeepTheWholeText) {
  const std::string long_text = std::string(5000, 'x') + "\x1b";
  EXPECT_EQ(printable(long_text), std::string(5000, 'x') + "\\x1b");
  EXPECT_EQ(echo_id(std::string(129, 'a')), std::string(129, 'a'));
  EXPECT_EQ(echo_id(std::string(300, 'a')), std::string(200, 'a') + "... (300 bytes)");
}

}  // namespace
}  // namespace backbeat::sim::scenario
