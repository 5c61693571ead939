// A run's workflow instances (sim/harness/workload.h workflows, core/workflow_tracker.h), put
// back together from their steps' operation outcomes: the one reading of "how long did this
// workflow take, and did it finish" that the report (reports/workflow_report.h) and the verdict
// (the workflow_beats_within assertion, sim/scenario/assertion.h) share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/world/outcome.h"

namespace backbeat::sim {

struct WorkflowInstanceOutcome {
  enum class State {
    kCompleted,   // every step of the template started and completed
    kFailed,      // a step failed, was cut off, lost or shed
    kUnfinished,  // otherwise: steps still running or not started when the run ended
  };
  std::string id;        // the instance's workflow id
  std::string workflow;  // its template's name
  int agent = 0;
  State state = State::kUnfinished;
  std::int64_t beats = 0;  // kCompleted only: first step's start beat to last step's end beat
  // Its steps' outcomes (pointing into the outcome list given), in start order: a step starts
  // after its parents, so this order is topological.
  std::vector<const OperationOutcome*> steps;
};

// Every instance of `operations` (a RunOutcome's), ordered by instance id. The pointers stay
// valid while `operations` does.
std::vector<WorkflowInstanceOutcome> workflow_instances(
    const std::vector<OperationOutcome>& operations);

}  // namespace backbeat::sim
