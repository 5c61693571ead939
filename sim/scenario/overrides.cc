#include "sim/scenario/overrides.h"

#include <fmt/format.h>

#include "core/contracts/utf8.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/json_positions.h"

namespace backbeat::sim::scenario {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// "-1", "-02": what a user means as a negative index.
bool negative_number(const std::string& s) {
  return s.size() > 1 && s[0] == '-' && s.find_first_not_of("0123456789", 1) == std::string::npos;
}

// "5", "-1": a segment that can only mean a list element.
bool is_index_like(const std::string& s) {
  return negative_number(s) ||
         (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos);
}

bool parse_index(const std::string& s, std::size_t& out) {
  if (s.empty() || s.size() > 9) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::size_t>(c - '0');
  }
  return true;
}

}  // namespace

Result<Override> parse_override(const std::string& text) {
  auto fail = [&](std::string_view what) {
    return Status::invalid_argument(fmt::format("--set {}: {}", echo_override(text), what));
  };
  // Scenario documents are UTF-8 JSON: a byte string that is not would make every later dump()
  // throw (found by tests/fuzz/fuzz_scenario.cc: an internal error, exit 3).
  if (!utf8_char_count(text)) return fail("not valid UTF-8");
  std::size_t eq = text.find('=');
  if (eq == std::string::npos) return fail("expected PATH=VALUE, e.g. pulse.tempo_bpm=4");
  std::string path = text.substr(0, eq);
  std::string value = text.substr(eq + 1);
  if (path.empty()) return fail("expected a path before '=', e.g. pulse.tempo_bpm");
  Override o;
  o.text = text;
  for (const std::string& part : split_path(path)) {
    if (part.empty()) return fail("empty path segment (two dots, or a leading or trailing dot)");
    // Two appends, not "/" + token: GCC 12 at -O3 warns (-Wrestrict) on that temporary.
    o.pointer += '/';
    o.pointer += escape_pointer_token(part);
  }
  // Valid JSON stays JSON (numbers, booleans, arrays); anything else is a plain string.
  // (Too deeply nested text stays a string: see kMaxJsonNesting.)
  nlohmann::json parsed = offset_nested_deeper_than(value, kMaxJsonNesting)
                              ? nlohmann::json(nlohmann::json::value_t::discarded)
                              : nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  o.value = parsed.is_discarded() ? nlohmann::json(value) : std::move(parsed);
  return o;
}

Status apply_override(nlohmann::json& document, Override& o) {
  auto fail = [&](std::string_view what) {
    return Status::invalid_argument(fmt::format("--set {}: {}", echo_override(o.text), what));
  };
  std::string path = o.text.substr(0, o.text.find('='));
  std::vector<std::string> parts = split_path(path);
  nlohmann::json* node = &document;
  std::string where;       // "workload.operations.0": the path so far, as the user wrote it
  std::string at_pointer;  // the same as a JSON pointer
  o.origin.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    bool last = i + 1 == parts.size();
    if (node->is_array()) {
      std::size_t index = 0;
      if (negative_number(part)) {
        return fail(
            fmt::format("index {} is negative: indices count from 0 ('{}' has {} "
                        "element(s))",
                        part, where.empty() ? "(document)" : where, node->size()));
      }
      if (!parse_index(part, index)) {
        return fail(fmt::format("'{}' is an array: expected an index, got '{}'",
                                where.empty() ? "(document)" : where, part));
      }
      if (index >= node->size()) {
        return fail(fmt::format("index {} is out of range: '{}' has {} element(s)", index, where,
                                node->size()));
      }
      node = &(*node)[index];
    } else {
      // A list the document does not have is refused before anything is created (the loader
      // would otherwise read an object named "5" and blame the file).
      const bool lookahead =
          !last && node->is_object() && !node->contains(part) && is_index_like(parts[i + 1]);
      if (lookahead || (node->is_null() && is_index_like(part))) {
        const std::string list = lookahead ? (where.empty() ? part : where + "." + part) : where;
        return fail(
            fmt::format("'{}' is not in the scenario, so it has no element {}; give the "
                        "whole list instead (e.g. --set '{}=[...]')",
                        list, lookahead ? parts[i + 1] : part, list));
      }
      if (node->is_null()) *node = nlohmann::json::object();
      if (!node->is_object()) {
        return fail(fmt::format("'{}' is a {}, not an object: cannot set '{}' inside it", where,
                                node->type_name(), part));
      }
      if (o.origin.empty() && !node->contains(part)) {
        o.origin = at_pointer + "/" + escape_pointer_token(part);
      }
      node = &(*node)[part];
    }
    where += (where.empty() ? "" : ".") + part;
    at_pointer += "/" + escape_pointer_token(part);
    if (last) *node = o.value;
  }
  if (o.origin.empty()) o.origin = o.pointer;
  return Status::ok();
}

}  // namespace backbeat::sim::scenario
