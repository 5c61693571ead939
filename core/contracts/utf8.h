// UTF-8 helpers for the contracts' character limits (notes: 256 characters, not bytes).
// "Valid" follows Unicode's well-formed table: no overlong forms, no surrogates, <= U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace backbeat {

// Length in bytes of the well-formed sequence starting at text[pos], or 0 when the bytes
// there do not start one. Requires pos < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);

// Number of code points in `text`, or nullopt when `text` is not well-formed UTF-8.
std::optional<std::size_t> utf8_char_count(std::string_view text);

// Bytes taken by the first `max_chars` characters of `text`; a byte that starts no
// well-formed sequence counts as one character, so the cut never splits a valid sequence.
std::size_t utf8_prefix_bytes(std::string_view text, std::size_t max_chars);

// `text` with every byte that starts no well-formed sequence replaced by U+FFFD, so that
// encoders always emit valid UTF-8 (one replacement per bad byte keeps character counts).
std::string sanitize_utf8(std::string_view text);

}  // namespace backbeat
