#include "sim/scenario/budget_profile_choice.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/echo_text.h"
#include "sim/scenario/did_you_mean.h"

namespace backbeat::sim::scenario {

Result<BudgetProfiles> budget_profiles_of(const BudgetProfileChoice& choice) {
  BudgetProfiles profiles;
  for (const auto& [name, table] : choice.user) {
    if (Status s = profiles.add(name, table, "the scenario's budget_profiles"); !s) {
      return Status::invalid_argument(fmt::format("/budget_profiles/{}: {}", name, s.message()));
    }
  }
  return profiles;
}

Status apply_budget_profile(WorldConfig& config) {
  const BudgetProfileChoice& choice = config.budget_profile;
  if (choice.name.empty()) {
    config.budgets = choice.explicit_budgets;
    return Status::ok();
  }
  Result<BudgetProfiles> profiles = budget_profiles_of(choice);
  if (!profiles) return profiles.status();
  const BudgetProfile* profile = profiles->find(choice.name);
  if (profile == nullptr) {
    const std::vector<std::string> names = profiles->names();
    std::optional<std::string> guess = did_you_mean(choice.name, names);
    return Status::invalid_argument(
        fmt::format("unknown budget profile '{}'{} (known: {})", echo_text(choice.name),
                    guess ? fmt::format(": did you mean '{}'?", *guess) : std::string(),
                    fmt::join(names, ", ")));
  }
  std::vector<std::string> types;
  for (const OperationWorkload& op : config.workload.operations) types.push_back(op.type);
  config.budgets = budgets_with_profile(choice.explicit_budgets, profile->table, types);
  return Status::ok();
}

}  // namespace backbeat::sim::scenario
