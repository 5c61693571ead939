// `tune --profile NAME`: the recommended budget table written as a budget profile
// (core/budget_profiles.h) instead of as the scenario's explicit budgets.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace backbeat::sim::cli {

// OK, or kInvalidArgument naming --profile: NAME must be a profile name (1..64 characters of
// [A-Za-z0-9_-]) and not a built-in's (dev, prod, high-latency mean the seed's tables).
Status check_tune_profile_name(const std::string& name);

// Makes `tuned_doc` select profile NAME holding `table` (replacing a scenario table of that name).
// Its explicit `budgets` go: they would win over the profile's rows. Returns profile.json's
// document, {NAME: table}.
nlohmann::json select_tuned_profile(nlohmann::json& tuned_doc, const std::string& name,
                                    const nlohmann::json& table);

}  // namespace backbeat::sim::cli
