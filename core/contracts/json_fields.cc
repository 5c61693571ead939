#include "core/contracts/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "core/contracts/json_writer.h"
#include "core/contracts/utf8.h"

namespace backbeat {

namespace {

constexpr std::size_t kMaxShownChars = 64;

}  // namespace

std::string describe_string(std::string_view text) {
  const std::size_t shown = utf8_prefix_bytes(text, kMaxShownChars);
  std::string out;
  append_json_string(out, text.substr(0, shown));
  if (shown < text.size()) out.append("...");
  return out;
}

std::string describe_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "infinity" : "-infinity";
  std::string out;
  append_json_double(out, value);
  return out;
}

std::string describe_json(const nlohmann::json* value) {
  if (value == nullptr) return "nothing (missing)";
  switch (value->type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return *value->get_ptr<const bool*>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
      return std::to_string(*value->get_ptr<const nlohmann::json::number_integer_t*>());
    case nlohmann::json::value_t::number_unsigned:
      return std::to_string(*value->get_ptr<const nlohmann::json::number_unsigned_t*>());
    case nlohmann::json::value_t::number_float:
      return describe_double(*value->get_ptr<const nlohmann::json::number_float_t*>());
    case nlohmann::json::value_t::string:
      return describe_string(*value->get_ptr<const std::string*>());
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    default:
      return "a value JSON text cannot hold";
  }
}

Status field_error(std::string_view field, std::string_view expected, std::string_view found) {
  return Status::invalid_argument(fmt::format("{}: expected {}, got {}", field, expected, found));
}

Status check_is_object(const nlohmann::json& json) {
  if (json.is_object()) return Status::ok();
  return field_error("(json)", "a JSON object", describe_json(&json));
}

Status parse_json_object(std::string_view text, nlohmann::json* out) {
  *out = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    return field_error("(json)", "a JSON object",
                       fmt::format("text that is not JSON ({} bytes)", text.size()));
  }
  return check_is_object(*out);
}

const nlohmann::json* find_field(const nlohmann::json& object, std::string_view name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

Status check_known_fields(const nlohmann::json& object,
                          std::initializer_list<std::string_view> known) {
  for (const auto& item : object.items()) {
    const std::string& key = item.key();
    bool is_known = false;
    for (std::string_view name : known) {
      if (key == name) {
        is_known = true;
        break;
      }
    }
    if (!is_known) return unknown_field_error(key);
  }
  return Status::ok();
}

Status unknown_field_error(std::string_view key) {
  // A plain key is shown as is ("extra: unknown field"). Any other key (empty, with spaces,
  // colons, quotes or control characters) is shown as a quoted JSON string, so the message still
  // starts with one unambiguous name: a key ": x" must not read as an unnamed error.
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
  const std::string shown = plain
                                ? std::string(key.substr(0, std::min(key.size(), kMaxShownChars))) +
                                      (key.size() > kMaxShownChars ? "..." : "")
                                : describe_string(key);
  return Status::invalid_argument(
      fmt::format("{}: unknown field (the contract allows no other top-level fields)", shown));
}

Status check_type_field(const nlohmann::json& object, std::string_view expected) {
  const nlohmann::json* value = find_field(object, "type");
  if (value == nullptr || !value->is_string() ||
      *value->get_ptr<const std::string*>() != expected) {
    return field_error("type", describe_string(expected), describe_json(value));
  }
  return Status::ok();
}

Status read_string(const nlohmann::json& object, std::string_view field, bool required,
                   bool (*is_valid)(std::string_view), std::string_view rule, std::string* out) {
  const nlohmann::json* value = find_field(object, field);
  if (value == nullptr && !required) return Status::ok();
  if (value == nullptr || !value->is_string() || !is_valid(*value->get_ptr<const std::string*>())) {
    return field_error(field, rule, describe_json(value));
  }
  *out = *value->get_ptr<const std::string*>();
  return Status::ok();
}

std::optional<std::int64_t> json_int64(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto number = *value.get_ptr<const nlohmann::json::number_unsigned_t*>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) return *value.get_ptr<const nlohmann::json::number_integer_t*>();
  return std::nullopt;
}

Status read_int64(const nlohmann::json& object, std::string_view field, bool required,
                  std::int64_t min, std::int64_t max, std::int64_t* out) {
  const nlohmann::json* value = find_field(object, field);
  if (value == nullptr && !required) return Status::ok();
  const std::optional<std::int64_t> number = value == nullptr ? std::nullopt : json_int64(*value);
  if (!number || *number < min || *number > max) {
    return field_error(field, fmt::format("an integer {}..{}", min, max), describe_json(value));
  }
  *out = *number;
  return Status::ok();
}

Status read_bool(const nlohmann::json& object, std::string_view field, bool* out) {
  const nlohmann::json* value = find_field(object, field);
  if (value == nullptr || !value->is_boolean()) {
    return field_error(field, "a boolean", describe_json(value));
  }
  *out = *value->get_ptr<const bool*>();
  return Status::ok();
}

Status read_number(const nlohmann::json& object, std::string_view field, bool required,
                   bool (*is_valid)(double), std::string_view rule, double* out) {
  const nlohmann::json* value = find_field(object, field);
  if (value == nullptr && !required) return Status::ok();
  std::optional<double> number;
  if (value != nullptr && value->is_number_float()) {
    number = *value->get_ptr<const nlohmann::json::number_float_t*>();
  } else if (value != nullptr && value->is_number_unsigned()) {
    number = static_cast<double>(*value->get_ptr<const nlohmann::json::number_unsigned_t*>());
  } else if (value != nullptr && value->is_number_integer()) {
    number = static_cast<double>(*value->get_ptr<const nlohmann::json::number_integer_t*>());
  }
  if (!number || !std::isfinite(*number) || !is_valid(*number)) {
    return field_error(field, rule, describe_json(value));
  }
  *out = *number;
  return Status::ok();
}

Status read_optional_object(const nlohmann::json& object, std::string_view field,
                            std::optional<nlohmann::json>* out) {
  const nlohmann::json* value = find_field(object, field);
  if (value == nullptr) return Status::ok();
  if (!value->is_object()) return field_error(field, "an object", describe_json(value));
  *out = *value;
  return Status::ok();
}

}  // namespace backbeat
