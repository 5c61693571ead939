// Admission in a run (core/operation_admission.h): per operation type and priority, how many
// operations started at once, waited (and how many beats), were shed, and how those that ran did
// against their budget. For run.json ("admission"), the text report and report.html.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::sim::scenario {

struct AdmissionRow {
  std::string type;
  std::string priority;
  std::size_t requested = 0;
  std::size_t at_once = 0;                             // started without waiting
  std::size_t waited = 0;                              // admitted after waiting
  std::optional<std::int64_t> waited_p50, waited_p99;  // beats waited, of those admitted
  std::size_t shed = 0;
  std::size_t still_waiting = 0;  // waiting when the run ended
  std::size_t completed = 0, over_budget = 0;
  std::optional<std::int64_t> p99;  // beats to complete, from admission
};

// Rows by type (workload order) then priority (highest first); empty without an admission limit.
std::vector<AdmissionRow> summarize_admission(const WorldConfig& config, const RunOutcome& outcome);
// {"max_concurrent", "max_queue", "max_wait_beats", "rows": [...]}.
nlohmann::json admission_summary_json(const WorldConfig& config,
                                      const std::vector<AdmissionRow>& rows);

}  // namespace backbeat::sim::scenario
