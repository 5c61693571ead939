// Reading contract messages out of parsed JSON with the contracts' error convention: every
// failure is kInvalidArgument with the message "<field>: expected <rule>, got <what was found>".
// Every reader checks the JSON type before touching a value, so no nlohmann call can throw.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat {

// How an error message shows what it found: strings quoted and cut to 64 characters,
// containers by kind only (messages stay short whatever the input), "nothing (missing)"
// for a null pointer.
std::string describe_json(const nlohmann::json* value);
std::string describe_string(std::string_view text);
std::string describe_double(double value);

Status field_error(std::string_view field, std::string_view expected, std::string_view found);

// Parses `text` as one JSON object; otherwise "(json): expected a JSON object, got ...".
Status parse_json_object(std::string_view text, nlohmann::json* out);
Status check_is_object(const nlohmann::json& json);

// The value of `name` in `object` (an object), or nullptr when absent.
const nlohmann::json* find_field(const nlohmann::json& object, std::string_view name);

// "<key>: unknown field (...)", the key cut to 64 characters; a key that is not plain
// ([A-Za-z0-9_.-]+) is shown as a quoted JSON string (`"": unknown field`, `": x": ...`).
Status unknown_field_error(std::string_view key);

// "<key>: unknown field" for the first key of `object`, in key order, not listed in `known`.
Status check_known_fields(const nlohmann::json& object,
                          std::initializer_list<std::string_view> known);

// "type: ..." unless `object` has "type" equal to `expected`.
Status check_type_field(const nlohmann::json& object, std::string_view expected);

// The readers below fail when the field is missing, unless they take `required` and it is false,
// in which case `*out` is left alone.

// A string that `is_valid` accepts; `rule` describes what is expected.
Status read_string(const nlohmann::json& object, std::string_view field, bool required,
                   bool (*is_valid)(std::string_view), std::string_view rule, std::string* out);

// A JSON integer (not a float, not even 42.0) in min..max. Messages say "an integer min..max".
Status read_int64(const nlohmann::json& object, std::string_view field, bool required,
                  std::int64_t min, std::int64_t max, std::int64_t* out);

Status read_bool(const nlohmann::json& object, std::string_view field, bool* out);

// A finite JSON number (integer or float) that `is_valid` accepts.
Status read_number(const nlohmann::json& object, std::string_view field, bool required,
                   bool (*is_valid)(double), std::string_view rule, double* out);

// An optional object, copied whole.
Status read_optional_object(const nlohmann::json& object, std::string_view field,
                            std::optional<nlohmann::json>* out);

// The integer in `value` when it is a JSON integer (signed or unsigned) within int64 range.
std::optional<std::int64_t> json_int64(const nlohmann::json& value);

}  // namespace backbeat
