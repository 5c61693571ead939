#include "core/contracts/hlc.h"

#include <gtest/gtest.h>

#include <string>

namespace backbeat {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// FNV-1a, 64 bits, written out from its definition for the test (not the production code).
std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char byte : text) {
    hash = (hash ^ byte) * 0x100000001b3ULL;
  }
  return hash;
}

TEST(Hlc, FormatsLowerCaseAndParsesEitherCase) {
  EXPECT_EQ(format_hlc({0x01a2, 0x0003, 0x9f1c}), "01a2:0003:9f1c");
  EXPECT_EQ(format_hlc({0, 0, 0}), "0000:0000:0000");
  EXPECT_EQ(format_hlc({0xFFFF, 0xABCD, 0x00F0}), "ffff:abcd:00f0");
  EXPECT_EQ(parse_hlc("01A2:0003:9F1c"), (HlcStamp{0x01a2, 0x0003, 0x9f1c}));
  EXPECT_EQ(parse_hlc("FFFF:FFFF:FFFF"), (HlcStamp{0xFFFF, 0xFFFF, 0xFFFF}));
  for (std::uint32_t v = 0; v <= 0xFFFF; v += 97) {
    const HlcStamp stamp{static_cast<std::uint16_t>(v), static_cast<std::uint16_t>(v ^ 0x5a5a),
                         static_cast<std::uint16_t>(0xFFFF - v)};
    ASSERT_EQ(parse_hlc(format_hlc(stamp)), stamp);
  }
}

TEST(Hlc, RejectsOtherShapes) {
  for (const char* bad : {"", "01a2:0003", "01g2:0003:9f1c", "01a2:0003:9f1c:0000", "1a2:0003:9f1c",
                          "01a20:003:9f1c", "01a2-0003-9f1c", " 01a2:0003:9f1c", "01a2:0003:9f1c ",
                          "01a2::0003:9f1", "+1a2:0003:9f1c", "0x12:0003:9f1c"}) {
    EXPECT_FALSE(is_valid_hlc(bad)) << bad;
    EXPECT_FALSE(parse_hlc(bad).has_value()) << bad;
  }
  EXPECT_TRUE(is_valid_hlc("01a2:0003:9f1c"));
}

TEST(Hlc, NodeIsLowBitsOfFnv1a64) {
  // Published FNV-1a 64 test vectors: "" -> cbf29ce484222325, "a" -> af63dc4c8601ec8c,
  // "foobar" -> 85944171f73967e8.
  EXPECT_EQ(hlc_node_of(""), 0x2325);
  EXPECT_EQ(hlc_node_of("a"), 0xec8c);
  EXPECT_EQ(hlc_node_of("foobar"), 0x67e8);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
  for (std::string_view id : {"chorus:agent-42", "chorus-chorus:agent-7", "pulse", "\xff\x80"}) {
    EXPECT_EQ(hlc_node_of(id), static_cast<std::uint16_t>(fnv1a64(id) & 0xFFFF)) << id;
  }
}

