#include "sim/world/timeline_window.h"

#include <algorithm>
#include <cmath>

namespace backbeat::sim {

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
  return w;
}

}  // namespace backbeat::sim
