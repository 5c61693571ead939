// Xoshiro256ss: the xoshiro256** 1.0 generator of Blackman and Vigna (https://prng.di.unimi.it/),
// implemented here from the published algorithm so its output is fixed by this file, not by a
// standard library. 256 bits of state, period 2^256 - 1; the all-zero state is invalid.
#pragma once

#include <array>
#include <cstdint>

#include "sim/kernel/hash.h"

namespace backbeat::sim {

class Xoshiro256ss {
 public:
  using State = std::array<std::uint64_t, 4>;

  // State expanded from `seed` by four SplitMix64 steps (the authors' recommended seeding).
  explicit Xoshiro256ss(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64_next(sm);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = kGoldenGamma;
  }
  // The given state verbatim; an all-zero state is replaced by {golden gamma, 0, 0, 0}.
  explicit Xoshiro256ss(const State& state) : s_(state) {
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = kGoldenGamma;
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint64_t operator()() { return next(); }

  const State& state() const { return s_; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  State s_;
};

}  // namespace backbeat::sim
