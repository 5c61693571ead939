#include "core/budget_profiles.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "core/contracts/field_rules.h"

namespace backbeat {
namespace {

struct GuidelineRow {
  std::string_view type;
  BudgetGuideline beats;
};

// The seed's table, in its order; "election" is the seed's type string for Leader Election.
constexpr std::array kGuidelines = {
    GuidelineRow{"peer_discovery", {2, 5}},   GuidelineRow{"dht_store", {2, 4}},
    GuidelineRow{"dht_retrieve", {1, 3}},     GuidelineRow{"pubsub_sync", {1, 2}},
    GuidelineRow{"leader_election", {3, 10}}, GuidelineRow{"task_coordination", {5, 20}},
    GuidelineRow{"election", {3, 10}},
};

BudgetTable guideline_table(int (*beats)(const BudgetGuideline&)) {
  BudgetTable table;
  for (const GuidelineRow& row : kGuidelines) table[std::string(row.type)] = beats(row.beats);
  return table;
}

std::vector<BudgetProfile> make_builtins() {
  return {
      {.name = "dev",
       .description = "the low end of each seed guideline (a local network)",
       .table = guideline_table([](const BudgetGuideline& g) { return g.low; }),
       .builtin = true},
      {.name = "prod",
       .description = "the high end of each seed guideline (a production cluster)",
       .table = guideline_table([](const BudgetGuideline& g) { return g.high; }),
       .builtin = true},
      {.name = "high-latency",
       .description = "twice the high end of each seed guideline (slow or distant peers)",
       .table = guideline_table([](const BudgetGuideline& g) { return 2 * g.high; }),
       .builtin = true},
  };
}

}  // namespace

std::optional<BudgetGuideline> budget_guideline(std::string_view type) {
  for (const GuidelineRow& row : kGuidelines) {
    if (row.type == type) return row.beats;
  }
  return std::nullopt;
}

bool is_budget_profile_name(std::string_view name) {
  return is_cluster_id(name);
}

Status validate_budget_table(const BudgetTable& table) {
  for (const auto& [type, beats] : table) {
    if (!is_agent_id(type)) {
      return Status::invalid_argument(
          fmt::format("budget table: type '{}': expected {}", type, kAgentIdRule));
    }
    if (beats < 1 || beats > kMaxProfileBudgetBeats) {
      return Status::invalid_argument(fmt::format("budget table: {}: expected 1..{} beats, got {}",
                                                  type, kMaxProfileBudgetBeats, beats));
    }
  }
  return Status::ok();
}

const std::vector<BudgetProfile>& builtin_budget_profiles() {
  static const std::vector<BudgetProfile> builtins = make_builtins();
  return builtins;
}

BudgetProfiles::BudgetProfiles() : profiles_(builtin_budget_profiles()) {}

Status BudgetProfiles::add(std::string name, BudgetTable table, std::string description) {
  if (!is_budget_profile_name(name)) {
    return Status::invalid_argument(
        fmt::format("budget profile name '{}': expected 1..64 characters of [A-Za-z0-9_-]", name));
  }
  if (const BudgetProfile* known = find(name)) {
    return Status::invalid_argument(
        fmt::format("budget profile '{}': {} (choose another name)", name,
                    known->builtin ? "a built-in profile has this name" : "defined twice"));
  }
  if (profiles_.size() >= kMaxBudgetProfiles) {
    return Status::invalid_argument(
        fmt::format("budget profile '{}': at most {} profiles", name, kMaxBudgetProfiles));
  }
  if (Status s = validate_budget_table(table); !s) {
    return Status::invalid_argument(fmt::format("budget profile '{}': {}", name, s.message()));
  }
  profiles_.push_back({.name = std::move(name),
                       .description = std::move(description),
                       .table = std::move(table),
                       .builtin = false});
  return Status::ok();
}

const BudgetProfile* BudgetProfiles::find(std::string_view name) const {
  auto it = std::find_if(profiles_.begin(), profiles_.end(),
                         [&](const BudgetProfile& p) { return p.name == name; });
  return it == profiles_.end() ? nullptr : &*it;
}

std::vector<std::string> BudgetProfiles::names() const {
  std::vector<std::string> out;
  out.reserve(profiles_.size());
  for (const BudgetProfile& p : profiles_) out.push_back(p.name);
  return out;
}

BudgetTable budgets_with_profile(const BudgetTable& explicit_rows, const BudgetTable& profile,
                                 const std::vector<std::string>& types) {
  BudgetTable out = explicit_rows;
  for (const std::string& type : types) {
    auto row = profile.find(type);
    if (row != profile.end()) out.emplace(type, row->second);  // an explicit row stays
  }
  return out;
}

}  // namespace backbeat
