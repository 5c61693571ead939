#include "core/contracts/json_scan.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "core/contracts/json_fields.h"
#include "core/contracts/utf8.h"

namespace backbeat::json_scan {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// a == b, without a library call for these short keys.
bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool at_end() const { return p_ == end_; }

  void skip_whitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // Consumes `c` (after whitespace) or returns false.
  bool expect(char c) {
    skip_whitespace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // The top-level object, into `values` by field.
  bool top_object(std::span<const Field> fields, Value* values, bool* has_unknown,
                  std::string* first_unknown) {
    if (!expect('{')) return false;
    skip_whitespace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    std::string key_storage;
    std::size_t guess = 0;
    for (;;) {
      if (p_ == end_ || *p_ != '"') return false;
      ++p_;
      std::string_view key;
      if (!string(&key, &key_storage)) return false;
      if (!expect(':')) return false;
      skip_whitespace();
      // Messages usually list their fields in contract order: try the one after the last.
      std::size_t slot = fields.size();
      if (guess < fields.size() && same_text(fields[guess].name, key)) {
        slot = guess;
      } else {
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (same_text(fields[i].name, key)) {
            slot = i;
            break;
          }
        }
      }
      if (slot < fields.size()) guess = slot + 1;
      if (slot < fields.size()) {
        Value& value = values[slot];
        nlohmann::json* build = nullptr;
        if (fields[slot].build) build = &value.json.emplace();
        if (!this->value(2, &value, build)) return false;
      } else {
        if (!*has_unknown || key < std::string_view(*first_unknown)) {
          first_unknown->assign(key);
          *has_unknown = true;
        }
        if (!this->value(2, nullptr, nullptr)) return false;
      }
      skip_whitespace();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        skip_whitespace();
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  // One value at nesting `depth` (its first byte is at p_): its kind and scalar into `out`
  // when not null, the whole value into `build` when not null.
  bool value(int depth, Value* out, nlohmann::json* build) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        ++p_;
        if (out != nullptr) out->kind = Kind::kObject;
        return object(depth, build);
      case '[':
        ++p_;
        if (out != nullptr) out->kind = Kind::kArray;
        return array(depth, build);
      case '"': {
        ++p_;
        if (out != nullptr) {
          out->kind = Kind::kString;
          if (!string(&out->string, &out->storage)) return false;
          if (build != nullptr) *build = std::string(out->string);
          return true;
        }
        std::string storage;
        std::string_view text;
        if (!string(&text, &storage)) return false;
        if (build != nullptr) *build = std::string(text);
        return true;
      }
      case 't':
        return literal("true", Kind::kBool, true, out, build);
      case 'f':
        return literal("false", Kind::kBool, false, out, build);
      case 'n':
        return literal("null", Kind::kNull, false, out, build);
      default:
        return number(out, build);
    }
  }

