// Whether a value that should name a file looks like a secret itself (the PEM key, the NKey seed,
// the JWT or the whole .creds file pasted where its path belongs). CI systems commonly pass
// secrets as variable values, so flags and variables that name key files invite exactly that;
// such a value must never be echoed, and the message says how to pass it instead.
#pragma once

#include <optional>
#include <string_view>

namespace backbeat {

// "a PEM block", "an NKey seed", "a JWT" or "text spanning several lines", when `value` looks
// like one; nullopt when it may be a path.
std::optional<std::string_view> secret_kind(std::string_view value);

}  // namespace backbeat
