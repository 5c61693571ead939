// A seed as the command line writes it: decimal or 0x hex, 0..2^64-1 (run, replay, tune, shrink).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>

namespace backbeat::sim::cli {

// Whether `text` is a whole seed ("42", "0x2a"); sets `out` when it is.
inline bool parse_seed_text(const std::string& text, std::uint64_t& out) {
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

}  // namespace backbeat::sim::cli
