// Workflows in the report (core/workflow_tracker.h, sim/harness/workload.h): per workflow
// template, instances started and completed, beats to complete (first step's start beat to last
// step's end beat, on the agent's beats) and the critical path (core's critical_path over the
// instance's steps, each weighing its beats): how often each step is on it, the most common path
// and the slowest instances with theirs. Only completed instances (every step completed) have a
// duration and a path.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/outcome.h"

namespace backbeat::reports {

struct WorkflowInstance {
  std::string id;
  int agent = 0;
  std::int64_t beats = 0;
  std::vector<std::string> critical_path;  // step names, first to last
};

struct WorkflowTemplateReport {
  static constexpr std::size_t kSlowest = 5;

  std::string name;
  std::size_t started = 0;
  std::size_t completed = 0;
  std::size_t failed = 0;  // a step failed, was cut off or lost
  std::optional<std::int64_t> p50, p95, p99, max;
  // Per step name, in the template's first-seen order: completed instances with it on the path.
  std::vector<std::pair<std::string, std::size_t>> on_critical_path;
  std::string typical_path;  // "a -> b -> c", the most common critical path (ties: first seen)
  std::size_t typical_count = 0;
  std::vector<WorkflowInstance> slowest;  // at most kSlowest, slowest first (ties: by id)
};

// Per template by name; empty when the run had no workflow.
std::vector<WorkflowTemplateReport> workflow_report(
    const std::vector<sim::OperationOutcome>& operations);

nlohmann::json workflow_report_json(const std::vector<WorkflowTemplateReport>& workflows);
std::string workflow_report_markdown(const std::vector<WorkflowTemplateReport>& workflows);
// "peer_discovery -> dht_store (83%)"; "-" without a completed instance.
std::string typical_path_text(const WorkflowTemplateReport& workflow);

}  // namespace backbeat::reports
