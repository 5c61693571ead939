// Hybrid logical clock stamps "HHHH:HHHH:HHHH" (docs/contracts.md, "Decision (HLC)").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace backbeat {

struct HlcStamp {
  std::uint16_t wall = 0;     // low 16 bits of the sender's clock in whole seconds
  std::uint16_t logical = 0;  // increases while wall does not
  std::uint16_t node = 0;     // low 16 bits of a hash of the sender id

  friend bool operator==(const HlcStamp&, const HlcStamp&) = default;
};

// True when `text` has the contract's shape: three groups of four hex digits, either case.
bool is_valid_hlc(std::string_view text);
std::optional<HlcStamp> parse_hlc(std::string_view text);
std::string format_hlc(const HlcStamp& stamp);  // lower-case hex

// Order: wall with wrap-around over a 2^15-second half range, then logical, then node.
// Returns <0, 0 or >0. Walls exactly 2^15 apart compare by raw value (antisymmetric, though
// no wrap-around order can be transitive over the whole circle).
int compare_hlc(const HlcStamp& a, const HlcStamp& b);

// Low 16 bits of the 64-bit FNV-1a hash of `sender_id`.
std::uint16_t hlc_node_of(std::string_view sender_id);

// Issues increasing stamps for one sender. Deterministic: depends only on the times given.
// wall = floor(seconds since the epoch) mod 2^16 (so times before the epoch count down too);
// logical restarts at 0 whenever wall changes, even backwards (wall reports the sender's
// clock as it is), and otherwise counts up, stopping at 0xFFFF rather than wrapping.
class HlcGenerator {
 public:
  explicit HlcGenerator(std::string_view sender_id) : node_(hlc_node_of(sender_id)) {}
  HlcStamp next(Time now);

 private:
  std::uint16_t node_;
  bool started_ = false;
  std::uint16_t last_wall_ = 0;
  std::uint16_t logical_ = 0;
};

}  // namespace backbeat
