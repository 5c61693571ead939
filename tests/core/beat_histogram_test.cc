#include "core/beat_histogram.h"

#include <gtest/gtest.h>

#include "core/recent_beats.h"

namespace backbeat {
namespace {

TEST(BeatHistogramTest, EmptyHasNoPercentiles) {
  BeatHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_FALSE(h.percentile(50).has_value());
  EXPECT_FALSE(h.max().has_value());
  EXPECT_DOUBLE_EQ(h.mean(), 0.0);
}

TEST(BeatHistogramTest, PercentilesAreNearestRankOfTheRecordedBeats) {
  BeatHistogram h;
  for (int beats = 1; beats <= 20; ++beats) h.add(beats);  // 1..20
  EXPECT_EQ(h.count(), 20u);
  EXPECT_EQ(h.percentile(50), 10);
  EXPECT_EQ(h.percentile(95), 19);  // the 19th of 20
  EXPECT_EQ(h.percentile(100), 20);
  EXPECT_EQ(h.max(), 20);
  EXPECT_DOUBLE_EQ(h.mean(), 10.5);
  EXPECT_EQ(h.bucket(7), 1u);
}

TEST(BeatHistogramTest, MemoryIsBoundedAndTheOverflowKeepsTheLargestValue) {
  BeatHistogram h;
  h.add(2);
  h.add(BeatHistogram::kCap + 5);
  h.add(BeatHistogram::kCap + 500);
  h.add(-3);  // reads as 0
  EXPECT_EQ(h.bucket(BeatHistogram::kCap), 2u);
  EXPECT_EQ(h.bucket(0), 1u);
  EXPECT_EQ(h.max(), BeatHistogram::kCap + 500);
  EXPECT_EQ(h.percentile(100), BeatHistogram::kCap + 500);  // a rank in the overflow bucket
  EXPECT_EQ(h.percentile(25), 0);
  EXPECT_EQ(sizeof(BeatHistogram), sizeof(BeatHistogram{}));  // no heap growth: a fixed array
  auto json = h.to_json();
  EXPECT_EQ(json["count"], 4);
  EXPECT_EQ(json["buckets"].size(), 3u);  // 0, 2 and the overflow bucket
  EXPECT_EQ(json["buckets"][2][0], BeatHistogram::kCap);
}

TEST(RecentBeatsTest, KeepsOnlyTheLastCapacityValues) {
  RecentBeats recent(3);
  for (int beats : {9, 1, 2, 3}) recent.add(beats);
  EXPECT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent.sorted(), (std::vector<std::int64_t>{1, 2, 3}));  // 9 forgotten
}

}  // namespace
}  // namespace backbeat
