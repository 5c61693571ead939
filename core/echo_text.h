// How a message quotes text it was handed (a flag or environment value, a scenario key, a
// field of a frame from the network): short and printable whatever was given, so a megabyte
// value or a control character can neither flood the terminal or log nor rewrite the message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace backbeat {

// `text` whole when it has at most `max_chars` characters, else its first `max_chars` characters
// followed by "... (N bytes)". Control characters (C0, DEL and C1: a terminal obeys all three,
// a newline would split one message in two) and bytes that are not UTF-8 are shown as \xNN.
std::string echo_text(std::string_view text, std::size_t max_chars = 64);

// Text whatever its length, shown as echo_text shows it: for what is already bounded (a
// diagnostic built from echoed parts, a path the user chose) but may still hold a control
// character.
inline std::string printable(std::string_view text) {
  return echo_text(text, std::string_view::npos);
}

// An identifier (cluster, agent, profile): room for any that is merely too long (the longest valid
// one has 128 characters) to be seen whole, with its length.
inline std::string echo_id(std::string_view text) {
  return echo_text(text, 200);
}

}  // namespace backbeat
