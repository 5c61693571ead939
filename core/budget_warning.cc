#include "core/budget_warning.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backbeat {

Status BudgetWarningSettings::validate() const {
  if (!(share > 0.0 && share <= 1.0)) {
    return Status::invalid_argument(
        fmt::format("budget warning share: expected (0, 1], got {:g}", share));
  }
  return Status::ok();
}

std::int64_t budget_warning_beat(int budget_beats, double share) {
  auto at = static_cast<std::int64_t>(std::ceil(share * budget_beats - 1e-9));
  return std::clamp<std::int64_t>(at, 1, std::max(budget_beats, 1));
}

bool budget_warning_fires(int budget_beats, double share, std::int64_t beats) {
  return beats >= budget_warning_beat(budget_beats, share);
}

}  // namespace backbeat
