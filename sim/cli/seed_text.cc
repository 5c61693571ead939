#include "sim/cli/seed_text.h"

#include <charconv>
#include <string>

#include "sim/batch/seed_range.h"

namespace backbeat::sim::cli {
namespace {

bool has_hex_prefix(std::string_view text) {
  return text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

}  // namespace

bool parse_seed(std::string_view text, std::uint64_t& out) {
  return batch::parse_seed(std::string(text), out);
}

bool parse_fingerprint(std::string_view text, std::uint64_t& out) {
  if (has_hex_prefix(text)) text.remove_prefix(2);
  if (text.size() != 16) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace backbeat::sim::cli
