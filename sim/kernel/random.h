// RandomStream and Seeds: the simulator's only source of randomness.
//
// Seeding scheme: one master seed (uint64) names every stream of a run. Seeds::stream(name, index)
// derives a stream's generator seed from (master, name, index) alone, so streams are independent of
// each other and of creation order: adding agent #1001 never changes agent #7's stream.
//   x = mix64(master + 1 * golden) ^ fnv1a64(name)
//   x = mix64(x + 2 * golden) ^ index
//   seed = mix64(x + 3 * golden)
//   state = four SplitMix64 outputs from `seed` (Xoshiro256ss(seed))
// with mix64 the SplitMix64 finalizer, golden = 0x9e3779b97f4a7c15 and arithmetic mod 2^64
// (hash.h).
//
// Distributions are implemented here, never with std::*_distribution (which differ between
// standard libraries). Integer results are exact. Floating-point results are bit-identical across
// GCC and Clang on the same platform given: x86-64 SSE2 arithmetic (no x87), no -ffast-math, no FMA
// contraction (backbeat_sim builds with -ffp-contract=off and the functions live in random.cc), and
// the same libm for std::log/std::exp/std::sqrt (glibc on Debian 12 for both compilers). sqrt is
// correctly rounded everywhere; log/exp may differ in the last bit on another libm.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/time.h"
#include "sim/kernel/xoshiro.h"

namespace backbeat::sim {

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed) : gen_(seed) {}
  explicit RandomStream(const Xoshiro256ss::State& state) : gen_(state) {}

  // Next raw 64 bits.
  std::uint64_t next_u64() { return gen_.next(); }
  // Uniform in [0, bound), without modulo bias (Lemire's multiply-and-reject). bound == 0 returns 0
  // without drawing.
  std::uint64_t uniform_u64(std::uint64_t bound);
  // Uniform in [lo, hi], inclusive; requires lo <= hi (else returns lo).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1): the top 53 bits of one draw times 2^-53.
  double uniform_double() { return static_cast<double>(gen_.next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi): lo + (hi - lo) * uniform_double(); a result rounded up to hi returns lo.
  double uniform(double lo, double hi);
  // Normal (Gaussian), by the Marsaglia polar method; the second value of each pair is discarded,
  // so every call is independent of call history beyond the generator state.
  double normal(double mean, double stddev);
  // exp(normal(mu, sigma)).
  double lognormal(double mu, double sigma);
  // Exponential with the given mean: -mean * log(1 - u).
  double exponential(double mean);
  // True with probability p (one draw: uniform_double() < p). p <= 0 never, p >= 1 always.
  bool bernoulli(double p) { return uniform_double() < p; }
  // Uniform duration in [lo, hi], to the nanosecond.
  Duration uniform_duration(Duration lo, Duration hi) {
    return Duration(uniform_int(lo.count(), hi.count()));
  }

  const Xoshiro256ss::State& state() const { return gen_.state(); }

 private:
  Xoshiro256ss gen_;
};

// Parameters (mu, sigma) of a lognormal distribution.
struct LognormalParams {
  double mu = 0;
  double sigma = 0;
};
// The lognormal with the given median and 95th percentile (p95 >= median > 0).
LognormalParams lognormal_from_median_p95(double median, double p95);
// The lognormal with the given mean (> 0) and coefficient of variation (stddev / mean, >= 0).
LognormalParams lognormal_from_mean_cv(double mean, double cv);

class Seeds {
 public:
  explicit Seeds(std::uint64_t master) : master_(master) {}

  std::uint64_t master() const { return master_; }
  // The generator seed of stream (name, index), as specified above.
  std::uint64_t derive(std::string_view name, std::uint64_t index = 0) const;
  // A fresh stream for (name, index); the same arguments always give the same sequence.
  RandomStream stream(std::string_view name, std::uint64_t index = 0) const {
    return RandomStream(derive(name, index));
  }

 private:
  std::uint64_t master_;
};

}  // namespace backbeat::sim
