#include "core/nats_url.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/echo_text.h"

namespace backbeat {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Length of "scheme://" at the start of `s` (RFC 3986 scheme: a letter, then letters, digits,
// '+', '-', '.'), or 0 when `s` does not start with one.
std::size_t scheme_prefix(std::string_view s) {
  if (s.empty() || std::isalpha(static_cast<unsigned char>(s[0])) == 0) return 0;
  std::size_t i = 1;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '+' ||
                          s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  return s.substr(i).starts_with("://") ? i + 3 : 0;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

// One URL of a list; the problem is described without echoing any of the URL's text (a piece of
// a list split inside a password would otherwise print that password).
Result<NatsUrl> parse_one(std::string_view text) {
  NatsUrl url;
  std::string_view rest = text;
  if (const std::size_t prefix = scheme_prefix(rest); prefix > 0) {
    url.scheme = lower(rest.substr(0, prefix - 3));
    url.explicit_scheme = true;
    if (url.scheme != "nats" && url.scheme != "tls" && url.scheme != "ws" && url.scheme != "wss") {
      return Status::invalid_argument("unknown scheme (expected nats://, tls://, ws:// or wss://)");
    }
    rest.remove_prefix(prefix);
  } else if (rest.find("://") != std::string_view::npos) {
    return Status::invalid_argument("malformed scheme (expected nats://, tls://, ws:// or wss://)");
  }
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    url.user_info = std::string(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  std::string_view port_text;
  if (rest.starts_with('[')) {  // [IPv6]
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 1) {
      return Status::invalid_argument("malformed IPv6 host (expected [address])");
    }
    for (char c : rest.substr(1, close - 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') {
        return Status::invalid_argument("malformed IPv6 host (expected [address])");
      }
    }
    url.host = std::string(rest.substr(0, close + 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return Status::invalid_argument("unexpected text after the host");
      port_text = rest.substr(1);
      if (port_text.empty()) return Status::invalid_argument("empty port after ':'");
    }
  } else {
    const std::size_t colon = rest.find(':');
    std::string_view host = rest.substr(0, colon);
    if (host.empty()) return Status::invalid_argument("missing host");
    if (!std::all_of(host.begin(), host.end(), host_char)) {
      return Status::invalid_argument(
          "the host has a character outside [A-Za-z0-9._-] (a path, space or stray '@'?)");
    }
    url.host = std::string(host);
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return Status::invalid_argument("empty port after ':'");
    }
  }
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return Status::invalid_argument("the port is not a number in 1..65535");
    }
    url.port = port;
  }
  return url;
}

}  // namespace

bool NatsUrl::is_loopback() const {
  const std::string h = lower(host);
  const bool ipv4_literal = std::all_of(h.begin(), h.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
  });
  return h == "localhost" || h == "[::1]" || (ipv4_literal && h.starts_with("127."));
}

std::string NatsUrl::normalized() const {
  return fmt::format("{}://{}{}{}:{}", scheme, user_info, user_info.empty() ? "" : "@", host, port);
}

std::string NatsUrl::redacted() const {
  return fmt::format("{}://{}{}:{}", scheme, user_info.empty() ? "" : "***@", host, port);
}

Result<std::vector<NatsUrl>> parse_nats_urls(std::string_view urls) {
  if (urls.empty()) return Status::invalid_argument("no NATS server URL given");
  std::vector<std::string_view> pieces;
  for (std::size_t start = 0;;) {
    const std::size_t comma = urls.find(',', start);
    pieces.push_back(
        urls.substr(start, comma == std::string_view::npos ? urls.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::vector<NatsUrl> out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    auto where = [&] {
      const std::string shown = echo_text(redact_nats_urls(urls), 256);
      return pieces.size() == 1
                 ? fmt::format("NATS URL '{}'", shown)
                 : fmt::format("NATS URL {} of {} in '{}'", i + 1, pieces.size(), shown);
    };
    if (pieces[i].empty()) return Status::invalid_argument(where() + ": empty entry in the list");
    Result<NatsUrl> url = parse_one(pieces[i]);
    if (!url) {
      std::string hint;
      if (urls.find('@') != std::string_view::npos && pieces.size() > 1) {
        hint = " (a ',' inside a user name or password must be written %2C)";
      }
      return Status::invalid_argument(where() + ": " + url.status().message() + hint);
    }
    out.push_back(std::move(*url));
  }
  return out;
}

std::string redact_nats_urls(std::string_view urls) {
  // A URL starts at the beginning and after each ',' that is followed by "scheme://". Its user
  // info runs from after its "://" (or its start) to its last '@'.
  std::vector<std::size_t> starts = {0};
  for (std::size_t i = urls.find(','); i != std::string_view::npos; i = urls.find(',', i + 1)) {
    if (scheme_prefix(urls.substr(i + 1)) > 0) starts.push_back(i + 1);
  }
  std::string out;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const std::size_t begin = starts[k];
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1] - 1 : urls.size();
    std::string_view url = urls.substr(begin, end - begin);
    if (k > 0) out += ',';
    const std::size_t authority = scheme_prefix(url);
    const std::size_t at = url.rfind('@');
    if (at != std::string_view::npos && at >= authority) {
      out += url.substr(0, authority);
      out += "***";
      out += url.substr(at);
    } else {
      out += url;
    }
  }
  return out;
}

}  // namespace backbeat
