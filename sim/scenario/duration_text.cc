#include "sim/scenario/duration_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

#include "core/echo_text.h"

namespace backbeat::sim::scenario {
namespace {

constexpr double kMaxSeconds = 1e9;  // ~31 years of virtual time: far beyond any scenario

Status expected(std::string_view text) {
  return Status::invalid_argument(fmt::format(
      "expected a duration such as \"250ms\", \"30s\", \"5m\", \"1h\", \"1.5 beats\", \"3b\" "
      "or a number of seconds; got \"{}\"",
      echo_text(text)));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<Duration> duration_from_seconds(double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxSeconds) {
    return Status::invalid_argument(
        fmt::format("expected a duration of at most {:g} seconds; got {:g}", kMaxSeconds, seconds));
  }
  return from_seconds(seconds);
}

Result<Duration> parse_duration_text(std::string_view text, double tempo_bpm) {
  std::string_view s = trim(text);
  if (s.empty()) return expected(text);
  // std::from_chars for double does not accept a leading '+'; we do not either.
  double number = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc() || !std::isfinite(number)) return expected(text);
  std::string_view unit =
      trim(std::string_view(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr)));
  double seconds = 0;
  if (unit.empty()) {
    seconds = number;
  } else if (unit == "ns") {
    seconds = number * 1e-9;
  } else if (unit == "us") {
    seconds = number * 1e-6;
  } else if (unit == "ms") {
    seconds = number * 1e-3;
  } else if (unit == "s") {
    seconds = number;
  } else if (unit == "m" || unit == "min") {
    seconds = number * 60;
  } else if (unit == "h") {
    seconds = number * 3600;
  } else if (unit == "b" || unit == "beat" || unit == "beats") {
    if (!(tempo_bpm > 0)) return Status::invalid_argument("beats need a positive pulse tempo");
    seconds = number * 60.0 / tempo_bpm;
  } else {
    return Status::invalid_argument(
        fmt::format("unknown duration unit \"{}\" in \"{}\"; expected ns, us, ms, s, m, h or beats",
                    unit, text));
  }
  return duration_from_seconds(seconds);
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  std::string sign = ns < 0 ? "-" : "";
  std::int64_t a = ns < 0 ? -ns : ns;
  if (a == 0) return "0s";
  constexpr std::int64_t kS = 1'000'000'000;
  if (a % (3600 * kS) == 0) return fmt::format("{}{}h", sign, a / (3600 * kS));
  if (a % (60 * kS) == 0) return fmt::format("{}{}m", sign, a / (60 * kS));
  if (a % kS == 0) return fmt::format("{}{}s", sign, a / kS);
  if (a % 1'000'000 == 0) return fmt::format("{}{}ms", sign, a / 1'000'000);
  if (a % 1'000 == 0) return fmt::format("{}{}us", sign, a / 1'000);
  return fmt::format("{}{}ns", sign, a);
}

}  // namespace backbeat::sim::scenario
