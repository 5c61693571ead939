// Deterministic mutation of valid messages: a cheap stand-in for fuzzing in unit tests.
#pragma once

#include <random>
#include <string>
#include <string_view>

namespace backbeat::testing {

// `text` with 1..4 random byte replacements, insertions or deletions drawn from JSON
// punctuation, digits, letters and bytes that are not valid UTF-8.
inline std::string mutate(std::string_view text, std::mt19937& random) {
  static constexpr std::string_view kAlphabet =
      "{}[]\":,.-+eE0123456789abcdefnulltrux\\ \xff\xc3\x80";
  std::string out(text);
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int e = 0; e < edits; ++e) {
    if (out.empty()) out = "{";
    const std::size_t pos = random() % out.size();
    switch (random() % 3) {
      case 0:
        out[pos] = kAlphabet[random() % kAlphabet.size()];
        break;
      case 1:
        out.insert(pos, 1, kAlphabet[random() % kAlphabet.size()]);
        break;
      default:
        out.erase(pos, 1 + random() % 8);
        break;
    }
  }
  return out;
}

}  // namespace backbeat::testing
