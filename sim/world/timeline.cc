#include "sim/world/timeline.h"

#include <fmt/format.h>

#include <array>

#include "sim/world/pulse.h"

namespace backbeat::sim {
namespace {

constexpr std::array<const char*, kTimelineEventCount> kEventNames = {
    "frame.published",  "frame.delivered", "frame.dropped",  "claim.published",
    "claim.received",   "claim.dropped",   "fault.begin",    "fault.end",
    "link.disconnect",  "link.reconnect",  "link.closed",    "degradation.entered",
    "degradation.left", "resync",          "budget.overrun", "op.started",
    "op.completed",     "op.failed",       "op.lost",        "agent.crashed",
};

constexpr std::array<const char*, 5> kRoleNames = {"agent", "pulse", "server", "reverb", "world"};

// The enum value whose name (its index in `names`) is `name`.
template <typename Enum, std::size_t N>
std::optional<Enum> from_name(const std::array<const char*, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* timeline_event_name(TimelineEvent event) {
  return kEventNames[static_cast<std::size_t>(event)];
}

std::optional<TimelineEvent> timeline_event_from_name(std::string_view name) {
  return from_name<TimelineEvent>(kEventNames, name);
}

bool is_failure_signal(TimelineEvent event) {
  switch (event) {
    case TimelineEvent::kClaimDropped:
    case TimelineEvent::kDegradationEntered:
    case TimelineEvent::kBudgetOverrun:
    case TimelineEvent::kOperationFailed:
    case TimelineEvent::kOperationLost:
    case TimelineEvent::kAgentCrashed:
      return true;
    default:
      return false;
  }
}

const char* timeline_role_name(TimelineRole role) {
  return kRoleNames[static_cast<std::size_t>(role)];
}

std::optional<TimelineRole> timeline_role_from_name(std::string_view name) {
  return from_name<TimelineRole>(kRoleNames, name);
}

Timeline::Timeline(Kernel& kernel, TimelineSink& sink) : kernel_(kernel), sink_(sink) {}

void Timeline::name_node(NodeId node, std::string name, TimelineRole role) {
  if (nodes_.size() <= node) nodes_.resize(static_cast<std::size_t>(node) + 1);
  nodes_[node] = Node{std::move(name), role};
}

void Timeline::start(std::uint64_t seed, double tempo_bpm) {
  start_ = kernel_.now();
  sink_.on_start(seed, tempo_bpm);
}

void Timeline::on_node(NodeId node, TimelineEvent event, std::string_view subject,
                       std::uint64_t size, std::string_view detail) {
  if (node < nodes_.size()) {
    const Node& n = nodes_[node];
    emit(n.role, n.name, event, subject, size, detail);
  } else {
    emit(TimelineRole::kWorld, fmt::format("node-{}", node), event, subject, size, detail);
  }
}

void Timeline::on_server(int server, TimelineEvent event, std::string_view subject,
                         std::string_view detail) {
  emit(TimelineRole::kServer, fmt::format("nats-{}", server), event, subject, 0, detail);
}

void Timeline::on_world(TimelineEvent event, std::string_view subject, std::string_view detail) {
  emit(TimelineRole::kWorld, "faults", event, subject, 0, detail);
}

void Timeline::emit(TimelineRole role, std::string_view node, TimelineEvent event,
                    std::string_view subject, std::uint64_t size, std::string_view detail) {
  entry_.at = kernel_.now() - start_;
  entry_.beat = pulse_ != nullptr ? pulse_->current_beat() : -1;
  entry_.role = role;
  entry_.node.assign(node);
  entry_.event = event;
  entry_.subject.assign(subject);
  entry_.size = size;
  entry_.detail.assign(detail);
  sink_.on_entry(entry_);
}

}  // namespace backbeat::sim
