// Resolving a run's budget profile (core/budget_profiles.h) into its budget table.
//
// How a profile combines with the rest (scenarios/README.md, "Budget profiles"):
// - the scenario's explicit `budgets` rows win; the profile fills every other workload type;
//   types the profile has no row for keep their estimated beats;
// - adaptive budgets start from that table: it is their static budget (floor and ceiling are
//   shares of it), exactly as they start from `budgets` without a profile;
// - budget warnings are shares of whichever budget an operation got.
#pragma once

#include "core/status.h"
#include "sim/world/world_config.h"

namespace backbeat::sim::scenario {

// The built-in profiles plus the scenario's tables (their errors name /budget_profiles/NAME).
Result<BudgetProfiles> budget_profiles_of(const BudgetProfileChoice& choice);

// Sets config.budgets from config.budget_profile: its explicit rows over the named profile's
// rows for the workload's types (just the explicit rows when no name is set). An unknown name is
// kInvalidArgument with a did-you-mean and the known names; the caller names the source
// (config.budget_profile.source).
Status apply_budget_profile(WorldConfig& config);

}  // namespace backbeat::sim::scenario
