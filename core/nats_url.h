// NatsUrl: a NATS server URL parsed once (scheme, user info, host, port), so every consumer --
// the TLS decision, redaction, the loopback check, validation of --nats -- reads the same parts.
//
// Accepted: [scheme://][user[:password]@]host[:port][/], comma-separated for a server list.
// - scheme: "nats", "tls", "ws" or "wss", in any case (RFC 3986: schemes are case-insensitive);
//   none = nats. tls and wss mean TLS is required.
// - host: a DNS name or IPv4 address ([A-Za-z0-9._-]), or an IPv6 address in brackets.
// - port: 1..65535, default 4222.
// The user info is kept as written and never appears in messages (see redact_nats_urls).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace backbeat {

struct NatsUrl {
  std::string scheme = "nats";   // lower case: "nats", "tls", "ws" or "wss"
  bool explicit_scheme = false;  // the text named a scheme (CHORUS_BACKBEAT_NATS_URL needs one)
  std::string user_info;         // "user:password" as written; empty when none
  std::string host;              // as written (an IPv6 address keeps its brackets)
  int port = 4222;

  bool requires_tls() const { return scheme == "tls" || scheme == "wss"; }
  bool has_credentials() const { return !user_info.empty(); }
  // 127.0.0.0/8, ::1 or "localhost": where credentials in clear stay on this machine.
  bool is_loopback() const;
  // The URL in the form nats.c reads: lower-case scheme, explicit port.
  std::string normalized() const;
  // As normalized(), with the user info (if any) replaced by "***".
  std::string redacted() const;
};

// Parses a comma-separated server list. kInvalidArgument naming the list (redacted, quoted) and
// what is wrong with which entry: an empty list or entry, an unknown scheme, a missing or malformed
// host, a port outside 1..65535, anything after the port.
Result<std::vector<NatsUrl>> parse_nats_urls(std::string_view urls);

// `urls` with every user info replaced by "***", whatever it contains: a password with a comma,
// '@' or "://" in it does not end redaction early. For text that may not parse.
std::string redact_nats_urls(std::string_view urls);

}  // namespace backbeat
