#include "sim/cli/reproduce_line.h"

#include <fmt/format.h>

#include <algorithm>

namespace backbeat::sim::cli {

std::string shell_quoted(std::string_view word) {
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./:=@%+,").find(c) != std::string_view::npos;
  };
  if (!word.empty() && std::all_of(word.begin(), word.end(), plain)) return std::string(word);
  // A control character (C0, DEL, or C1: 0xC2 0x80..0x9F) needs $'...', where every byte that
  // is not plain ASCII is written \xNN, so the line is both pasteable and inert on a terminal.
  bool control = false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto byte = static_cast<unsigned char>(word[i]);
    const bool c1 = byte == 0xc2 && i + 1 < word.size() &&
                    static_cast<unsigned char>(word[i + 1]) < 0xa0 &&
                    static_cast<unsigned char>(word[i + 1]) >= 0x80;
    if (byte < 0x20 || byte == 0x7f || c1) control = true;
  }
  std::string out = control ? "$'" : "'";
  for (char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (control && (byte < 0x20 || byte >= 0x7f || c == '\\' || c == '\'')) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (!control && c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string reproduce_command(const std::string& scenario, std::uint64_t seed,
                              const std::vector<std::string>& sets) {
  std::string line = fmt::format("backbeat-sim run {} --seed {}", shell_quoted(scenario), seed);
  for (const std::string& set : sets) line += " --set " + shell_quoted(set);
  return line;
}

}  // namespace backbeat::sim::cli
