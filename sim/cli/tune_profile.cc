#include "sim/cli/tune_profile.h"

#include <fmt/format.h>

#include "core/budget_profiles.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {

Status check_tune_profile_name(const std::string& name) {
  if (!is_budget_profile_name(name)) {
    return Status::invalid_argument(
        fmt::format("--profile {}: expected a profile name of 1..64 characters of [A-Za-z0-9_-]",
                    scenario::echo_text(name)));
  }
  if (BudgetProfiles().find(name) != nullptr) {
    return Status::invalid_argument(fmt::format(
        "--profile {}: a built-in profile has this name (the seed's table); choose another", name));
  }
  return Status::ok();
}

nlohmann::json select_tuned_profile(nlohmann::json& tuned_doc, const std::string& name,
                                    const nlohmann::json& table) {
  tuned_doc.erase("budgets");
  if (!tuned_doc.contains("budget_profiles") || !tuned_doc["budget_profiles"].is_object()) {
    tuned_doc["budget_profiles"] = nlohmann::json::object();
  }
  tuned_doc["budget_profiles"][name] = table;
  tuned_doc["budget_profile"] = name;
  return nlohmann::json{{name, table}};
}

}  // namespace backbeat::sim::cli
