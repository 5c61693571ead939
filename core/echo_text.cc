#include "core/echo_text.h"

#include <fmt/format.h>

#include "core/contracts/utf8.h"

namespace backbeat {

std::string echo_text(std::string_view text, std::size_t max_chars) {
  const std::size_t kept = utf8_prefix_bytes(text, max_chars);
  std::string out;
  out.reserve(kept + 24);
  for (std::size_t pos = 0; pos < kept;) {
    const std::size_t length = utf8_sequence_length(text, pos);
    const auto byte = static_cast<unsigned char>(text[pos]);
    const bool c1 = length == 2 && byte == 0xc2 && static_cast<unsigned char>(text[pos + 1]) < 0xa0;
    if (length == 0 || byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
      ++pos;
    } else if (c1) {  // U+0080..U+009F, e.g. U+009B, the one-byte CSI of 8-bit terminals
      out += fmt::format("\\xc2\\x{:02x}", static_cast<unsigned char>(text[pos + 1]));
      pos += 2;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  if (kept < text.size()) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

}  // namespace backbeat
