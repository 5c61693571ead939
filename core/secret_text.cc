#include "core/secret_text.h"

#include <algorithm>
#include <cctype>

namespace backbeat {
namespace {

bool base32_upper(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

bool base64url(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '=';
}

}  // namespace

std::optional<std::string_view> secret_kind(std::string_view value) {
  if (value.find("-----BEGIN") != std::string_view::npos) return "a PEM block";
  if (value.find("-----END") != std::string_view::npos) return "a PEM block";
  if (value.find_first_of("\r\n") != std::string_view::npos) return "text spanning several lines";
  // NKey seeds: 'S' then the key type (U user, A account, O operator, N server, C cluster, X
  // curve), base32 upper case, 58 characters in all.
  if (value.size() >= 50 && value[0] == 'S' &&
      std::string_view("UAONCX").find(value[1]) != value.npos &&
      std::all_of(value.begin(), value.end(), base32_upper)) {
    return "an NKey seed";
  }
  // JWTs: three base64url segments, the first a JSON header ("eyJ" = '{"').
  if (value.starts_with("eyJ") && std::count(value.begin(), value.end(), '.') == 2 &&
      std::all_of(value.begin(), value.end(), [](char c) { return base64url(c) || c == '.'; })) {
    return "a JWT";
  }
  return std::nullopt;
}

}  // namespace backbeat
