#include "sim/batch/shard.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace backbeat::sim::batch {

std::string Shard::text() const {
  return fmt::format("{}/{}", index, count);
}

Result<Shard> parse_shard(const std::string& text) {
  const Status expected = Status::invalid_argument(fmt::format(
      "expected K/N, the K-th of N shards, with 1 <= K <= N <= {} (e.g. 2/4)", kMaxShards));
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return expected;
  auto parse_int = [](std::string_view s, int& out) {
    if (s.empty() || s.size() > 6) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  Shard shard;
  if (!parse_int(std::string_view(text).substr(0, slash), shard.index) ||
      !parse_int(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 ||
      shard.count > kMaxShards || shard.index < 1 || shard.index > shard.count) {
    return expected;
  }
  return shard;
}

Result<SeedRange> shard_range(const SeedRange& all, const Shard& shard) {
  const std::uint64_t total = all.last - all.first + 1;
  const std::uint64_t n = static_cast<std::uint64_t>(shard.count);
  if (n > total) {
    return Status::invalid_argument(
        fmt::format("{} shards for {} seeds: each shard needs at least one seed", n, total));
  }
  const std::uint64_t k = static_cast<std::uint64_t>(shard.index) - 1;
  const std::uint64_t base = total / n, extra = total % n;
  SeedRange range;
  range.first = all.first + k * base + std::min(k, extra);
  range.last = range.first + base + (k < extra ? 1 : 0) - 1;
  return range;
}

}  // namespace backbeat::sim::batch
