#include "sim/kernel/random.h"

#include <cmath>

#include "sim/kernel/hash.h"

namespace backbeat::sim {
namespace {

// Full 128-bit product of a and b, without compiler extensions.
void mul_64x64(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) {
  const std::uint64_t a_lo = a & 0xffffffffU, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xffffffffU, b_hi = b >> 32;
  const std::uint64_t p0 = a_lo * b_lo;
  const std::uint64_t p1 = a_lo * b_hi;
  const std::uint64_t p2 = a_hi * b_lo;
  const std::uint64_t p3 = a_hi * b_hi;
  const std::uint64_t mid = (p0 >> 32) + (p1 & 0xffffffffU) + (p2 & 0xffffffffU);
  lo = (mid << 32) | (p0 & 0xffffffffU);
  hi = p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

// Standard normal quantile at 0.95.
constexpr double kZ95 = 1.6448536269514722;

}  // namespace

std::uint64_t RandomStream::uniform_u64(std::uint64_t bound) {
  if (bound == 0) return 0;
  std::uint64_t hi, lo;
  mul_64x64(gen_.next(), bound, hi, lo);
  if (lo < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    while (lo < threshold) mul_64x64(gen_.next(), bound, hi, lo);
  }
  return hi;
}

std::int64_t RandomStream::uniform_int(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  const std::uint64_t offset = span == ~std::uint64_t{0} ? gen_.next() : uniform_u64(span + 1);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
}

double RandomStream::uniform(double lo, double hi) {
  const double x = lo + (hi - lo) * uniform_double();
  return x < hi ? x : lo;
}

double RandomStream::normal(double mean, double stddev) {
  double u, v, s;
  do {
    u = 2.0 * uniform_double() - 1.0;
    v = 2.0 * uniform_double() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  return mean + stddev * (u * factor);
}

double RandomStream::lognormal(double mu, double sigma) {
  return std::exp(normal(mu, sigma));
}

double RandomStream::exponential(double mean) {
  return -mean * std::log(1.0 - uniform_double());
}

LognormalParams lognormal_from_median_p95(double median, double p95) {
  LognormalParams p;
  p.mu = std::log(median);
  p.sigma = p95 > median ? std::log(p95 / median) / kZ95 : 0.0;
  return p;
}

LognormalParams lognormal_from_mean_cv(double mean, double cv) {
  LognormalParams p;
  const double s2 = std::log1p(cv * cv);
  p.sigma = std::sqrt(s2);
  p.mu = std::log(mean) - s2 / 2.0;
  return p;
}

std::uint64_t Seeds::derive(std::string_view name, std::uint64_t index) const {
  std::uint64_t x = mix64(master_ + 1 * kGoldenGamma) ^ fnv1a64(name);
  x = mix64(x + 2 * kGoldenGamma) ^ index;
  return mix64(x + 3 * kGoldenGamma);
}

}  // namespace backbeat::sim
