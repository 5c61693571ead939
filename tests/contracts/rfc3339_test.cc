#include "core/contracts/rfc3339.h"

#include <gtest/gtest.h>

#include <string>

namespace backbeat {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// 2026-11-27T10:21:10Z, counted by hand: 20784 days since 1970-01-01, plus the time of day.
const Time kExample = Time(hours(24 * 20784) + hours(10) + minutes(21) + seconds(10));

Time parsed(std::string_view text) {
  Result<Time> time = parse_rfc3339(text);
  EXPECT_TRUE(time.is_ok()) << text << ": " << time.status().message();
  return time.is_ok() ? *time : Time{};
}

std::string error_of(std::string_view text) {
  Result<Time> time = parse_rfc3339(text);
  return time.is_ok() ? "OK" : time.status().message();
}

TEST(Rfc3339, ParsesUtc) {
  EXPECT_EQ(parsed("2026-11-27T10:21:10Z"), kExample);
  EXPECT_EQ(parsed("2026-11-27t10:21:10z"), kExample);
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z"), Time{});
}

TEST(Rfc3339, AppliesOffsets) {
  EXPECT_EQ(parsed("2026-11-27T12:21:10+02:00"), kExample);
  EXPECT_EQ(parsed("2026-11-27T04:51:10-05:30"), kExample);
  EXPECT_EQ(parsed("2026-11-28T10:20:10+23:59"), kExample);
  EXPECT_EQ(parsed("2026-11-27T10:21:10-00:00"), kExample);
  EXPECT_EQ(parsed("2026-11-26T23:21:10-11:00"), kExample);  // offset crosses the date
}

TEST(Rfc3339, ReadsFractions) {
  EXPECT_EQ(parsed("2026-11-27T10:21:10.5Z"), kExample + milliseconds(500));
  EXPECT_EQ(parsed("2026-11-27T10:21:10.000000001Z"), kExample + nanoseconds(1));
  EXPECT_EQ(parsed("2026-11-27T10:21:10.123456789Z"), kExample + nanoseconds(123'456'789));
  EXPECT_EQ(parsed("2026-11-27T10:21:10.1234567899999Z"), kExample + nanoseconds(123'456'789));
  EXPECT_EQ(parsed("2026-11-27T12:21:10.25+02:00"), kExample + milliseconds(250));
}

TEST(Rfc3339, ChecksCalendarRanges) {
  EXPECT_EQ(error_of("2026-13-01T00:00:00Z"), "month 13 is outside 01..12");
  EXPECT_EQ(error_of("2026-00-01T00:00:00Z"), "month 00 is outside 01..12");
  EXPECT_EQ(error_of("2026-02-29T00:00:00Z"), "day 29 is outside 01..28 for 2026-02");
  EXPECT_EQ(error_of("2028-02-30T00:00:00Z"), "day 30 is outside 01..29 for 2028-02");
  EXPECT_EQ(error_of("2100-02-29T00:00:00Z"), "day 29 is outside 01..28 for 2100-02");
  EXPECT_EQ(error_of("2026-04-31T00:00:00Z"), "day 31 is outside 01..30 for 2026-04");
  EXPECT_EQ(error_of("2026-01-00T00:00:00Z"), "day 00 is outside 01..31 for 2026-01");
  EXPECT_EQ(error_of("2026-01-01T24:00:00Z"), "hour 24 is outside 00..23");
  EXPECT_EQ(error_of("2026-01-01T23:60:00Z"), "minute 60 is outside 00..59");
  EXPECT_EQ(error_of("2026-01-01T23:59:61Z"), "second 61 is outside 00..60");
  EXPECT_EQ(error_of("2026-01-01T23:59:59+24:00"), "offset hour 24 is outside 00..23");
  EXPECT_EQ(error_of("2026-01-01T23:59:59-01:60"), "offset minute 60 is outside 00..59");
  EXPECT_EQ(parsed("2000-02-29T00:00:00Z") + hours(24), parsed("2000-03-01T00:00:00Z"));
}

TEST(Rfc3339, LeapSecondReadsAsTheNextMinute) {
  EXPECT_EQ(parsed("2026-12-31T23:59:60Z"), parsed("2027-01-01T00:00:00Z"));
}

TEST(Rfc3339, RejectsOtherShapes) {
  for (const char* bad :
       {"", "tomorrow", "2026-11-27", "2026-11-27T10:21:10", "2026-11-27 10:21:10Z",
        "2026-11-27T10:21Z", "2026-11-27T10:21:10.Z", "2026-11-27T10:21:10Z ",
        " 2026-11-27T10:21:10Z", "2026-11-27T10:21:10+0200", "2026-11-27T10:21:10+02",
        "2026-11-27T10:21:10+2:00", "26-11-27T10:21:10Z", "2026/11/27T10:21:10Z",
        "2026-11-27T10:21:10UTC", "+2026-11-27T10:21:10Z", "2026-1-27T10:21:10Z",
        "2026-11-27T10:21:1aZ", "2026-11-27T10:21:10,5Z"}) {
    const std::string error = error_of(bad);
    EXPECT_EQ(error.rfind("not of the form", 0), 0u) << bad << ": " << error;
  }
}

TEST(Rfc3339, RejectsInstantsOutsideTheClock) {
  EXPECT_NE(error_of("9999-12-31T23:59:59Z").find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("0000-01-01T00:00:00Z").find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("2262-04-12T00:00:00Z").find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("1677-09-21T00:12:43.145224191Z").find("outside the range"),
            std::string::npos);
}

TEST(Rfc3339, FormatsUtcWithShortestFraction) {
  EXPECT_EQ(format_rfc3339(kExample), "2026-11-27T10:21:10Z");
  EXPECT_EQ(format_rfc3339(kExample - seconds(3) + milliseconds(500)), "2026-11-27T10:21:07.5Z");
  EXPECT_EQ(format_rfc3339(kExample + nanoseconds(1)), "2026-11-27T10:21:10.000000001Z");
  EXPECT_EQ(format_rfc3339(kExample + nanoseconds(120'000'000)), "2026-11-27T10:21:10.12Z");
  EXPECT_EQ(format_rfc3339(Time{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(Time(milliseconds(-500))), "1969-12-31T23:59:59.5Z");
}

TEST(Rfc3339, RoundTripsEveryRepresentableInstant) {
  const Time samples[] = {
      Time::min(),
      Time::max(),
      Time{},
      Time(nanoseconds(-1)),
      Time(nanoseconds(1)),
      kExample,
      parsed("2000-02-29T23:59:59.999999999Z"),
      parsed("1900-01-01T00:00:00Z"),
  };
  for (Time time : samples) {
    const std::string text = format_rfc3339(time);
    Result<Time> back = parse_rfc3339(text);
    ASSERT_TRUE(back.is_ok()) << text << ": " << back.status().message();
    EXPECT_EQ(*back, time) << text;
  }
  EXPECT_EQ(format_rfc3339(Time::min()), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(format_rfc3339(Time::max()), "2262-04-11T23:47:16.854775807Z");
  // A pseudo-random walk over the whole range.
  std::int64_t step = 0x9E3779B97F4A7C15LL % 1'000'000'007'000'000'000LL;
  Time time = Time::min();
  for (int i = 0; i < 10'000 && time < Time::max() - nanoseconds(step); ++i) {
    time += nanoseconds(step + i);
    ASSERT_EQ(*parse_rfc3339(format_rfc3339(time)), time) << format_rfc3339(time);
  }
}

}  // namespace
}  // namespace backbeat
