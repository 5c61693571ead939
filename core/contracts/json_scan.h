// A single-pass strict JSON scanner for the contract decoders' fast path.
//
// The contract decoders used to parse every message into an nlohmann::json DOM and then read
// fields out of it; the scanner reads the top-level object of a message straight into one
// slot per known field instead, and builds an nlohmann::json value only for the fields that
// carry free-form JSON (metadata, resources, ...). The readers below then apply exactly the
// checks, in exactly the order and with exactly the messages, of json_fields.h.
//
// Equivalence with nlohmann::json::parse (what the reference decoders use) is the contract of
// this file: whenever scan_object() returns true, nlohmann would have accepted the text and
// produced the same values (same strings after unescaping, same number types: an integer
// literal is unsigned when >= 0 and fits uint64, signed when < 0 and fits int64, otherwise a
// float; duplicate keys: the last one wins). Whenever the scanner meets anything it does not
// handle exactly -- any syntax error, a leading byte-order mark, nesting deeper than kMaxDepth,
// a float that std::from_chars cannot convert -- it returns false and the caller falls back to
// the reference decoder, which gives the exact answer. tests/contracts/fast_decode_test.cc
// checks the equivalence differentially.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace backbeat::json_scan {

// Deepest nesting the fast path handles (the top-level object is depth 1). nlohmann has no
// limit (its parser keeps an explicit stack); deeper input goes to the reference decoder.
inline constexpr int kMaxDepth = 256;

enum class Kind : std::uint8_t {
  kMissing,  // the field did not appear
  kNull,
  kBool,
  kInteger,   // nlohmann number_integer (a negative integer literal)
  kUnsigned,  // nlohmann number_unsigned (a non-negative integer literal)
  kFloat,     // nlohmann number_float
  kString,
  kObject,
  kArray,
};

// One top-level field's value, as nlohmann would have typed it.
struct Value {
  Kind kind = Kind::kMissing;
  bool boolean = false;
  std::int64_t integer = 0;
  std::uint64_t unsigned_integer = 0;
  double floating = 0.0;
  std::string_view string;             // unescaped text: into the input, or into `storage`
  std::string storage;                 // unescaped text of a string that had escapes
  std::optional<nlohmann::json> json;  // the whole value, for fields scanned with `build`

  bool present() const { return kind != Kind::kMissing; }
  bool is_string() const { return kind == Kind::kString; }
};

struct Field {
  std::string_view name;
  bool build = false;  // also build Value::json (free-form fields)
};

// Scans `text` as exactly one JSON object (whitespace around it allowed). values[i] receives
// the value of key fields[i].name (the last one when the key repeats). Keys not in `fields` are
// unknown: `*first_unknown` receives the smallest in std::string order (nlohmann's key order)
// and `*has_unknown` is set. Returns false when the fast path does not handle `text` (see
// above); the outputs are then unspecified.
bool scan_object(std::string_view text, std::span<const Field> fields, Value* values,
                 bool* has_unknown, std::string* first_unknown);

// describe_json() (json_fields.h) for a scanned value: "nothing (missing)" when absent.
std::string describe_value(const Value& value);

// The readers of json_fields.h on scanned values: same checks, same messages.
Status check_type_field(const Value& value, std::string_view expected);
Status read_string(const Value& value, std::string_view field, bool required,
                   bool (*is_valid)(std::string_view), std::string_view rule, std::string* out);
Status read_int64(const Value& value, std::string_view field, bool required, std::int64_t min,
                  std::int64_t max, std::int64_t* out);
Status read_bool(const Value& value, std::string_view field, bool* out);
Status read_number(const Value& value, std::string_view field, bool required,
                   bool (*is_valid)(double), std::string_view rule, double* out);

}  // namespace backbeat::json_scan
