#include "sim/scenario/admission_summary.h"

#include <algorithm>

#include "sim/scenario/assertion.h"
#include "sim/scenario/percentile.h"

namespace backbeat::sim::scenario {

std::vector<AdmissionRow> summarize_admission(const WorldConfig& config,
                                              const RunOutcome& outcome) {
  std::vector<AdmissionRow> rows;
  if (!config.admission.limited()) return rows;
  for (const std::string& type : workload_types(config)) {
    for (OperationPriority p :
         {OperationPriority::kHigh, OperationPriority::kNormal, OperationPriority::kLow}) {
      AdmissionRow row;
      row.type = type;
      row.priority = operation_priority_name(p);
      std::vector<std::int64_t> waited, beats;
      for (const OperationOutcome& op : outcome.operations) {
        if (op.type != type || op.priority != row.priority) continue;
        ++row.requested;
        if (op.result == OperationOutcome::Result::kShed) {
          ++row.shed;
        } else if (op.waiting_at_end) {
          ++row.still_waiting;
        } else if (op.waited) {
          ++row.waited;
          waited.push_back(op.waited_beats);
        } else {
          ++row.at_once;
        }
        if (op.result == OperationOutcome::Result::kCompleted) {
          ++row.completed;
          beats.push_back(op.beats());
        }
        if (op.over_budget()) ++row.over_budget;
      }
      if (row.requested == 0) continue;
      std::sort(waited.begin(), waited.end());
      std::sort(beats.begin(), beats.end());
      row.waited_p50 = nearest_rank(waited, 50);
      row.waited_p99 = nearest_rank(waited, 99);
      row.p99 = nearest_rank(beats, 99);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

nlohmann::json admission_summary_json(const WorldConfig& config,
                                      const std::vector<AdmissionRow>& rows) {
  auto opt = [](const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json out = nlohmann::json::array();
  for (const AdmissionRow& r : rows) {
    out.push_back({{"type", r.type},
                   {"priority", r.priority},
                   {"requested", r.requested},
                   {"admitted_at_once", r.at_once},
                   {"admitted_after_wait", r.waited},
                   {"waited_beats_p50", opt(r.waited_p50)},
                   {"waited_beats_p99", opt(r.waited_p99)},
                   {"shed", r.shed},
                   {"still_waiting", r.still_waiting},
                   {"completed", r.completed},
                   {"over_budget", r.over_budget},
                   {"beats_p99", opt(r.p99)}});
  }
  return {{"max_concurrent", config.admission.max_concurrent},
          {"max_queue", config.admission.max_queue},
          {"max_wait_beats", config.admission.max_wait_beats},
          {"rows", std::move(out)}};
}

}  // namespace backbeat::sim::scenario