 private:
  bool literal(std::string_view word, Kind kind, bool boolean, Value* out, nlohmann::json* build) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    if (out != nullptr) {
      out->kind = kind;
      out->boolean = boolean;
    }
    if (build != nullptr) {
      if (kind == Kind::kNull) {
        *build = nullptr;
      } else {
        *build = boolean;
      }
    }
    return true;
  }

  // After '{'.
  bool object(int depth, nlohmann::json* build) {
    if (depth > kMaxDepth) return false;
    if (build != nullptr) *build = nlohmann::json::object();
    skip_whitespace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    std::string key_storage;
    for (;;) {
      if (p_ == end_ || *p_ != '"') return false;
      ++p_;
      std::string_view key;
      if (!string(&key, &key_storage)) return false;
      if (!expect(':')) return false;
      skip_whitespace();
      // Like nlohmann's DOM parser: operator[] then assignment, so a repeated key's last value
      // wins.
      nlohmann::json* element = build != nullptr ? &(*build)[std::string(key)] : nullptr;
      if (!value(depth + 1, nullptr, element)) return false;
      if (const Next next = after_element('}'); next != Next::kMore) return next == Next::kClosed;
    }
  }

  // After a member or element: ',' (more follow) or `close` (consumed), else malformed.
  enum class Next { kMore, kClosed, kMalformed };
  Next after_element(char close) {
    skip_whitespace();
    if (p_ == end_) return Next::kMalformed;
    if (*p_ == ',') {
      ++p_;
      skip_whitespace();
      return Next::kMore;
    }
    if (*p_ == close) {
      ++p_;
      return Next::kClosed;
    }
    return Next::kMalformed;
  }

  // After '['.
  bool array(int depth, nlohmann::json* build) {
    if (depth > kMaxDepth) return false;
    if (build != nullptr) *build = nlohmann::json::array();
    skip_whitespace();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      nlohmann::json* element = nullptr;
      if (build != nullptr) {
        build->get_ref<nlohmann::json::array_t&>().emplace_back();
        element = &build->get_ref<nlohmann::json::array_t&>().back();
      }
      if (!value(depth + 1, nullptr, element)) return false;
      if (const Next next = after_element(']'); next != Next::kMore) return next == Next::kClosed;
    }
  }

  // Skips bytes that need no attention inside a string (0x20..0x7F except '"' and '\\'),
  // eight at a time.
  void skip_plain_ascii() {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHighs = 0x8080808080808080;
    while (end_ - p_ >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p_, sizeof word);
      // Nonzero when some byte is < 0x20, '"', '\\' or >= 0x80: the "has a zero byte" test
      // applied to word - 0x20.., word ^ '"'.. and word ^ '\\'.. (borrows can only add false
      // alarms, which the byte-wise loop then clears), plus the high bits of word itself.
      const std::uint64_t quote = word ^ (kOnes * '"');
      const std::uint64_t backslash = word ^ (kOnes * '\\');
      const std::uint64_t special =
          ((word - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes) | word) & kHighs;
      if (special != 0) break;
      p_ += 8;
    }
  }

  // After the opening quote. `*out` views the input when the string has no escapes, else
  // `*storage`.
  bool string(std::string_view* out, std::string* storage) {
    const char* start = p_;
    for (;;) {
      skip_plain_ascii();
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') break;
      if (c < 0x20) return false;
      if (c < 0x80) {
        ++p_;
        continue;
      }
      const std::size_t length =
          utf8_sequence_length(std::string_view(p_, static_cast<std::size_t>(end_ - p_)), 0);
      if (length == 0) return false;
      p_ += length;
    }
    storage->assign(start, p_);
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        *out = *storage;
        return true;
      }
      if (c == '\\') {
        ++p_;
        if (!escape(storage)) return false;
        continue;
      }
      if (c < 0x20) return false;
      if (c < 0x80) {
        storage->push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      const std::size_t length =
          utf8_sequence_length(std::string_view(p_, static_cast<std::size_t>(end_ - p_)), 0);
      if (length == 0) return false;
      storage->append(p_, length);
      p_ += length;
    }
  }

  // After a backslash.
  bool escape(std::string* storage) {
    if (p_ == end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        storage->push_back(c);
        return true;
      case 'b':
        storage->push_back('\b');
        return true;
      case 'f':
        storage->push_back('\f');
        return true;
      case 'n':
        storage->push_back('\n');
        return true;
      case 'r':
        storage->push_back('\r');
        return true;
      case 't':
        storage->push_back('\t');
        return true;
      case 'u': {
        std::uint32_t code_point = 0;
        if (!hex4(&code_point)) return false;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          std::uint32_t low = 0;
          if (!hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
          return false;
        }
        append_utf8(*storage, code_point);
        return true;
      }
      default:
        return false;
    }
  }

  bool hex4(std::uint32_t* out) {
    if (end_ - p_ < 4) return false;
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(p_[i]);
      if (digit < 0) return false;
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    p_ += 4;
    *out = value;
    return true;
  }

  // RFC 8259 number, typed as nlohmann types it.
  bool number(Value* out, nlohmann::json* build) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_) return false;
    const char* digits = p_;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    } else {
      return false;
    }
    const char* digits_end = p_;
    bool is_float = false;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
      is_float = true;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
      is_float = true;
    }
    if (!is_float) {
      // nlohmann: strtoull (>= 0) or strtoll (< 0); a literal out of range becomes a float.
      std::uint64_t magnitude = 0;
      bool overflow = false;
      for (const char* d = digits; d < digits_end; ++d) {
        const auto digit = static_cast<std::uint64_t>(*d - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
          overflow = true;
          break;
        }
        magnitude = magnitude * 10 + digit;
      }
      constexpr std::uint64_t kMinInt64Magnitude = std::uint64_t{1} << 63;
      if (!overflow && !negative) {
        if (out != nullptr) {
          out->kind = Kind::kUnsigned;
          out->unsigned_integer = magnitude;
        }
        if (build != nullptr) *build = static_cast<nlohmann::json::number_unsigned_t>(magnitude);
        return true;
      }
      if (!overflow && magnitude <= kMinInt64Magnitude) {
        const std::int64_t value = magnitude == kMinInt64Magnitude
                                       ? std::numeric_limits<std::int64_t>::min()
                                       : -static_cast<std::int64_t>(magnitude);
        if (out != nullptr) {
          out->kind = Kind::kInteger;
          out->integer = value;
        }
        if (build != nullptr) *build = static_cast<nlohmann::json::number_integer_t>(value);
        return true;
      }
    }
    // Correctly rounded like nlohmann's strtod; anything from_chars refuses (overflow, which
    // nlohmann rejects, and underflow) goes to the reference decoder.
    double value = 0.0;
    const auto result = std::from_chars(start, p_, value);
    if (result.ec != std::errc() || result.ptr != p_ || !std::isfinite(value)) return false;
    if (out != nullptr) {
      out->kind = Kind::kFloat;
      out->floating = value;
    }
    if (build != nullptr) *build = static_cast<nlohmann::json::number_float_t>(value);
    return true;
  }

  const char* p_;
  const char* end_;
};

