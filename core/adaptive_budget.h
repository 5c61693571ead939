// Adaptive beat budgets (a planned feature of the seed): per operation type, a budget derived from
// the type's recent completion times instead of a fixed table. The estimator and why it is shaped
// so: docs/decisions.md, "Adaptive budgets".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/recent_beats.h"
#include "core/status.h"

namespace backbeat {

struct AdaptiveBudgetSettings {
  bool enabled = false;            // off: every type keeps its static budget
  std::vector<std::string> types;  // the types that adapt; empty: every type
  double percentile = 95;          // of the window, in (0, 100]
  int window = 20;                 // the last completions ranked, 1..1024
  int min_samples = 5;             // fewer completions in the window: the static budget
  int margin_beats = 1;            // added to the percentile, 0..1000
  double floor_share = 0.5;        // budget >= ceil(static * floor_share) (and >= 1), (0, 1]
  double ceiling_share = 4.0;      // budget <= static * ceiling_share, >= 1
  int hysteresis_beats = 2;        // shrink only to an estimate this many beats lower, 1..1000

  // kInvalidArgument naming the setting, e.g. "adaptive budget window: expected 1..1024, got 0".
  Status validate() const;
  bool applies_to(std::string_view type) const;
};

// One step of the estimator, after a completion: the candidate is the window's percentile plus
// the margin, held between the floor and the ceiling (shares of `static_budget`). A larger
// candidate is taken at once (an overrun costs more than a longer budget); a smaller one only when
// it is at least hysteresis_beats below `current`, so budgets do not flap with every quick run.
// Fewer than min_samples completions give `static_budget`; `current` 0 means "none yet".
int next_adaptive_budget(const AdaptiveBudgetSettings& settings, int static_budget, int current,
                         const RecentBeats& recent);

}  // namespace backbeat
