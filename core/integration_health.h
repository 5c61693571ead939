// IntegrationHealth: the twelve fields of the seed's GetHealth(), as a struct and as JSON, plus
// the per-type completion history (core/operation_budgets.h) once an operation has ended.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace backbeat {

struct IntegrationHealth {
  bool enabled = false;
  bool started = false;
  bool connected = false;
  std::int64_t current_beat = 0;
  // BPM advertised by the pulse: a double (the contract's tempo may be fractional, 0.5 BPM);
  // to_json writes a whole tempo as an integer, as the seed's int (docs/decisions.md).
  double current_tempo = 0.0;
  double measured_bpm = 0.0;
  std::string tempo_drift;  // "acceptable", "warning" or "critical"
  std::uint64_t reconnect_count = 0;
  std::size_t active_operations = 0;
  bool local_degradation = false;
  std::vector<std::string> errors;  // recent, oldest first
  std::string node_id;
  // Beyond the seed: OperationBudgets::to_json() (an object by type; empty: none ended).
  nlohmann::ordered_json operation_history = nlohmann::ordered_json::object();
  // Beyond the seed: WorkflowTracker::to_json() once a workflow started (else empty).
  nlohmann::ordered_json workflows = nlohmann::ordered_json::object();
  // Beyond the seed: OperationAdmission::to_json() when the agent limits concurrent operations.
  nlohmann::ordered_json admission = nlohmann::ordered_json::object();

  // The seed's JSON keys, in the seed's order, then "operation_history", "workflows" and
  // "admission" when not empty.
  nlohmann::ordered_json to_json() const;
};

}  // namespace backbeat
