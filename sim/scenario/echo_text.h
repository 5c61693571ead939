// How a diagnostic quotes text the user gave (a flag value, a --set override, a scenario name):
// short and printable whatever was given, so a megabyte argument or a control character can
// neither flood the terminal nor hide the message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace backbeat::sim::scenario {

// `text` whole when it has at most `max_chars` characters, else its first `max_chars` characters
// followed by "... (N bytes)". Control characters and bytes that are not UTF-8 are shown as \xNN.
std::string echo_text(std::string_view text, std::size_t max_chars = 64);

// A file or directory name: the same, with room for any real path (256 characters).
inline std::string echo_path(std::string_view path) {
  return echo_text(path, 256);
}

// A --set PATH=VALUE override: room for a JSON snippet (160 characters).
inline std::string echo_override(std::string_view text) {
  return echo_text(text, 160);
}

}  // namespace backbeat::sim::scenario
