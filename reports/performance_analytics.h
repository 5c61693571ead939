// Performance analytics (a planned feature of the seed): per operation type, the budget against
// the distribution of beats-to-complete, and the causes of its overruns read from the run's own
// windows. An overrun (completed after more beats than its agent's budget) counts under every
// cause whose window overlaps the operation on its agent: a slow_peers fault whose targets name
// the agent (all, agent ranges, groups; random and server targets cannot be told apart afterwards
// and count as unexplained), a disconnect window, a degradation window. Overruns with none of them
// are the distribution's own tail. Operation times come from the pulse's beat timeline.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::reports {

struct OverrunCauses {
  std::size_t slow_peers = 0, disconnect = 0, degradation = 0, unexplained = 0;
};

struct TypeAnalytics {
  std::string type;
  std::size_t completed = 0;
  int table_budget = 0;    // the static budget (table, else estimated_beats)
  double mean_budget = 0;  // the budget agents gave, over completed operations
  std::optional<std::int64_t> p50, p95, p99;
  double within_budget = 0;  // share of completed operations within their budget
  std::size_t overruns = 0;
  OverrunCauses causes;
};

// Per type by name; types without a completed operation are left out.
std::vector<TypeAnalytics> performance_analytics(const sim::WorldConfig& config,
                                                 const sim::RunOutcome& outcome);

nlohmann::json performance_analytics_json(const std::vector<TypeAnalytics>& analytics);
std::string performance_analytics_markdown(const std::vector<TypeAnalytics>& analytics);

}  // namespace backbeat::reports
