#include "core/contracts/field_rules.h"

namespace backbeat {

namespace {

bool is_alnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_identifier(std::string_view text, std::size_t max_length, bool allow_colon) {
  if (text.empty() || text.size() > max_length) return false;
  for (char c : text) {
    if (!is_alnum_ascii(c) && c != '_' && c != '-' && !(allow_colon && c == ':')) return false;
  }
  return true;
}

}  // namespace

bool is_cluster_id(std::string_view text) {
  return is_identifier(text, 64, false);
}

bool is_agent_id(std::string_view text) {
  return is_identifier(text, 128, true);
}

bool is_window_id(std::string_view text) {
  if (text.size() != 32) return false;
  for (char c : text) {
    if (!is_hex_digit(c)) return false;
  }
  return true;
}

}  // namespace backbeat
