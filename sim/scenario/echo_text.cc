#include "sim/scenario/echo_text.h"

#include <fmt/format.h>

#include "core/contracts/utf8.h"

namespace backbeat::sim::scenario {

std::string echo_text(std::string_view text, std::size_t max_chars) {
  const std::size_t kept = utf8_prefix_bytes(text, max_chars);
  std::string out;
  out.reserve(kept + 24);
  for (std::size_t pos = 0; pos < kept;) {
    const std::size_t length = utf8_sequence_length(text, pos);
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (length == 0 || byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
      ++pos;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  if (kept < text.size()) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

}  // namespace backbeat::sim::scenario
