#include "sim/world/timeline_filter.h"

#include <fmt/format.h>

#include <algorithm>

namespace backbeat::sim {
namespace {

std::string_view group_of(std::string_view event_name) {
  return event_name.substr(0, event_name.find('.'));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr const char* kRowFormat = "{:>10} {:>6}  {:<16} {:<19} {:<44} {:>6}  {}";

}  // namespace

bool TimelineFilter::node_matches(std::string_view node, const TimelineEntry& entry) {
  if (node == entry.node) return true;
  if (!all_digits(node) || entry.role != TimelineRole::kAgent) return false;
  const std::string suffix = fmt::format("-{}", node);
  return entry.node.size() > suffix.size() && entry.node.ends_with(suffix);
}

bool TimelineFilter::matches(const TimelineEntry& entry) const {
  if (from && entry.at < *from) return false;
  if (to && entry.at > *to) return false;
  if (!nodes.empty() && std::none_of(nodes.begin(), nodes.end(), [&](const std::string& n) {
        return node_matches(n, entry);
      })) {
    return false;
  }
  if (!kinds.empty()) {
    const std::string_view name = timeline_event_name(entry.event);
    return std::any_of(kinds.begin(), kinds.end(),
                       [&](const std::string& k) { return k == name || k == group_of(name); });
  }
  return true;
}

Status check_timeline_kind(std::string_view kind) {
  std::vector<std::string_view> groups, names;
  for (int i = 0; i < kTimelineEventCount; ++i) {
    const std::string_view name = timeline_event_name(static_cast<TimelineEvent>(i));
    if (kind == name || kind == group_of(name)) return Status::ok();
    names.push_back(name);
    if (std::find(groups.begin(), groups.end(), group_of(name)) == groups.end()) {
      groups.push_back(group_of(name));
    }
  }
  return Status::invalid_argument(
      fmt::format("not an event kind; expected a group ({}) or an event ({})",
                  fmt::join(groups, ", "), fmt::join(names, ", ")));
}

std::string timeline_header_row() {
  return fmt::format(kRowFormat, "time (s)", "beat", "node", "event", "subject", "size", "detail");
}

std::string timeline_row(const TimelineEntry& e) {
  return fmt::format(kRowFormat, fmt::format("{:.3f}", to_seconds(e.at)), e.beat, e.node,
                     timeline_event_name(e.event), e.subject,
                     e.size == 0 ? std::string() : std::to_string(e.size), e.detail);
}

}  // namespace backbeat::sim
