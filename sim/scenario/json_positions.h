// JsonPositions: where each value and object key of a JSON text starts, by JSON pointer.
//
// nlohmann::json keeps no source positions, so the scenario loader scans the text once more with
// this small hand-written scanner to turn a JSON pointer into "line:column" for its messages. The
// scanner accepts what the loader's parser accepts (RFC 8259 plus // and /* */ comments); on text
// that is not valid JSON it stops quietly and keeps what it recorded so far (the parser reports
// the syntax error itself). It also notes duplicate object keys, which the parser silently merges.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backbeat::sim::scenario {

struct TextPosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in characters (UTF-8 code points), not bytes
};

// Line and column of byte `offset` in `text` (offset clamped to the text's size).
TextPosition position_of_offset(std::string_view text, std::size_t offset);

// Deepest array/object nesting a scenario may use. nlohmann::json dumps and copies values
// recursively, so a document nested 100000 levels deep would overflow the stack (found by
// tests/fuzz/fuzz_scenario.cc); the loader refuses such text before parsing it.
inline constexpr int kMaxJsonNesting = 256;

// Byte offset of the first '[' or '{' nested deeper than `max_depth` in `text` (strings and
// // and /* */ comments skipped), or nullopt. A cheap pre-parse scan; it never fails.
std::optional<std::size_t> offset_nested_deeper_than(std::string_view text, int max_depth);

// Escapes one reference token for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(std::string_view token);

class JsonPositions {
 public:
  // Scans `text`; never fails (see the file comment).
  static JsonPositions scan(std::string_view text);

  // Start of the value at `pointer` ("" is the whole document), if recorded.
  std::optional<TextPosition> value(const std::string& pointer) const;
  // Start of the key naming the member at `pointer` (e.g. "/pulse/tempo_bpm"), if recorded.
  std::optional<TextPosition> key(const std::string& pointer) const;
  // The best position for a message about `pointer`: its key, else its value, else the nearest
  // recorded ancestor's, else 1:1.
  TextPosition best(const std::string& pointer) const;

  // Pointers of members whose key appeared more than once in the same object, in text order.
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  std::map<std::string, TextPosition> values_;
  std::map<std::string, TextPosition> keys_;
  std::vector<std::string> duplicates_;
  friend class PositionScanner;
};

}  // namespace backbeat::sim::scenario
