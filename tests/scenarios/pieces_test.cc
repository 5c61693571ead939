// The loader's building blocks: durations, did-you-mean, positions, percentiles.
#include <gtest/gtest.h>

#include "sim/scenario/did_you_mean.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/json_positions.h"
#include "sim/scenario/percentile.h"

namespace backbeat::sim::scenario {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(DurationText, UnitsAndBeats) {
  EXPECT_EQ(*parse_duration_text("250ms", 2), milliseconds(250));
  EXPECT_EQ(*parse_duration_text("30s", 2), seconds(30));
  EXPECT_EQ(*parse_duration_text("5m", 2), std::chrono::minutes(5));
  EXPECT_EQ(*parse_duration_text("5min", 2), std::chrono::minutes(5));
  EXPECT_EQ(*parse_duration_text("1.5h", 2), std::chrono::minutes(90));
  EXPECT_EQ(*parse_duration_text("1.5 beats", 2), seconds(45));
  EXPECT_EQ(*parse_duration_text("3b", 2), seconds(90));
  EXPECT_EQ(*parse_duration_text("1 beat", 4), seconds(15));
  EXPECT_EQ(*parse_duration_text("12", 2), seconds(12));
  EXPECT_EQ(*parse_duration_text(" 10 us ", 2), std::chrono::microseconds(10));
  EXPECT_EQ(*parse_duration_text("-2s", 2), seconds(-2));
  EXPECT_EQ(*parse_duration_text("7ns", 2), std::chrono::nanoseconds(7));
}

TEST(DurationText, Rejects) {
  for (const char* bad : {"", "s", "5 parsecs", "1e400s", "abc", "5ms5", "+5s"}) {
    EXPECT_FALSE(parse_duration_text(bad, 2).is_ok()) << bad;
  }
  EXPECT_FALSE(duration_from_seconds(1e12).is_ok());
}

TEST(DurationText, Format) {
  EXPECT_EQ(format_duration(std::chrono::hours(1)), "1h");
  EXPECT_EQ(format_duration(std::chrono::minutes(70)), "70m");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(seconds(-5)), "-5s");
  EXPECT_EQ(format_duration(seconds(0)), "0s");
}

TEST(DidYouMean, FindsCloseNames) {
  std::vector<std::string> keys = {"tempo_bpm", "bar_length", "frames_per_beat", "drift"};
  EXPECT_EQ(did_you_mean("tempo_bmp", keys), "tempo_bpm");
  EXPECT_EQ(did_you_mean("bar_lenght", keys), "bar_length");
  EXPECT_EQ(did_you_mean("drfit", keys), "drift");
  EXPECT_EQ(did_you_mean("colour", keys), std::nullopt);
  EXPECT_EQ(edit_distance("abc", "acb"), 1);
  EXPECT_EQ(edit_distance("", "abc"), 3);
}

// The bounded distance agrees with the whole-table definition wherever it answers, and says
// "over the limit" exactly when the true distance is: checked on every pair of short words over a
// small alphabet (swaps, repeats and length gaps all occur).
TEST(DidYouMean, BoundedDistanceAgreesWithTheFullTable) {
  auto reference = [](const std::string& a, const std::string& b) {
    std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
      for (std::size_t j = 1; j <= b.size(); ++j) {
        d[i][j] = std::min(
            {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.size()][b.size()];
  };
  std::vector<std::string> words{""};
  for (std::size_t start = 0; words.back().size() < 4;) {
    const std::size_t end = words.size();
    for (std::size_t w = start; w < end; ++w) {
      for (char c : {'a', 'b', 'c'}) words.push_back(words[w] + c);
    }
    start = end;
  }
  ASSERT_EQ(words.size(), 121u);
  for (const std::string& a : words) {
    for (const std::string& b : words) {
      const int exact = reference(a, b);
      ASSERT_EQ(edit_distance(a, b), exact) << a << " / " << b;
      for (int limit = 0; limit <= 4; ++limit) {
        ASSERT_EQ(edit_distance_at_most(a, b, limit), std::min(exact, limit + 1))
            << a << " / " << b << " within " << limit;
      }
    }
  }
}

// A name far longer than any candidate is no typo of one, and is not compared letter by letter.
TEST(DidYouMean, AHugeWordIsRefusedByItsLength) {
  const std::string huge(1 << 20, 'x');
  EXPECT_EQ(did_you_mean(huge, {"tempo_bpm", "drift", std::string(1 << 20, 'y')}), std::nullopt);
  EXPECT_EQ(did_you_mean(huge + "z", {huge}), huge) << "one letter away, however long";
  EXPECT_EQ(edit_distance_at_most(huge, "drift", 3), 4);
}

TEST(JsonPositions, KeysAndValuesByPointer) {
  std::string text = "// c\n{\n  \"a\": [1, {\"b/c\": true}],\n  /* x */ \"d\": \"é\", \"e\": 2\n}";
  JsonPositions p = JsonPositions::scan(text);
  EXPECT_EQ(p.key("/a")->line, 3);
  EXPECT_EQ(p.key("/a")->column, 3);
  EXPECT_EQ(p.value("/a/0")->column, 9);
  EXPECT_EQ(p.key("/a/1/b~1c")->column, 13);
  EXPECT_EQ(p.value("/a/1/b~1c")->column, 20);
  EXPECT_EQ(p.key("/d")->line, 4);
  EXPECT_EQ(p.key("/d")->column, 11);
  EXPECT_EQ(p.key("/e")->column, 21);            // "é" counts as one column
  EXPECT_EQ(p.best("/a/1/missing").column, 12);  // the nearest recorded ancestor
  EXPECT_EQ(position_of_offset("ab\ncd", 4).line, 2);
  EXPECT_EQ(position_of_offset("ab\ncd", 4).column, 2);
}

TEST(JsonPositions, ToleratesBrokenText) {
  JsonPositions p = JsonPositions::scan("{\"a\": [1, 2");
  EXPECT_TRUE(p.value("/a/1").has_value());
  EXPECT_TRUE(JsonPositions::scan("").duplicates().empty());
}

TEST(Percentile, NearestRank) {
  std::vector<int> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  EXPECT_EQ(*nearest_rank(v, 95), 19);
  EXPECT_EQ(*nearest_rank(v, 50), 10);
  EXPECT_EQ(*nearest_rank(v, 100), 20);
  EXPECT_EQ(*nearest_rank(v, 1), 1);
  EXPECT_EQ(*nearest_rank(std::vector<int>{7}, 99), 7);
  EXPECT_FALSE(nearest_rank(std::vector<int>{}, 50).has_value());
}

// A fractional rank rounds up (ceil), so p95 of 10 operations is the worst one, not the 9th.
TEST(Percentile, AFractionalRankRoundsUp) {
  std::vector<int> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  EXPECT_EQ(*nearest_rank(ten, 95), 100);  // rank 9.5 -> 10
  EXPECT_EQ(*nearest_rank(ten, 91), 100);  // rank 9.1 -> 10
  EXPECT_EQ(*nearest_rank(ten, 90), 9);    // rank 9 exactly (no rounding error lifts it to 10)
  EXPECT_EQ(*nearest_rank(ten, 5), 1);     // rank 0.5 -> 1
  std::vector<int> nine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(*nearest_rank(nine, 50), 5);  // rank 4.5 -> 5
}

}  // namespace
}  // namespace backbeat::sim::scenario
