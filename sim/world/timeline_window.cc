#include "sim/world/timeline_window.h"

#include <algorithm>
#include <cmath>

namespace backbeat::sim {
namespace {

// The event that closes a span `event` opens, if it opens one.
std::optional<TimelineEvent> closer_of(TimelineEvent event) {
  switch (event) {
    case TimelineEvent::kFaultBegin:
      return TimelineEvent::kFaultEnd;
    case TimelineEvent::kDisconnect:
      return TimelineEvent::kReconnect;
    case TimelineEvent::kDegradationEntered:
      return TimelineEvent::kDegradationLeft;
    default:
      return std::nullopt;
  }
}

// Whether `close` ends the span `open` began: same node, and for faults the same fault.
bool closes(const TimelineEntry& open, const TimelineEntry& close) {
  return closer_of(open.event) == close.event && open.node == close.node &&
         (open.event != TimelineEvent::kFaultBegin || open.detail == close.detail);
}

}  // namespace

TimelineWindowSink::TimelineWindowSink(double before_beats, double after_beats,
                                       std::size_t max_entries)
    : before_beats_(before_beats), after_beats_(after_beats), max_entries_(max_entries) {}

void TimelineWindowSink::on_start(std::uint64_t, double tempo_bpm) {
  const double beat_ns = 60e9 / tempo_bpm;
  before_ = Duration(static_cast<std::int64_t>(std::llround(before_beats_ * beat_ns)));
  after_ = Duration(static_cast<std::int64_t>(std::llround(after_beats_ * beat_ns)));
}

void TimelineWindowSink::on_entry(const TimelineEntry& entry) {
  if (first_failure_) {
    // Behind the failure: keep until the window closes or the cap is reached.
    if (entry.at <= first_failure_->at + after_ && entries_.size() < max_entries_) {
      entries_.push_back(entry);
    }
    return;
  }
  if (closer_of(entry.event)) {
    open_.push_back(entry);
  } else {
    std::erase_if(open_, [&](const TimelineEntry& o) { return closes(o, entry); });
  }
  entries_.push_back(entry);
  while (!entries_.empty() && entries_.front().at < entry.at - before_) entries_.pop_front();
  if (is_failure_signal(entry.event)) {
    first_failure_ = entry;
    return;
  }
  // Ahead of the failure: leave room for what comes after it.
  while (entries_.size() > max_entries_ / 2) {
    entries_.pop_front();
    truncated_ = true;
  }
}

std::optional<TimelineWindow> TimelineWindowSink::window() const {
  if (!first_failure_) return std::nullopt;
  TimelineWindow w;
  w.first_failure = *first_failure_;
  w.from = std::max(Duration{}, first_failure_->at - before_);
  w.to = first_failure_->at + after_;
  w.entries.assign(entries_.begin(), entries_.end());
  w.truncated = truncated_;
  for (const TimelineEntry& o : open_) {
    if (o.at < w.from || (!w.entries.empty() && o.at < w.entries.front().at)) {
      w.open_at_start.push_back(o);
    }
  }
  return w;
}

}  // namespace backbeat::sim
