// Reading fields of the batch layer's JSON documents (seed records, jobs, part files): a member of
// the expected type or nothing, and the message that names the field that was not as expected.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace backbeat::sim::batch {

// The member `key` of `j` when it has the type `is` checks, else nullptr.
template <typename Is>
const nlohmann::json* json_member(const nlohmann::json& j, const char* key, Is is) {
  auto it = j.find(key);
  return it != j.end() && is(*it) ? &*it : nullptr;
}

// A non-negative integer, whether parsed from text (unsigned) or built in memory (signed).
inline bool is_json_unsigned(const nlohmann::json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}

// "WHERE/KEY: expected EXPECTED", as kInvalidArgument.
inline Status bad_field(const std::string& where, const char* key, const char* expected) {
  return Status::invalid_argument(fmt::format("{}/{}: expected {}", where, key, expected));
}

}  // namespace backbeat::sim::batch