TEST(HlcGenerator, CountsWithinASecondAndResetsWhenWallMoves) {
  HlcGenerator generator("chorus:agent-42");
  const std::uint16_t node = hlc_node_of("chorus:agent-42");
  const Time start = Time(seconds(1'800'000'000));
  const auto wall = static_cast<std::uint16_t>(1'800'000'000 % 65536);

  EXPECT_EQ(generator.next(start), (HlcStamp{wall, 0, node}));
  EXPECT_EQ(generator.next(start + milliseconds(100)), (HlcStamp{wall, 1, node}));
  EXPECT_EQ(generator.next(start + milliseconds(999)), (HlcStamp{wall, 2, node}));
  EXPECT_EQ(generator.next(start + seconds(1)),
            (HlcStamp{static_cast<std::uint16_t>(wall + 1), 0, node}));
  EXPECT_EQ(generator.next(start + milliseconds(1500)),
            (HlcStamp{static_cast<std::uint16_t>(wall + 1), 1, node}));
}

TEST(HlcGenerator, StampsIncreaseWithinOneSecond) {
  HlcGenerator generator("a");
  const Time start = Time(seconds(1'000'000));
  HlcStamp previous = generator.next(start);
  for (int i = 1; i < 1000; ++i) {
    const HlcStamp stamp = generator.next(start + std::chrono::microseconds(i));
    ASSERT_GT(compare_hlc(stamp, previous), 0);
    ASSERT_EQ(stamp.logical, i);
    previous = stamp;
  }
}

TEST(HlcGenerator, LogicalStopsAtMaximumInsteadOfWrapping) {
  HlcGenerator generator("a");
  const Time now = Time(seconds(5));
  HlcStamp stamp{};
  for (int i = 0; i <= 0xFFFF + 10; ++i) stamp = generator.next(now);
  EXPECT_EQ(stamp.logical, 0xFFFF);
  EXPECT_EQ(generator.next(now + seconds(1)).logical, 0);
}

TEST(HlcGenerator, WallIsSecondsModulo65536AndFloorsBeforeTheEpoch) {
  HlcGenerator generator("a");
  EXPECT_EQ(generator.next(Time(seconds(65536 + 7))).wall, 7);
  EXPECT_EQ(generator.next(Time(milliseconds(-500))).wall, 0xFFFF);   // second -1
  EXPECT_EQ(generator.next(Time(milliseconds(-1500))).wall, 0xFFFE);  // second -2
  EXPECT_EQ(generator.next(Time(seconds(-65536))).wall, 0);
}

TEST(HlcGenerator, WallChangesResetEvenBackwards) {
  HlcGenerator generator("a");
  generator.next(Time(seconds(10)));
  generator.next(Time(seconds(10)));
  const HlcStamp back = generator.next(Time(seconds(9)));
  EXPECT_EQ(back.wall, 9);
  EXPECT_EQ(back.logical, 0);
}

TEST(CompareHlc, OrdersByWallThenLogicalThenNode) {
  EXPECT_EQ(compare_hlc({5, 1, 1}, {5, 1, 1}), 0);
  EXPECT_LT(compare_hlc({5, 9, 9}, {6, 0, 0}), 0);
  EXPECT_GT(compare_hlc({5, 2, 0}, {5, 1, 9}), 0);
  EXPECT_LT(compare_hlc({5, 1, 1}, {5, 1, 2}), 0);
}

TEST(CompareHlc, WallWrapsAroundOverHalfTheRange) {
  EXPECT_GT(compare_hlc({0x0002, 0, 0}, {0xFFFE, 9, 9}), 0);  // 4 s after the wrap
  EXPECT_LT(compare_hlc({0xFFFE, 9, 9}, {0x0002, 0, 0}), 0);
  EXPECT_GT(compare_hlc({0x7FFF, 0, 0}, {0x0000, 0, 0}), 0);  // just under half: later
  EXPECT_LT(compare_hlc({0x8001, 0, 0}, {0x0000, 0, 0}), 0);  // just over half: earlier
  // Exactly half apart: decided by raw value, and antisymmetric.
  EXPECT_GT(compare_hlc({0x8000, 0, 0}, {0x0000, 0, 0}), 0);
  EXPECT_LT(compare_hlc({0x0000, 0, 0}, {0x8000, 0, 0}), 0);
  for (std::uint32_t a = 0; a <= 0xFFFF; a += 251) {
    for (std::uint32_t b = 0; b <= 0xFFFF; b += 257) {
      const HlcStamp x{static_cast<std::uint16_t>(a), 0, 0};
      const HlcStamp y{static_cast<std::uint16_t>(b), 0, 0};
      ASSERT_EQ(compare_hlc(x, y) > 0, compare_hlc(y, x) < 0) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace backbeat
