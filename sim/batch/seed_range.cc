#include "sim/batch/seed_range.h"

#include <fmt/format.h>

#include <charconv>

namespace backbeat::sim::batch {

bool parse_seed(const std::string& text, std::uint64_t& out) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  if (begin == end) return false;
  auto [ptr, ec] = std::from_chars(begin, end, out, base);
  return ec == std::errc() && ptr == end;
}

Result<SeedRange> parse_seed_range(const std::string& text) {
  const std::string expected = fmt::format(
      "expected N (seeds 1..N) or A..B (A <= B), at most {} seeds, integers 0..2^64-1 (decimal "
      "or 0x hex)",
      kMaxSeeds);
  SeedRange range;
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) {
    if (!parse_seed(text, range.last) || range.last < 1 || range.last > kMaxSeeds) {
      return Status::invalid_argument(expected);
    }
    return range;
  }
  if (!parse_seed(text.substr(0, dots), range.first) ||
      !parse_seed(text.substr(dots + 2), range.last) || range.first > range.last ||
      range.last - range.first >= kMaxSeeds) {
    return Status::invalid_argument(expected);
  }
  return range;
}

}  // namespace backbeat::sim::batch
