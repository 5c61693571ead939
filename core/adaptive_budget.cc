#include "core/adaptive_budget.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/nearest_rank.h"

namespace backbeat {

Status AdaptiveBudgetSettings::validate() const {
  auto bad = [](std::string_view what, std::string_view range, double got) {
    return Status::invalid_argument(
        fmt::format("adaptive budget {}: expected {}, got {:g}", what, range, got));
  };
  if (!(percentile > 0 && percentile <= 100)) return bad("percentile", "(0, 100]", percentile);
  if (window < 1 || window > 1024) return bad("window", "1..1024", window);
  if (min_samples < 1 || min_samples > window) {
    return bad("min_samples", fmt::format("1..window ({})", window), min_samples);
  }
  if (margin_beats < 0 || margin_beats > 1000) return bad("margin_beats", "0..1000", margin_beats);
  if (!(floor_share > 0 && floor_share <= 1)) return bad("floor_share", "(0, 1]", floor_share);
  if (!(ceiling_share >= 1 && ceiling_share <= 1000)) {
    return bad("ceiling_share", "1..1000", ceiling_share);
  }
  if (hysteresis_beats < 1 || hysteresis_beats > 1000) {
    return bad("hysteresis_beats", "1..1000", hysteresis_beats);
  }
  for (const std::string& type : types) {
    if (type.empty()) return Status::invalid_argument("adaptive budget types: an empty type");
  }
  return Status::ok();
}

bool AdaptiveBudgetSettings::applies_to(std::string_view type) const {
  return enabled && (types.empty() || std::find(types.begin(), types.end(), type) != types.end());
}

int next_adaptive_budget(const AdaptiveBudgetSettings& s, int static_budget, int current,
                         const RecentBeats& recent) {
  if (recent.size() < static_cast<std::size_t>(s.min_samples)) return static_budget;
  int floor = std::max(1, static_cast<int>(std::ceil(static_budget * s.floor_share - 1e-9)));
  int ceiling = std::max(floor, static_cast<int>(std::floor(static_budget * s.ceiling_share)));
  std::int64_t high = nearest_rank(recent.sorted(), s.percentile).value_or(static_budget);
  int candidate = static_cast<int>(std::clamp<std::int64_t>(high + s.margin_beats, floor, ceiling));
  if (current <= 0 || candidate > current) return candidate;
  return candidate <= current - s.hysteresis_beats ? candidate : current;
}

}  // namespace backbeat
