#include "tests/reports/schema_check.h"

#include <set>

namespace backbeat::reports::testing {
namespace {

using json = nlohmann::json;

bool has_type(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  if (t == "number") return v.is_number();
  if (t == "integer") {
    return v.is_number_integer() ||
           (v.is_number_float() &&
            v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
  }
  return false;
}

void check(const json& root, const json& schema, const json& v, const std::string& at,
           std::vector<std::string>& errors) {
  static const std::set<std::string> known = {
      "$schema", "$id",      "title",      "description",          "type",
      "enum",    "required", "properties", "additionalProperties", "items",
      "minimum", "$ref",     "definitions"};
  for (const auto& [key, _] : schema.items()) {
    if (!known.count(key)) errors.push_back(at + ": schema keyword '" + key + "' not supported");
  }
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    const std::string prefix = "#/definitions/";
    if (ref.rfind(prefix, 0) != 0 || !root["definitions"].contains(ref.substr(prefix.size()))) {
      errors.push_back(at + ": unresolvable $ref " + ref);
      return;
    }
    check(root, root["definitions"][ref.substr(prefix.size())], v, at, errors);
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_string()) {
      types.push_back(schema["type"]);
    } else {
      for (const json& t : schema["type"]) types.push_back(t);
    }
    bool ok = false;
    for (const std::string& t : types) ok = ok || has_type(v, t);
    if (!ok) {
      errors.push_back(at + ": expected type " + schema["type"].dump() + ", got " + v.dump());
      return;
    }
  }
  if (schema.contains("enum")) {
    bool ok = false;
    for (const json& e : schema["enum"]) ok = ok || e == v;
    if (!ok) errors.push_back(at + ": expected one of " + schema["enum"].dump());
  }
  if (schema.contains("minimum") && v.is_number() &&
      v.get<double>() < schema["minimum"].get<double>()) {
    errors.push_back(at + ": below minimum " + schema["minimum"].dump());
  }
  if (v.is_object()) {
    if (schema.contains("required")) {
      for (const json& r : schema["required"]) {
        if (!v.contains(r.get<std::string>())) {
          errors.push_back(at + ": missing required '" + r.get<std::string>() + "'");
        }
      }
    }
    for (const auto& [key, child] : v.items()) {
      std::string child_at = at + "/" + key;
      if (schema.contains("properties") && schema["properties"].contains(key)) {
        check(root, schema["properties"][key], child, child_at, errors);
      } else if (schema.contains("additionalProperties")) {
        const json& ap = schema["additionalProperties"];
        if (ap.is_boolean()) {
          if (!ap.get<bool>()) errors.push_back(child_at + ": additional property not allowed");
        } else {
          check(root, ap, child, child_at, errors);
        }
      }
    }
  }
  if (v.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      check(root, schema["items"], v[i], at + "/" + std::to_string(i), errors);
    }
  }
}

}  // namespace

std::vector<std::string> validate(const json& schema, const json& value) {
  std::vector<std::string> errors;
  check(schema, schema, value, "", errors);
  return errors;
}

}  // namespace backbeat::reports::testing
