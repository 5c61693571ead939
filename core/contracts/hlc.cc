#include "core/contracts/hlc.h"

#include <chrono>

namespace backbeat {

namespace {

constexpr std::size_t kHlcLength = 14;  // "HHHH:HHHH:HHHH"

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits at text[pos..pos+4), or -1.
int parse_group(std::string_view text, std::size_t pos) {
  int value = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    const int digit = hex_value(text[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

void write_group(char* out, std::uint16_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 3; i >= 0; --i) {
    out[i] = kHex[value & 0xF];
    value = static_cast<std::uint16_t>(value >> 4);
  }
}

int compare_values(std::uint16_t a, std::uint16_t b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

bool is_valid_hlc(std::string_view text) {
  return parse_hlc(text).has_value();
}

std::optional<HlcStamp> parse_hlc(std::string_view text) {
  if (text.size() != kHlcLength || text[4] != ':' || text[9] != ':') return std::nullopt;
  const int wall = parse_group(text, 0);
  const int logical = parse_group(text, 5);
  const int node = parse_group(text, 10);
  if (wall < 0 || logical < 0 || node < 0) return std::nullopt;
  return HlcStamp{static_cast<std::uint16_t>(wall), static_cast<std::uint16_t>(logical),
                  static_cast<std::uint16_t>(node)};
}

std::string format_hlc(const HlcStamp& stamp) {
  std::string out(kHlcLength, ':');
  write_group(&out[0], stamp.wall);
  write_group(&out[5], stamp.logical);
  write_group(&out[10], stamp.node);
  return out;
}

int compare_hlc(const HlcStamp& a, const HlcStamp& b) {
  // Walls are seconds modulo 2^16: a is later when it is less than half the circle ahead.
  // Exactly half the circle apart is ambiguous; the raw values decide so that the result
  // stays antisymmetric.
  const auto ahead = static_cast<std::uint16_t>(a.wall - b.wall);
  if (ahead != 0) {
    if (ahead == 0x8000) return compare_values(a.wall, b.wall);
    return ahead < 0x8000 ? 1 : -1;
  }
  if (a.logical != b.logical) return compare_values(a.logical, b.logical);
  return compare_values(a.node, b.node);
}

std::uint16_t hlc_node_of(std::string_view sender_id) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64-bit offset basis
  for (char c : sender_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV-1a 64-bit prime
  }
  return static_cast<std::uint16_t>(hash & 0xFFFF);
}

HlcStamp HlcGenerator::next(Time now) {
  // floor, not truncation, so that times before the epoch keep counting down by one per second;
  // the cast then keeps the low 16 bits (the value modulo 2^16).
  const auto seconds = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto wall = static_cast<std::uint16_t>(static_cast<std::uint64_t>(seconds) & 0xFFFF);
  if (!started_ || wall != last_wall_) {
    started_ = true;
    last_wall_ = wall;
    logical_ = 0;
  } else if (logical_ < 0xFFFF) {
    ++logical_;
  }
  // A 65537th stamp within one second repeats logical 0xFFFF rather than wrapping to 0, so
  // stamps never go backwards (they may tie); an agent sends a few messages per beat.
  return HlcStamp{wall, logical_, node_};
}

}  // namespace backbeat
