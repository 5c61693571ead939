#include "core/secret_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace backbeat {
namespace {

bool base32_upper(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

bool base64url(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '=';
}

// True when some line of `content`, spaces trimmed, looks like a user NKey seed.
bool has_user_seed_line(std::string_view content) {
  std::size_t start = 0;
  while (start <= content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    if (line.size() >= 50 && line.starts_with("SU") &&
        std::all_of(line.begin(), line.end(), base32_upper)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string credential_file_problem(CredentialFile kind, std::string_view content) {
  if (kind == CredentialFile::kNKeySeed) {
    return has_user_seed_line(content) ? ""
                                       : "holds no NKey user seed (a line of 58 characters "
                                         "starting with SU)";
  }
  if (content.find("-----BEGIN NATS USER JWT-----") == std::string_view::npos) {
    return "is not a .creds file: no '-----BEGIN NATS USER JWT-----' block";
  }
  if (!has_user_seed_line(content)) return "is not a .creds file: no NKey user seed (SU...) block";
  return "";
}

Result<std::string> read_secret_file(const std::string& path, std::string_view what) {
  constexpr std::size_t kMaxBytes = 4096;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Status::not_found(fmt::format("cannot read the {} file '{}': {}", what, path,
                                         err != 0 ? std::strerror(err) : "open failed"));
  }
  std::string text(kMaxBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxBytes) {
    return Status::invalid_argument(
        fmt::format("the {} file '{}' is larger than {} bytes: it should hold the {} alone", what,
                    path, kMaxBytes, what));
  }
  if (text.ends_with('\n')) text.pop_back();
  if (text.ends_with('\r')) text.pop_back();
  if (text.empty()) {
    return Status::invalid_argument(fmt::format("the {} file '{}' is empty", what, path));
  }
  if (text.find_first_of("\r\n") != std::string::npos) {
    return Status::invalid_argument(fmt::format(
        "the {} file '{}' holds several lines ({} bytes, not shown): it should hold the {} alone "
        "on one line",
        what, path, text.size(), what));
  }
  return text;
}

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
