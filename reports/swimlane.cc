// report.html's swimlanes: what the pulse, the NATS servers, the faults and the first agents that
// failed did around the run's first failing observation (sim/world/timeline_window.h), one lane
// each, as hand-written SVG like the other charts (reports/svg.h). Hovering a mark names it.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "reports/report.h"
#include "reports/svg.h"

namespace backbeat::reports {
namespace {

using sim::TimelineEntry;
using sim::TimelineEvent;
using sim::TimelineRole;
using svg::escape;

constexpr std::size_t kAgentLanes = 5;

// The lanes, top to bottom: pulse nodes, servers, faults, then up to kAgentLanes agents in the
// order of their first failure signal in the window.
std::vector<std::string> lanes_of(const sim::TimelineWindow& w) {
  std::vector<std::string> pulse, servers, agents;
  bool faults = false;
  std::vector<TimelineEntry> all = w.open_at_start;
  all.insert(all.end(), w.entries.begin(), w.entries.end());
  for (const TimelineEntry& e : all) {
    auto add = [&](std::vector<std::string>& lane) {
      if (std::find(lane.begin(), lane.end(), e.node) == lane.end()) lane.push_back(e.node);
    };
    if (e.role == TimelineRole::kPulse) add(pulse);
    if (e.role == TimelineRole::kServer) add(servers);
    if (e.role == TimelineRole::kWorld &&
        (e.event == TimelineEvent::kFaultBegin || e.event == TimelineEvent::kFaultEnd)) {
      faults = true;
    }
    if (e.role == TimelineRole::kAgent && sim::is_failure_signal(e.event) &&
        agents.size() < kAgentLanes) {
      add(agents);
    }
  }
  std::sort(pulse.begin(), pulse.end());
  std::sort(servers.begin(), servers.end());
  std::vector<std::string> lanes = pulse;
  lanes.insert(lanes.end(), servers.begin(), servers.end());
  if (faults) lanes.push_back("faults");
  lanes.insert(lanes.end(), agents.begin(), agents.end());
  return lanes;
}

// A mark's CSS class and height (a fraction of the lane) for an instantaneous event; null for
// events drawn as spans (faults, disconnects, degradations).
struct MarkStyle {
  const char* css;
  double height;
};
std::optional<MarkStyle> mark_style(TimelineEvent event) {
  switch (event) {
    case TimelineEvent::kFramePublished:
      return MarkStyle{"m-published", 0.5};
    case TimelineEvent::kFrameDelivered:
      return MarkStyle{"m-delivered", 0.35};
    case TimelineEvent::kClaimPublished:
    case TimelineEvent::kClaimReceived:
      return MarkStyle{"m-published", 0.25};
    case TimelineEvent::kOperationStarted:
    case TimelineEvent::kOperationCompleted:
    case TimelineEvent::kResync:
      return MarkStyle{"m-op", 0.6};
    case TimelineEvent::kFrameDropped:
      return MarkStyle{"m-refused", 0.8};
    case TimelineEvent::kClaimDropped:
    case TimelineEvent::kBudgetOverrun:
    case TimelineEvent::kOperationFailed:
    case TimelineEvent::kOperationLost:
    case TimelineEvent::kAgentCrashed:
      return MarkStyle{"m-fail", 0.9};
    default:
      return std::nullopt;
  }
}

// Span events: which event opens and which closes, and the CSS class.
struct SpanKind {
  TimelineEvent open, close;
  const char* css;
  const char* what;
};
constexpr SpanKind kSpans[] = {
    {TimelineEvent::kFaultBegin, TimelineEvent::kFaultEnd, "w-fault", "fault"},
    {TimelineEvent::kDisconnect, TimelineEvent::kReconnect, "w-disconnect", "disconnected"},
    {TimelineEvent::kDegradationEntered, TimelineEvent::kDegradationLeft, "w-degradation",
     "degraded"},
};

std::string describe(const TimelineEntry& e) {
  std::string s = fmt::format("{:.3f} s, beat {}: {} {}", to_seconds(e.at), e.beat, e.node,
                              sim::timeline_event_name(e.event));
  if (!e.subject.empty()) s += " " + e.subject;
  if (e.size != 0) s += fmt::format(" ({} bytes)", e.size);
  if (!e.detail.empty()) s += ": " + e.detail;
  return s;
}

}  // namespace

std::string swimlane_section(const Report& r) {
  if (!r.timeline_window) return {};
  const sim::TimelineWindow& w = *r.timeline_window;
  const std::vector<std::string> lanes = lanes_of(w);
  const double lane_h = 24, top = 8, label_w = 150, width = 1100, axis_h = 34;
  const double height = top + lane_h * static_cast<double>(lanes.size()) + axis_h;
  const double t0 = to_seconds(w.from), t1 = to_seconds(w.to);
  auto lane_of = [&](const TimelineEntry& e) -> int {
    // Server faults are entries on the server's node; the others on "faults".
    auto it = std::find(lanes.begin(), lanes.end(), e.node);
    return it == lanes.end() ? -1 : static_cast<int>(it - lanes.begin());
  };

  std::string s = fmt::format(
      "<h2>Around the first failure</h2>\n<p class=\"note\">First failing observation at {:.3f} s "
      "(beat {}): <strong>{}</strong> on {}{}. Lanes: the pulse, the NATS servers, the faults and "
      "the first agents that failed, from {:.3f} s to {:.3f} s{}; read every entry with "
      "<code>backbeat-sim timeline RUN_DIR --from {:.3f}s --to {:.3f}s</code>.</p>\n"
      "<div class=\"card\">",
      to_seconds(w.first_failure.at), w.first_failure.beat,
      sim::timeline_event_name(w.first_failure.event), escape(w.first_failure.node),
      w.first_failure.detail.empty() ? std::string() : " (" + escape(w.first_failure.detail) + ")",
      t0, t1, w.truncated ? " (the oldest entries were left out to bound the window)" : "", t0, t1);
  s += fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {:g} {:g}\" role=\"img\" aria-label=\"Swimlanes around "
      "the first failure\"><title>Swimlanes around the first failure</title>\n",
      width, height);
  const double plot_left = label_w, plot_right = width - 16;
  auto px = [&](double t) {
    return plot_left +
           (std::clamp(t, t0, t1) - t0) / std::max(t1 - t0, 1e-9) * (plot_right - plot_left);
  };
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const double y = top + lane_h * static_cast<double>(i);
    s += fmt::format(
        "<rect class=\"lane\" x=\"{:g}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:g}\"/>"
        "<text class=\"label\" x=\"{:g}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        plot_left, y, plot_right - plot_left, lane_h, plot_left - 6, y + lane_h / 2 + 4,
        escape(lanes[i]));
  }
  // Spans first (under the marks): open/close pairs per lane and per fault; one still open at
  // the window's end runs to the end, one closed without its opening in the window starts at the
  // window's start.
  for (const SpanKind& kind : kSpans) {
    std::map<std::pair<int, std::string>, double> open;  // (lane, fault detail) -> start
    auto draw = [&](int lane, double from, double to, const std::string& what) {
      const double y = top + lane_h * lane + 2;
      const double x0 = px(from), x1 = std::max(px(to), x0 + 1.5);
      s += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:g}\">"
          "<title>{}</title></rect>\n",
          kind.css, x0, y, x1 - x0, lane_h - 4, escape(what));
    };
    std::vector<const TimelineEntry*> entries;
    for (const TimelineEntry& e : w.open_at_start) entries.push_back(&e);
    for (const TimelineEntry& e : w.entries) entries.push_back(&e);
    for (const TimelineEntry* entry : entries) {
      const TimelineEntry& e = *entry;
      if (e.event != kind.open && e.event != kind.close) continue;
      const int lane = lane_of(e);
      if (lane < 0) continue;
      const std::pair<int, std::string> key{
          lane, kind.open == TimelineEvent::kFaultBegin ? e.detail : std::string()};
      const double t = std::max(to_seconds(e.at), t0);
      if (e.event == kind.open) {
        open.emplace(key, t);
      } else {
        auto it = open.find(key);
        const double from = it == open.end() ? t0 : it->second;
        if (it != open.end()) open.erase(it);
        draw(lane, from, t, fmt::format("{:.3f}-{:.3f} s: {}", from, t, describe(e)));
      }
    }
    for (const auto& [key, from] : open) {
      draw(key.first, from, t1,
           fmt::format("from {:.3f} s: {} {} {}", from, lanes[static_cast<std::size_t>(key.first)],
                       kind.what, key.second));
    }
  }
  for (const TimelineEntry& e : w.entries) {
    const std::optional<MarkStyle> style = mark_style(e.event);
    const int lane = lane_of(e);
    if (!style || lane < 0) continue;
    const double mark_h = (lane_h - 4) * style->height;
    const double y = top + lane_h * lane + (lane_h - mark_h) / 2;
    s += fmt::format(
        "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"2\" height=\"{:.1f}\">"
        "<title>{}</title></rect>\n",
        style->css, px(to_seconds(e.at)) - 1, y, mark_h, escape(describe(e)));
  }
  const double failure_x = px(to_seconds(w.first_failure.at));
  const double bottom = top + lane_h * static_cast<double>(lanes.size());
  s += fmt::format(
      "<line class=\"first\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:g}\" y2=\"{:.1f}\"><title>first "
      "failing observation: {}</title></line>\n",
      failure_x, failure_x, top, bottom, escape(describe(w.first_failure)));
  for (double t : svg::ticks(t0, t1, 8)) {
    s += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px(t),
        bottom + 15, svg::num(t));
  }
  s += fmt::format(
      "<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">virtual time since "
      "the start (s)</text>\n",
      (plot_left + plot_right) / 2, height - 4);
  s += "</svg><p class=\"note\">Marks: frames published (pulse) and delivered, claims, "
       "operations; orange: frames dropped; red: budget overruns, failed or lost operations, "
       "dropped claims, crashes. Shaded: faults, disconnects (red), degradations (violet). The "
       "dashed line is the first failing observation.</p></div>\n";
  return s;
}

}  // namespace backbeat::reports
