// Compact JSON output with fields in a chosen order. nlohmann::json keeps object keys sorted,
// but the contracts' examples list fields in contract order, and a hand-written encoder is
// also several times faster on the simulator's hot path.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace backbeat {

// Appends `text` as a JSON string literal. Bytes that start no well-formed UTF-8 sequence are
// written as U+FFFD, so the output is valid JSON whatever `text` holds.
void append_json_string(std::string& out, std::string_view text);

// Appends the shortest text that reads back as exactly `value`, always with a '.' or an
// exponent so that it stays a JSON float (2.0, not 2). JSON cannot carry NaN or infinities:
// those are written as null, as nlohmann does.
void append_json_double(std::string& out, double value);

// Appends any JSON value compactly; invalid UTF-8 inside it is replaced, never thrown about.
void append_json_value(std::string& out, const nlohmann::json& value);

// Writes one JSON object, field by field, in the order of the calls.
class JsonObjectWriter {
 public:
  JsonObjectWriter();

  void add_string(std::string_view key, std::string_view value);
  void add_int(std::string_view key, std::int64_t value);
  void add_bool(std::string_view key, bool value);
  void add_double(std::string_view key, double value);
  void add_json(std::string_view key, const nlohmann::json& value);
  // Writes the key and returns the buffer, for a value the caller appends itself.
  std::string& add_raw(std::string_view key);

  std::string finish() &&;

 private:
  std::string out_;
  bool empty_ = true;
};

}  // namespace backbeat
