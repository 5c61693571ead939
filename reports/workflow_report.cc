#include "reports/workflow_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/nearest_rank.h"
#include "core/workflow_tracker.h"
#include "sim/world/workflow_instances.h"

namespace backbeat::reports {
namespace {

std::string joined(const std::vector<std::string>& steps) {
  std::string out;
  for (const std::string& s : steps) out += (out.empty() ? "" : " -> ") + s;
  return out;
}

}  // namespace

std::vector<WorkflowTemplateReport> workflow_report(
    const std::vector<sim::OperationOutcome>& operations) {
  using State = sim::WorkflowInstanceOutcome::State;
  std::map<std::string, WorkflowTemplateReport> by_name;
  std::map<std::string, std::vector<std::int64_t>> beats;
  std::map<std::string, std::vector<std::string>> paths;  // per template, in instance order
  for (const sim::WorkflowInstanceOutcome& i : sim::workflow_instances(operations)) {
    WorkflowTemplateReport& t = by_name[i.workflow];
    t.name = i.workflow;
    ++t.started;
    for (const sim::OperationOutcome* s : i.steps) {
      auto seen = std::find_if(t.on_critical_path.begin(), t.on_critical_path.end(),
                               [&](const auto& e) { return e.first == s->step; });
      if (seen == t.on_critical_path.end()) t.on_critical_path.emplace_back(s->step, 0);
    }
    if (i.state == State::kFailed) ++t.failed;
    if (i.state != State::kCompleted) continue;
    ++t.completed;
    std::vector<DagNode> nodes;
    for (const sim::OperationOutcome* s : i.steps) {
      DagNode node{s->beats(), {}};
      for (const std::string& parent : s->parents) {
        for (std::size_t k = 0; k < nodes.size(); ++k) {
          if (i.steps[k]->id == parent) node.parents.push_back(k);
        }
      }
      nodes.push_back(std::move(node));
    }
    WorkflowInstance instance{i.id, i.agent, i.beats, {}};
    for (std::size_t k : critical_path(nodes)) {
      instance.critical_path.push_back(i.steps[k]->step);
      for (auto& [step, count] : t.on_critical_path) count += step == i.steps[k]->step ? 1 : 0;
    }
    beats[t.name].push_back(instance.beats);
    paths[t.name].push_back(joined(instance.critical_path));
    t.slowest.push_back(std::move(instance));
    std::stable_sort(t.slowest.begin(), t.slowest.end(),
                     [](const WorkflowInstance& a, const WorkflowInstance& b) {
                       return a.beats > b.beats;  // ties keep id order (instances by id)
                     });
    if (t.slowest.size() > WorkflowTemplateReport::kSlowest) t.slowest.pop_back();
  }
  std::vector<WorkflowTemplateReport> out;
  for (auto& [name, t] : by_name) {
    std::vector<std::int64_t>& b = beats[name];
    std::sort(b.begin(), b.end());
    t.p50 = nearest_rank(b, 50);
    t.p95 = nearest_rank(b, 95);
    t.p99 = nearest_rank(b, 99);
    if (!b.empty()) t.max = b.back();
    std::map<std::string, std::size_t> counts;
    for (const std::string& p : paths[name]) ++counts[p];
    for (const std::string& p : paths[name]) {  // first seen wins a tie
      if (counts[p] > t.typical_count) {
        t.typical_count = counts[p];
        t.typical_path = p;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string typical_path_text(const WorkflowTemplateReport& w) {
  if (w.completed == 0) return "-";
  return fmt::format(
      "{} ({:.0f}%)", w.typical_path,
      100.0 * static_cast<double>(w.typical_count) / static_cast<double>(w.completed));
}

nlohmann::json workflow_report_json(const std::vector<WorkflowTemplateReport>& workflows) {
  auto opt = [](const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json out = nlohmann::json::array();
  for (const WorkflowTemplateReport& w : workflows) {
    nlohmann::json on_path = nlohmann::json::array();
    for (const auto& [step, count] : w.on_critical_path)
      on_path.push_back({{"step", step}, {"instances", count}});
    nlohmann::json slowest = nlohmann::json::array();
    for (const WorkflowInstance& i : w.slowest) {
      slowest.push_back({{"id", i.id},
                         {"agent", i.agent},
                         {"beats", i.beats},
                         {"critical_path", i.critical_path}});
    }
    out.push_back({{"name", w.name},
                   {"started", w.started},
                   {"completed", w.completed},
                   {"failed", w.failed},
                   {"p50", opt(w.p50)},
                   {"p95", opt(w.p95)},
                   {"p99", opt(w.p99)},
                   {"max", opt(w.max)},
                   {"on_critical_path", on_path},
                   {"typical_path", w.typical_path},
                   {"typical_instances", w.typical_count},
                   {"slowest", slowest}});
  }
  return out;
}

std::string workflow_report_markdown(const std::vector<WorkflowTemplateReport>& workflows) {
  std::string md =
      "## Workflows\n\n"
      "Beats from a workflow's first step starting to its last step ending, and its critical "
      "path: the chain of steps with the most beats through the dependency graph.\n\n"
      "| workflow | started | completed | failed | p50 | p95 | p99 | max | typical critical path "
      "|\n|---|--:|--:|--:|--:|--:|--:|--:|---|\n";
  auto out = std::back_inserter(md);
  auto text = [](const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string("-");
  };
  for (const WorkflowTemplateReport& w : workflows) {
    fmt::format_to(out, "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", w.name, w.started,
                   w.completed, w.failed, text(w.p50), text(w.p95), text(w.p99), text(w.max),
                   typical_path_text(w));
  }
  for (const WorkflowTemplateReport& w : workflows) {
    if (w.completed == 0) continue;
    fmt::format_to(out, "\n{}: on the critical path:", w.name);
    for (const auto& [step, count] : w.on_critical_path) {
      fmt::format_to(out, " {} {:.0f}%,", step,
                     100.0 * static_cast<double>(count) / static_cast<double>(w.completed));
    }
    md.back() = '\n';
    md += "slowest:";
    for (const WorkflowInstance& i : w.slowest)
      fmt::format_to(out, " {} ({} beats: {});", i.id, i.beats, joined(i.critical_path));
    md.back() = '\n';
  }
  return md;
}

}  // namespace backbeat::reports
