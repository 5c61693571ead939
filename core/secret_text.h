// Whether a value that should name a file looks like a secret itself (the PEM key, the NKey seed,
// the JWT or the whole .creds file pasted where its path belongs). CI systems commonly pass
// secrets as variable values, so flags and variables that name key files invite exactly that;
// such a value must never be echoed, and the message says how to pass it instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat {

// "a PEM block", "an NKey seed", "a JWT" or "text spanning several lines", when `value` looks
// like one; nullopt when it may be a path.
std::optional<std::string_view> secret_kind(std::string_view value);

// Files that hold NATS credentials, checked before connecting so a wrong file is named as bad
// input instead of failing inside the NATS library.
enum class CredentialFile {
  kNKeySeed,  // a line holding the user's NKey seed (SU...)
  kCreds,     // a .creds file: the user JWT block and the NKey seed block
};

// Why `content` cannot be that kind of file, "" when it can. Never quotes the content.
std::string credential_file_problem(CredentialFile kind, std::string_view content);

// Reads a file holding one secret (a password or a token), so it need not appear on a command
// line: at most 4096 bytes, one trailing line end (\n or \r\n) removed. kNotFound when it cannot be
// read; kInvalidArgument when it is empty, larger, or holds several lines. Messages name `what`
// and the path, never the content.
Result<std::string> read_secret_file(const std::string& path, std::string_view what);

}  // namespace backbeat
