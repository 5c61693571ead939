#include "sim/scenario/json_positions.h"

#include <set>

namespace backbeat::sim::scenario {

std::optional<std::size_t> offset_nested_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {  // skip the string, escapes included
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      std::size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

TextPosition position_of_offset(std::string_view text, std::size_t offset) {
  TextPosition pos;
  if (offset > text.size()) offset = text.size();
  for (std::size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count code points, not continuation bytes
      ++pos.column;
    }
  }
  return pos;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Recursive-descent scanner that tracks line and column as it goes. Any syntax problem throws
// nothing: it sets `failed_` and unwinds, keeping the positions recorded so far.
class PositionScanner {
 public:
  PositionScanner(std::string_view text, JsonPositions& out) : text_(text), out_(out) {}

  void run() {
    skip_space();
    value("", 0);
  }

 private:
  static constexpr int kMaxDepth = 512;

  bool at_end() const { return i_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[i_]; }

  void advance() {
    unsigned char c = static_cast<unsigned char>(text_[i_++]);
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos_.column;
    }
  }

  void skip_space() {
    while (!failed_ && !at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == '/' && i_ + 1 < text_.size() && text_[i_ + 1] == '/') {
        while (!at_end() && peek() != '\n') advance();
      } else if (c == '/' && i_ + 1 < text_.size() && text_[i_ + 1] == '*') {
        advance();
        advance();
        while (!at_end() && !(peek() == '*' && i_ + 1 < text_.size() && text_[i_ + 1] == '/')) {
          advance();
        }
        if (at_end()) {
          failed_ = true;
          return;
        }
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  void value(const std::string& pointer, int depth) {
    if (failed_ || at_end() || depth > kMaxDepth) {
      failed_ = true;
      return;
    }
    out_.values_.emplace(pointer, pos_);
    char c = peek();
    if (c == '{') {
      object(pointer, depth);
    } else if (c == '[') {
      array(pointer, depth);
    } else if (c == '"') {
      std::string ignored;
      string(ignored);
    } else {
      // number, true, false, null: the parser checks their spelling; we only skip them.
      while (!at_end()) {
        char d = peek();
        if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\n' || d == '\r' ||
            d == '/') {
          break;
        }
        advance();
      }
    }
    skip_space();
  }

  void object(const std::string& pointer, int depth) {
    advance();  // '{'
    skip_space();
    std::set<std::string> seen;
    if (peek() == '}') {
      advance();
      return;
    }
    while (!failed_) {
      if (peek() != '"') {
        failed_ = true;
        return;
      }
      TextPosition key_pos = pos_;
      std::string key;
      string(key);
      if (failed_) return;
      std::string member = pointer + "/" + escape_pointer_token(key);
      if (!seen.insert(key).second) {
        out_.duplicates_.push_back(member);
        out_.keys_.insert_or_assign(member, key_pos);  // the later key wins, as in the parser
      } else {
        out_.keys_.emplace(member, key_pos);
      }
      skip_space();
      if (peek() != ':') {
        failed_ = true;
        return;
      }
      advance();
      skip_space();
      out_.values_.erase(member);  // a duplicate key's later value wins
      value(member, depth + 1);
      if (failed_) return;
      if (peek() == ',') {
        advance();
        skip_space();
        continue;
      }
      if (peek() == '}') {
        advance();
        return;
      }
      failed_ = true;
    }
  }

  void array(const std::string& pointer, int depth) {
    advance();  // '['
    skip_space();
    if (peek() == ']') {
      advance();
      return;
    }
    for (int index = 0; !failed_; ++index) {
      value(pointer + "/" + std::to_string(index), depth + 1);
      if (failed_) return;
      if (peek() == ',') {
        advance();
        skip_space();
        continue;
      }
      if (peek() == ']') {
        advance();
        return;
      }
      failed_ = true;
    }
  }

  // Reads a string literal into `out`, decoding the simple escapes (keys are compared decoded).
  void string(std::string& out) {
    advance();  // opening quote
    while (!at_end()) {
      char c = peek();
      if (c == '"') {
        advance();
        return;
      }
      if (c == '\\') {
        advance();
        if (at_end()) break;
        char e = peek();
        advance();
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            unsigned code = 0;
            for (int k = 0; k < 4 && !at_end(); ++k) {
              char h = peek();
              advance();
              code <<= 4;
              if (h >= '0' && h <= '9')
                code |= static_cast<unsigned>(h - '0');
              else if (h >= 'a' && h <= 'f')
                code |= static_cast<unsigned>(h - 'a' + 10);
              else if (h >= 'A' && h <= 'F')
                code |= static_cast<unsigned>(h - 'A' + 10);
            }
            append_utf8(out, code);
            break;
          }
          default:
            out += e;
            break;  // \" \\ \/
        }
        continue;
      }
      out += c;
      advance();
    }
    failed_ = true;  // unterminated
  }

  static void append_utf8(std::string& out, unsigned code) {
    // Surrogate pairs in keys are rare enough in scenario files to be kept as two code units.
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view text_;
  JsonPositions& out_;
  std::size_t i_ = 0;
  TextPosition pos_;
  bool failed_ = false;
};

JsonPositions JsonPositions::scan(std::string_view text) {
  JsonPositions positions;
  PositionScanner(text, positions).run();
  return positions;
}

std::optional<TextPosition> JsonPositions::value(const std::string& pointer) const {
  auto it = values_.find(pointer);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<TextPosition> JsonPositions::key(const std::string& pointer) const {
  auto it = keys_.find(pointer);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

TextPosition JsonPositions::best(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    if (auto k = key(p)) return *k;
    if (auto v = value(p)) return *v;
    if (p.empty()) return TextPosition{};
    p.erase(p.rfind('/'));
  }
}

}  // namespace backbeat::sim::scenario
