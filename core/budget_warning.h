// Beat-budget warnings (a planned feature of the seed): when an operation has used a configured
// share of its budget and has not overrun yet, the integration's claim for it on that beat says
// so, once. Encoding (contract-valid, docs/contracts.md "INT-B StatusClaim"): state `executing`,
// notes "P2P <type>: budget warning: <passed> of <budget> beats used (...)", and
// metadata.budget_warning = {"budget_beats", "beats_passed", "share"}.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace backbeat {

struct BudgetWarningSettings {
  bool enabled = false;  // off: no claim changes (the seed's behaviour)
  double share = 0.8;    // of the budget, in (0, 1]

  // kInvalidArgument "budget warning share: expected (0, 1], got X".
  Status validate() const;
};

// The beat (counted from the operation's start) on which an operation with `budget_beats` gets
// its warning: ceil(share * budget), at least 1 and at most the budget (so it always comes before
// an overrun, which is a completion after more than `budget_beats` beats).
std::int64_t budget_warning_beat(int budget_beats, double share);

// Whether an operation that completed after `beats` beats was warned first: the integration
// reports an operation on every beat it is active, so it saw every count of beats up to `beats`.
bool budget_warning_fires(int budget_beats, double share, std::int64_t beats);

}  // namespace backbeat
