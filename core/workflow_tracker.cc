#include "core/workflow_tracker.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/contracts/field_rules.h"

namespace backbeat {
namespace {

// The index of `id` among `steps`, or steps.size().
template <typename Steps>
std::size_t index_of(const Steps& steps, const std::string& id) {
  auto it = std::find_if(steps.begin(), steps.end(), [&](const auto& s) { return s.id == id; });
  return static_cast<std::size_t>(it - steps.begin());
}

}  // namespace

std::vector<std::size_t> critical_path(const std::vector<DagNode>& nodes) {
  if (nodes.empty()) return {};
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::int64_t> longest(nodes.size(), 0);  // the best chain ending at each node
  std::vector<std::size_t> before(nodes.size(), kNone);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (std::size_t p : nodes[i].parents) {
      if (p >= i) continue;
      if (before[i] == kNone || longest[p] > longest[before[i]] ||
          (longest[p] == longest[before[i]] && p < before[i])) {
        before[i] = p;
      }
    }
    longest[i] =
        std::max<std::int64_t>(nodes[i].beats, 0) + (before[i] == kNone ? 0 : longest[before[i]]);
  }
  std::size_t last = 0;
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    if (longest[i] >= longest[last]) last = i;  // a later zero-beat step still ends the path
  }
  std::vector<std::size_t> path;
  for (std::size_t i = last; i != kNone; i = before[i]) path.push_back(i);
  std::reverse(path.begin(), path.end());
  return path;
}

nlohmann::ordered_json WorkflowSummary::to_json() const {
  return {{"id", id},
          {"start_beat", start_beat},
          {"end_beat", end_beat},
          {"beats", beats()},
          {"operations", operations},
          {"failed", failed},
          {"critical_path", critical_path},
          {"critical_types", critical_types},
          {"critical_beats", critical_beats}};
}

Status WorkflowTracker::check(const std::string& operation_id, const WorkflowLink& link) const {
  const std::string& wf = link.workflow_id;
  if (!is_agent_id(wf)) {
    return Status::invalid_argument(fmt::format(
        "workflow id '{}': expected 1..128 characters of [A-Za-z0-9_:-] (it is claim metadata "
        "an observer correlates by, spelled as operation ids are)",
        wf.substr(0, 160)));
  }
  if (link.parents.size() > kMaxParents) {
    return Status::invalid_argument(
        fmt::format("operation {} in workflow {}: {} parents, at most {}", operation_id, wf,
                    link.parents.size(), kMaxParents));
  }
  auto it = open_.find(wf);
  for (std::size_t i = 0; i < link.parents.size(); ++i) {
    const std::string& parent = link.parents[i];
    if (parent == operation_id) {
      return Status::invalid_argument(
          fmt::format("operation {} in workflow {}: naming itself as a parent would make a cycle",
                      operation_id, wf));
    }
    if (std::find(link.parents.begin(), link.parents.begin() + static_cast<std::ptrdiff_t>(i),
                  parent) != link.parents.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Status::invalid_argument(fmt::format(
          "operation {} in workflow {}: parent {} named twice", operation_id, wf, parent));
    }
    if (it == open_.end() || index_of(it->second.steps, parent) == it->second.steps.size()) {
      return Status::invalid_argument(fmt::format(
          "operation {} in workflow {}: unknown parent {} (a parent must be started in the same "
          "workflow before its children, and the workflow must still be open)",
          operation_id, wf, parent));
    }
  }
  if (it == open_.end()) {
    if (open_.size() >= kMaxOpen) {
      return Status::resource_exhausted(fmt::format(
          "workflow {}: {} workflows are open, at most {}", wf, open_.size(), kMaxOpen));
    }
    return Status::ok();
  }
  if (index_of(it->second.steps, operation_id) != it->second.steps.size()) {
    return Status::invalid_argument(fmt::format(
        "operation {} is already in workflow {}: starting it again would make a cycle or a "
        "second node of one id",
        operation_id, wf));
  }
  if (it->second.steps.size() >= kMaxSteps) {
    return Status::resource_exhausted(
        fmt::format("workflow {}: already {} operations, at most {}", wf, kMaxSteps, kMaxSteps));
  }
  return Status::ok();
}

Status WorkflowTracker::on_start(const std::string& operation_id, const std::string& type,
                                 const WorkflowLink& link, std::int64_t beat) {
  if (Status s = check(operation_id, link); !s) return s;
  Open& workflow = open_[link.workflow_id];
  Step step;
  step.id = operation_id;
  step.type = type;
  step.start_beat = beat;
  step.end_beat = beat;
  for (const std::string& parent : link.parents)
    step.parents.push_back(index_of(workflow.steps, parent));
  workflow.steps.push_back(std::move(step));
  ++workflow.running;
  active_[operation_id] = link;
  return Status::ok();
}

void WorkflowTracker::abandon(const std::string& operation_id) {
  auto link = active_.find(operation_id);
  if (link == active_.end()) return;
  auto it = open_.find(link->second.workflow_id);
  active_.erase(link);
  if (it == open_.end() || it->second.steps.empty() || it->second.steps.back().id != operation_id)
    return;
  it->second.steps.pop_back();
  --it->second.running;
  if (it->second.steps.empty()) open_.erase(it);
}

void WorkflowTracker::on_end(const std::string& operation_id, std::int64_t beat, bool completed) {
  auto link = active_.find(operation_id);
  if (link == active_.end()) return;
  auto it = open_.find(link->second.workflow_id);
  active_.erase(link);
  if (it == open_.end()) return;
  Step& step = it->second.steps[index_of(it->second.steps, operation_id)];
  step.ended = true;
  step.completed = completed;
  step.end_beat = std::max(beat, step.start_beat);
  --it->second.running;
}

void WorkflowTracker::on_beat(std::int64_t /*beat*/) {
  for (auto it = open_.begin(); it != open_.end();) {
    if (it->second.running > 0) {
      ++it;
      continue;
    }
    recent_.push_back(summarise(it->first, it->second));
    if (recent_.size() > kRecent) recent_.pop_front();
    ++completed_;
    it = open_.erase(it);
  }
}

const WorkflowLink* WorkflowTracker::link_of(const std::string& operation_id) const {
  auto it = active_.find(operation_id);
  return it == active_.end() ? nullptr : &it->second;
}

WorkflowSummary WorkflowTracker::summarise(const std::string& id, const Open& workflow) const {
  WorkflowSummary out;
  out.id = id;
  out.operations = workflow.steps.size();
  std::vector<DagNode> nodes;
  out.start_beat = workflow.steps.front().start_beat;
  out.end_beat = out.start_beat;
  for (const Step& s : workflow.steps) {
    out.start_beat = std::min(out.start_beat, s.start_beat);
    out.end_beat = std::max(out.end_beat, s.end_beat);
    if (!s.completed) ++out.failed;
    nodes.push_back({s.end_beat - s.start_beat, s.parents});
  }
  for (std::size_t i : critical_path(nodes)) {
    out.critical_path.push_back(workflow.steps[i].id);
    out.critical_types.push_back(workflow.steps[i].type);
    out.critical_beats += nodes[i].beats;
  }
  return out;
}

nlohmann::ordered_json WorkflowTracker::to_json() const {
  nlohmann::ordered_json recent = nlohmann::ordered_json::array();
  for (const WorkflowSummary& s : recent_) recent.push_back(s.to_json());
  return {{"open", open_.size()}, {"completed", completed_}, {"recent", std::move(recent)}};
}

}  // namespace backbeat
