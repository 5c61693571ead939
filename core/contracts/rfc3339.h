// RFC 3339 date-times as the contracts use them (deadline_at).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace backbeat {

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", 't'/'z' in either case, and checks
// every range (month, day of that month, hour, minute, second 0..60). Fractions beyond
// nanoseconds are truncated. A leap second (:60) reads as the next minute's first instant, since
// Time has no leap seconds. Instants a nanosecond clock cannot hold (before 1677-09-21 or after
// 2262-04-11) are errors. Messages describe the problem without naming a field.
Result<Time> parse_rfc3339(std::string_view text);

// UTC with a 'Z'; the fraction is written only when non-zero, without trailing zeros.
std::string format_rfc3339(Time time);

}  // namespace backbeat
