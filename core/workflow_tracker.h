// Workflows (a planned feature of the seed: "operation dependencies and correlation"): an
// operation may name a workflow id and parent operations of the same workflow. The tracker
// records, it does not schedule: when a child starts is the host's decision. Per workflow it
// knows the start beat (its first operation's), the end beat (its last operation's end) and the
// critical path through its dependency DAG.
//
// - A parent must have been started in the same workflow before its child (so an operation can
//   never be its own ancestor: a cycle is refused as "would make a cycle", an unknown parent as
//   unknown). At most kMaxParents parents, kMaxSteps operations per workflow.
// - A workflow is complete on the first beat at which all its operations have ended (a host
//   starts the children of a completion in the same beat, as the simulated workload does); it is
//   then summarised and evicted. At most kMaxOpen workflows are open at once (a new one beyond
//   that is refused, kResourceExhausted); the last kRecent summaries and running totals are kept.
// - Critical path (critical_path below): the chain through the DAG with the most beats of
//   operation time, each operation weighing its beats from start to end. Hand-written rather than
//   Boost.Graph's topological_sort: parents exist before their children, so the order of
//   registration is already a topological order and the longest path is one relaxation pass.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace backbeat {

// What an operation says about its place in a workflow.
struct WorkflowLink {
  std::string workflow_id;           // 1..128 characters of [A-Za-z0-9_:-], as operation ids
  std::vector<std::string> parents;  // operation ids started earlier in the same workflow
};

// One node of a dependency DAG for critical_path: its weight and its parents' indices, each
// smaller than the node's own index (nodes in topological order).
struct DagNode {
  std::int64_t beats = 0;
  std::vector<std::size_t> parents;
};

// The longest chain by summed beats, first node to last. Ties for a node's predecessor go to the
// lower index (the earlier-registered parent); ties for the last node go to the higher index, so
// a step after the path that took 0 beats (it ended in the beat it started) still ends it. Empty
// when `nodes` is empty. Parents not below the node's index are ignored (not a topological
// order).
std::vector<std::size_t> critical_path(const std::vector<DagNode>& nodes);

// A completed workflow.
struct WorkflowSummary {
  std::string id;
  std::int64_t start_beat = 0;
  std::int64_t end_beat = 0;
  std::size_t operations = 0;
  std::size_t failed = 0;                   // operations that ended failed
  std::vector<std::string> critical_path;   // operation ids, first to last
  std::vector<std::string> critical_types;  // their types
  std::int64_t critical_beats = 0;          // the path's summed beats

  std::int64_t beats() const { return end_beat - start_beat; }
  nlohmann::ordered_json to_json() const;
};

class WorkflowTracker {
 public:
  static constexpr std::size_t kMaxOpen = 256;
  static constexpr std::size_t kMaxSteps = 64;
  static constexpr std::size_t kMaxParents = 16;
  static constexpr std::size_t kRecent = 16;

  // OK when `operation_id` may join `link.workflow_id` with `link.parents`; else
  // kInvalidArgument naming the bad id, parent, count or cycle, or kResourceExhausted when the
  // workflow is new and kMaxOpen are open or the workflow already has kMaxSteps operations.
  Status check(const std::string& operation_id, const WorkflowLink& link) const;
  // Records a started operation (check first: returns check's error and records nothing).
  Status on_start(const std::string& operation_id, const std::string& type,
                  const WorkflowLink& link, std::int64_t beat);
  // Undoes the last on_start of `operation_id` (its host refused to start it).
  void abandon(const std::string& operation_id);
  // An operation ended; ids in no open workflow are ignored.
  void on_end(const std::string& operation_id, std::int64_t beat, bool completed);
  // Completes every workflow whose operations have all ended.
  void on_beat(std::int64_t beat);

  // The workflow an active operation belongs to, and the operation's parents; null when none.
  const WorkflowLink* link_of(const std::string& operation_id) const;

  std::size_t open() const { return open_.size(); }
  std::uint64_t completed() const { return completed_; }
  const std::deque<WorkflowSummary>& recent() const { return recent_; }

  // {"open", "completed", "recent": [summary, ...]}.
  nlohmann::ordered_json to_json() const;

 private:
  struct Step {
    std::string id;
    std::string type;
    std::vector<std::size_t> parents;
    std::int64_t start_beat = 0;
    std::int64_t end_beat = 0;
    bool ended = false;
    bool completed = false;
  };
  struct Open {
    std::vector<Step> steps;
    std::size_t running = 0;
  };

  WorkflowSummary summarise(const std::string& id, const Open& workflow) const;

  std::map<std::string, Open> open_;
  std::map<std::string, WorkflowLink> active_;  // operation id -> its link, while it runs
  std::deque<WorkflowSummary> recent_;
  std::uint64_t completed_ = 0;
};

}  // namespace backbeat
