#include "core/contracts/rfc3339.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>

namespace backbeat {

namespace {

constexpr std::string_view kShape =
    "not of the form YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The `count` decimal digits at text[pos..), or -1 when any is not a digit or text is too short.
int read_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

Status out_of_range(std::string_view what, int value, std::string_view range) {
  return Status::invalid_argument(fmt::format("{} {:02} is outside {}", what, value, range));
}

// Nanoseconds since the epoch for whole `seconds` plus `nanos` (0..999999999), or an error
// when Time cannot hold it. Negative seconds borrow one second first so that the earliest
// representable instants do not overflow on the way.
Result<Time> to_time(std::int64_t seconds, std::int64_t nanos) {
  constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
  std::int64_t whole = 0;
  std::int64_t total = 0;
  bool overflow = false;
  if (seconds >= 0 || nanos == 0) {
    overflow = __builtin_mul_overflow(seconds, kNanosPerSecond, &whole) ||
               __builtin_add_overflow(whole, nanos, &total);
  } else {
    overflow = __builtin_mul_overflow(seconds + 1, kNanosPerSecond, &whole) ||
               __builtin_sub_overflow(whole, kNanosPerSecond - nanos, &total);
  }
  if (overflow) {
    return Status::invalid_argument(
        "outside the range a nanosecond clock can hold (1677-09-21 to 2262-04-11)");
  }
  return Time(Duration(total));
}

void append_digits(std::string& out, unsigned value, int width) {
  char buffer[10];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

}  // namespace

Result<Time> parse_rfc3339(std::string_view text) {
  // Positions in "YYYY-MM-DDTHH:MM:SS".
  const int year = read_digits(text, 0, 4);
  const int month = read_digits(text, 5, 2);
  const int day = read_digits(text, 8, 2);
  const int hour = read_digits(text, 11, 2);
  const int minute = read_digits(text, 14, 2);
  const int second = read_digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || text[4] != '-' ||
      text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return Status::invalid_argument(std::string(kShape));
  }

  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first_digit = pos;
    std::int64_t scale = 100'000'000;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
      nanos += (text[pos] - '0') * scale;  // digits past nanoseconds: scale is 0, truncated
      scale /= 10;
    }
    if (pos == first_digit) return Status::invalid_argument(std::string(kShape));
  }

  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '+' ? 1 : -1;
    const int offset_hour = read_digits(text, pos + 1, 2);
    const int offset_minute = read_digits(text, pos + 4, 2);
    if (offset_hour < 0 || offset_minute < 0 || text[pos + 3] != ':') {
      return Status::invalid_argument(std::string(kShape));
    }
    if (offset_hour > 23) return out_of_range("offset hour", offset_hour, "00..23");
    if (offset_minute > 59) return out_of_range("offset minute", offset_minute, "00..59");
    offset_minutes = sign * (offset_hour * 60 + offset_minute);
    pos += 6;
  } else {
    return Status::invalid_argument(std::string(kShape));
  }
  if (pos != text.size()) return Status::invalid_argument(std::string(kShape));

  using namespace std::chrono;
  if (month < 1 || month > 12) return out_of_range("month", month, "01..12");
  const year_month_day date{std::chrono::year{year},
                            std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    const auto last = static_cast<int>(
        unsigned{year_month_day_last(date.year(), month_day_last(date.month())).day()});
    return out_of_range("day", day, fmt::format("01..{} for {:04}-{:02}", last, year, month));
  }
  if (hour > 23) return out_of_range("hour", hour, "00..23");
  if (minute > 59) return out_of_range("minute", minute, "00..59");
  // 60 is a leap second; Time has none, so it reads as the first instant of the next minute.
  if (second > 60) return out_of_range("second", second, "00..60");

  const std::int64_t seconds =
      static_cast<std::int64_t>(sys_days(date).time_since_epoch().count()) * 86'400 + hour * 3'600 +
      minute * 60 + second - offset_minutes * 60;
  return to_time(seconds, nanos);
}

std::string format_rfc3339(Time time) {
  // Split by hand: converting the day back to nanoseconds would overflow for the first day
  // Time can hold, which starts before Time::min().
  constexpr std::int64_t kNanosPerDay = 86'400'000'000'000;
  const std::int64_t since_epoch = time.time_since_epoch().count();
  std::int64_t day_number = since_epoch / kNanosPerDay;
  std::int64_t nanos_of_day = since_epoch % kNanosPerDay;
  if (nanos_of_day < 0) {
    nanos_of_day += kNanosPerDay;
    --day_number;
  }
  const std::chrono::year_month_day date{
      std::chrono::sys_days(std::chrono::days(static_cast<int>(day_number)))};
  const auto day_seconds = static_cast<unsigned>(nanos_of_day / 1'000'000'000);
  const auto nanos = static_cast<unsigned>(nanos_of_day % 1'000'000'000);

  std::string out;
  out.reserve(32);
  append_digits(out, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  out.push_back('-');
  append_digits(out, unsigned{date.month()}, 2);
  out.push_back('-');
  append_digits(out, unsigned{date.day()}, 2);
  out.push_back('T');
  append_digits(out, day_seconds / 3600, 2);
  out.push_back(':');
  append_digits(out, day_seconds / 60 % 60, 2);
  out.push_back(':');
  append_digits(out, day_seconds % 60, 2);
  if (nanos != 0) {
    out.push_back('.');
    append_digits(out, nanos, 9);
    while (out.back() == '0') out.pop_back();
  }
  out.push_back('Z');
  return out;
}

}  // namespace backbeat
