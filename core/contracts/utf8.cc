#include "core/contracts/utf8.h"

namespace backbeat {

namespace {

bool in_range(unsigned char byte, unsigned char low, unsigned char high) {
  return byte >= low && byte <= high;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const std::size_t available = text.size() - pos;
  const unsigned char lead = byte_at(0);
  if (lead < 0x80) return 1;

  // The second byte's range depends on the lead byte (this is what excludes overlong forms,
  // surrogates and code points above U+10FFFF); later bytes are always 80..BF.
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (in_range(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    second_low = 0xA0;
  } else if (in_range(lead, 0xE1, 0xEC) || in_range(lead, 0xEE, 0xEF)) {
    length = 3;
  } else if (lead == 0xED) {
    length = 3;
    second_high = 0x9F;
  } else if (lead == 0xF0) {
    length = 4;
    second_low = 0x90;
  } else if (in_range(lead, 0xF1, 0xF3)) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    second_high = 0x8F;
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (!in_range(byte_at(1), second_low, second_high)) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!in_range(byte_at(i), 0x80, 0xBF)) return 0;
  }
  return length;
}

std::optional<std::size_t> utf8_char_count(std::string_view text) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {  // ASCII: one byte, one character
      ++pos;
      ++count;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return std::nullopt;
    pos += length;
    ++count;
  }
  return count;
}

std::size_t utf8_prefix_bytes(std::string_view text, std::size_t max_chars) {
  std::size_t pos = 0;
  for (std::size_t chars = 0; chars < max_chars && pos < text.size(); ++chars) {
    const std::size_t length = utf8_sequence_length(text, pos);
    pos += length == 0 ? 1 : length;
  }
  return pos;
}

std::string sanitize_utf8(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      out.append(kReplacement);
      ++pos;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

}  // namespace backbeat
