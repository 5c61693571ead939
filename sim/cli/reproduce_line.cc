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
  const bool control = std::any_of(word.begin(), word.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  std::string out = control ? "$'" : "'";
  for (char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (control && (byte < 0x20 || byte == 0x7f || c == '\\' || c == '\'')) {
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
