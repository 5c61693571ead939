// JSON text from outside the process -- a file a user names (a part file, a saved run) or a
// message another machine sent (the work queue's jobs and results) -- parsed for code that then
// copies, compares or prints the value. nlohmann's copy, comparison and dump recurse once per
// nesting level, so text nested deeper than kMaxJsonNesting (json_positions.h) is refused before
// it is parsed: a 4 MB part file of nested brackets crashed `merge` (exit 139) before this.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/status.h"

namespace backbeat::sim::scenario {

// The parsed value, or kInvalidArgument: "not JSON (N bytes)" or "arrays and objects nested
// deeper than 256 levels (at byte N)".
Result<nlohmann::json> parse_untrusted_json(std::string_view text);

}  // namespace backbeat::sim::scenario