std::optional<std::int64_t> value_int64(const Value& value) {
  if (value.kind == Kind::kUnsigned) {
    if (value.unsigned_integer >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(value.unsigned_integer);
  }
  if (value.kind == Kind::kInteger) return value.integer;
  return std::nullopt;
}

}  // namespace

bool scan_object(std::string_view text, std::span<const Field> fields, Value* values,
                 bool* has_unknown, std::string* first_unknown) {
  // nlohmann skips a UTF-8 byte-order mark at the very start: leave that to it.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") return false;
  *has_unknown = false;
  Scanner scanner(text);
  if (!scanner.top_object(fields, values, has_unknown, first_unknown)) return false;
  scanner.skip_whitespace();
  return scanner.at_end();
}

std::string describe_value(const Value& value) {
  switch (value.kind) {
    case Kind::kMissing:
      return "nothing (missing)";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return value.boolean ? "true" : "false";
    case Kind::kInteger:
      return std::to_string(value.integer);
    case Kind::kUnsigned:
      return std::to_string(value.unsigned_integer);
    case Kind::kFloat:
      return describe_double(value.floating);
    case Kind::kString:
      return describe_string(value.string);
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
  }
  return "a value JSON text cannot hold";
}

Status check_type_field(const Value& value, std::string_view expected) {
  if (!value.is_string() || value.string != expected) {
    return field_error("type", describe_string(expected), describe_value(value));
  }
  return Status::ok();
}

Status read_string(const Value& value, std::string_view field, bool required,
                   bool (*is_valid)(std::string_view), std::string_view rule, std::string* out) {
  if (!value.present() && !required) return Status::ok();
  if (!value.is_string() || !is_valid(value.string)) {
    return field_error(field, rule, describe_value(value));
  }
  out->assign(value.string);
  return Status::ok();
}

Status read_int64(const Value& value, std::string_view field, bool required, std::int64_t min,
                  std::int64_t max, std::int64_t* out) {
  if (!value.present() && !required) return Status::ok();
  const std::optional<std::int64_t> number = value_int64(value);
  if (!number || *number < min || *number > max) {
    return field_error(field, fmt::format("an integer {}..{}", min, max), describe_value(value));
  }
  *out = *number;
  return Status::ok();
}

Status read_bool(const Value& value, std::string_view field, bool* out) {
  if (value.kind != Kind::kBool) return field_error(field, "a boolean", describe_value(value));
  *out = value.boolean;
  return Status::ok();
}

Status read_number(const Value& value, std::string_view field, bool required,
                   bool (*is_valid)(double), std::string_view rule, double* out) {
  if (!value.present() && !required) return Status::ok();
  std::optional<double> number;
  if (value.kind == Kind::kFloat) {
    number = value.floating;
  } else if (value.kind == Kind::kUnsigned) {
    number = static_cast<double>(value.unsigned_integer);
  } else if (value.kind == Kind::kInteger) {
    number = static_cast<double>(value.integer);
  }
  if (!number || !std::isfinite(*number) || !is_valid(*number)) {
    return field_error(field, rule, describe_value(value));
  }
  *out = *number;
  return Status::ok();
}

}  // namespace backbeat::json_scan
