// Nearest-rank percentiles for verdicts and summaries: the core's definition
// (core/nearest_rank.h), so a run's reports and the agents' adaptive budgets rank alike.
#pragma once

#include "core/nearest_rank.h"

namespace backbeat::sim::scenario {

using backbeat::nearest_rank;
using backbeat::nearest_rank_position;

}  // namespace backbeat::sim::scenario
