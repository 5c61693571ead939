#include "core/integration_health.h"

namespace backbeat {

nlohmann::ordered_json IntegrationHealth::to_json() const {
  nlohmann::ordered_json out = {
      {"enabled", enabled},
      {"started", started},
      {"connected", connected},
      {"current_beat", current_beat},
      {"current_tempo", current_tempo},
      {"measured_bpm", measured_bpm},
      {"tempo_drift", tempo_drift},
      {"reconnect_count", reconnect_count},
      {"active_operations", active_operations},
      {"local_degradation", local_degradation},
      {"errors", errors},
      {"node_id", node_id},
  };
  if (!operation_history.empty()) out["operation_history"] = operation_history;
  return out;
}

}  // namespace backbeat
