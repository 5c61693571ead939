#include "sim/world/workflow_instances.h"

#include <algorithm>
#include <map>

namespace backbeat::sim {

std::vector<WorkflowInstanceOutcome> workflow_instances(
    const std::vector<OperationOutcome>& operations) {
  using Result = OperationOutcome::Result;
  std::map<std::string, std::vector<const OperationOutcome*>> by_id;
  for (const OperationOutcome& op : operations) {
    if (!op.workflow_id.empty()) by_id[op.workflow_id].push_back(&op);
  }
  std::vector<WorkflowInstanceOutcome> out;
  out.reserve(by_id.size());
  for (auto& [id, steps] : by_id) {
    WorkflowInstanceOutcome instance;
    instance.id = id;
    instance.workflow = steps.front()->workflow;
    instance.agent = steps.front()->agent;
    const auto done = [](const OperationOutcome* s) { return s->result == Result::kCompleted; };
    const auto ended_badly = [](const OperationOutcome* s) {
      return s->result != Result::kCompleted && s->result != Result::kUnfinished;
    };
    const bool every_step = steps.size() == static_cast<std::size_t>(steps.front()->workflow_steps);
    if (every_step && std::all_of(steps.begin(), steps.end(), done)) {
      instance.state = WorkflowInstanceOutcome::State::kCompleted;
      std::int64_t first = steps.front()->start_beat, last = steps.front()->end_beat;
      for (const OperationOutcome* s : steps) {
        first = std::min(first, s->start_beat);
        last = std::max(last, s->end_beat);
      }
      instance.beats = last - first;
    } else if (std::any_of(steps.begin(), steps.end(), ended_badly)) {
      instance.state = WorkflowInstanceOutcome::State::kFailed;
    }
    instance.steps = std::move(steps);
    out.push_back(std::move(instance));
  }
  return out;
}

}  // namespace backbeat::sim
