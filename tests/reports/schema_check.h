// A validator for the subset of JSON Schema draft-07 that reports/report.schema.json uses:
// type (string or array), enum, required, properties, additionalProperties (bool or schema),
// items, minimum, and "$ref": "#/definitions/NAME". Anything else in a schema is an error, so the
// schema cannot silently grow beyond what this checks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace backbeat::reports::testing {

// Every violation as "/json/pointer: what was expected"; empty = valid.
std::vector<std::string> validate(const nlohmann::json& schema, const nlohmann::json& value);

}  // namespace backbeat::reports::testing
