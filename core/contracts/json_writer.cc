#include "core/contracts/json_writer.h"

#include <charconv>
#include <cmath>

#include "core/contracts/utf8.h"

namespace backbeat {

namespace {

void append_escaped_control(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (byte) {
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default:
      out.append("\\u00");
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
  }
}

bool is_plain(unsigned char byte) {
  return byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Printable ASCII other than '"' and '\\' is copied as it is: append whole runs of it.
    std::size_t end = pos;
    while (end < text.size() && is_plain(static_cast<unsigned char>(text[end]))) ++end;
    if (end > pos) {
      out.append(text.data() + pos, end - pos);
      pos = end;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte == '"' || byte == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(byte));
      ++pos;
    } else if (byte < 0x20) {
      append_escaped_control(out, byte);
      ++pos;
    } else if (const std::size_t length = utf8_sequence_length(text, pos); length > 0) {
      out.append(text.substr(pos, length));
      pos += length;
    } else {
      out.append("\xEF\xBF\xBD");
      ++pos;
    }
  }
  out.push_back('"');
}

void append_json_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  out.append(text);
  if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

void append_json_value(std::string& out, const nlohmann::json& value) {
  out.append(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

JsonObjectWriter::JsonObjectWriter() {
  out_.reserve(256);
  out_.push_back('{');
}

std::string& JsonObjectWriter::add_raw(std::string_view key) {
  if (!empty_) out_.push_back(',');
  empty_ = false;
  append_json_string(out_, key);
  out_.push_back(':');
  return out_;
}

void JsonObjectWriter::add_string(std::string_view key, std::string_view value) {
  append_json_string(add_raw(key), value);
}

void JsonObjectWriter::add_int(std::string_view key, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  add_raw(key).append(buffer, result.ptr);
}

void JsonObjectWriter::add_bool(std::string_view key, bool value) {
  add_raw(key).append(value ? "true" : "false");
}

void JsonObjectWriter::add_double(std::string_view key, double value) {
  append_json_double(add_raw(key), value);
}

void JsonObjectWriter::add_json(std::string_view key, const nlohmann::json& value) {
  append_json_value(add_raw(key), value);
}

std::string JsonObjectWriter::finish() && {
  out_.push_back('}');
  return std::move(out_);
}

}  // namespace backbeat
