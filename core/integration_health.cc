#include "core/integration_health.h"

#include <cmath>
#include <cstdint>

namespace backbeat {

nlohmann::ordered_json IntegrationHealth::to_json() const {
  nlohmann::ordered_json out = {
      {"enabled", enabled},
      {"started", started},
      {"connected", connected},
      {"current_beat", current_beat},
      // Whole tempos as integers ("current_tempo": 2, as the seed's example reads it).
      {"current_tempo", current_tempo == std::floor(current_tempo) && std::abs(current_tempo) < 1e15
                            ? nlohmann::ordered_json(static_cast<std::int64_t>(current_tempo))
                            : nlohmann::ordered_json(current_tempo)},
      {"measured_bpm", measured_bpm},
      {"tempo_drift", tempo_drift},
      {"reconnect_count", reconnect_count},
      {"active_operations", active_operations},
      {"local_degradation", local_degradation},
      {"errors", errors},
      {"node_id", node_id},
  };
  if (!operation_history.empty()) out["operation_history"] = operation_history;
  if (!workflows.empty()) out["workflows"] = workflows;
  if (!admission.empty()) out["admission"] = admission;
  return out;
}

}  // namespace backbeat
