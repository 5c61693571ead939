// Hashes the simulator relies on for seeding and fingerprints. Every function here is specified
// bit-exactly (byte order included), so a fingerprint or a derived seed can be recomputed by any
// other implementation from this description alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace backbeat::sim {

inline constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
inline constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// FNV-1a-64 over `bytes`, continuing from `h` (default: the FNV offset basis).
constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = kFnvOffsetBasis) {
  for (char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= kFnvPrime;
  }
  return h;
}

// FNV-1a-64 streaming over explicit little-endian serializations: the result never depends on the
// host's byte order or on struct layout.
class Fnv1a64 {
 public:
  constexpr Fnv1a64() = default;
  constexpr explicit Fnv1a64(std::uint64_t state) : h_(state) {}

  constexpr Fnv1a64& byte(std::uint8_t b) {
    h_ ^= b;
    h_ *= kFnvPrime;
    return *this;
  }
  // The 4 bytes of `v`, least significant first.
  constexpr Fnv1a64& u32le(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  // The 8 bytes of `v`, least significant first.
  constexpr Fnv1a64& u64le(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  constexpr Fnv1a64& bytes(std::string_view s) {
    h_ = fnv1a64(s, h_);
    return *this;
  }
  constexpr std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = kFnvOffsetBasis;
};

// The SplitMix64 output function (Steele, Lea, Flood 2014; constants of Stafford's "Mix13"):
// a bijective 64-bit mix. `splitmix64_next` is the full generator step (state += golden gamma).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += kGoldenGamma;
  return mix64(state);
}

// Digest of a message payload for trace records: FNV-1a-64 of the bytes.
inline std::uint64_t digest_bytes(std::span<const std::byte> bytes) {
  std::uint64_t h = kFnvOffsetBasis;
  for (std::byte b : bytes) {
    h ^= static_cast<std::uint8_t>(b);
    h *= kFnvPrime;
  }
  return h;
}
constexpr std::uint64_t digest_bytes(std::string_view bytes) {
  return fnv1a64(bytes);
}

// Combines two digests into one, order-sensitive: mix64(a ^ mix64(b + golden gamma)).
// For digesting structured payloads field by field.
constexpr std::uint64_t digest_combine(std::uint64_t a, std::uint64_t b) {
  return mix64(a ^ mix64(b + kGoldenGamma));
}

}  // namespace backbeat::sim
