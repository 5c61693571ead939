// TimelineWindow: the stretch of a timeline around its first failing observation, kept in bounded
// memory while the run streams by (report.html draws it as swimlanes, reports/html.cc).
//
// The first failing observation is the first entry that counts against a verdict
// (is_failure_signal: a budget overrun, a failed or lost operation, a dropped claim, a
// degradation, a crash). The window keeps `before` beats of entries ahead of it and `after` beats
// behind it, at most `max_entries` (the oldest go first). A run without such an entry keeps no
// window. Spans still open when the window opens (a fault, a disconnect, a degradation) are kept
// too, so the window shows what was going on when it starts.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "sim/world/timeline.h"

namespace backbeat::sim {

struct TimelineWindow {
  Duration from{}, to{};               // the window, since the start of the run
  TimelineEntry first_failure;         // the first failing observation
  std::vector<TimelineEntry> entries;  // in the window, in order (first_failure among them)
  // Faults, disconnects and degradations that began before the window and were still going
  // when it opened (their opening entries, in order).
  std::vector<TimelineEntry> open_at_start;
  bool truncated = false;  // the entry cap dropped some before the failure
};

class TimelineWindowSink final : public TimelineSink {
 public:
  explicit TimelineWindowSink(double before_beats = 8, double after_beats = 4,
                              std::size_t max_entries = 20000);

  void on_start(std::uint64_t seed, double tempo_bpm) override;
  void on_entry(const TimelineEntry& entry) override;

  // The window, once the run is over; nullopt when nothing failed.
  std::optional<TimelineWindow> window() const;

 private:
  double before_beats_, after_beats_;
  std::size_t max_entries_;
  Duration before_{}, after_{};
  std::deque<TimelineEntry> entries_;
  std::vector<TimelineEntry> open_;  // spans opened and not yet closed, until the failure
  std::optional<TimelineEntry> first_failure_;
  bool truncated_ = false;
};

}  // namespace backbeat::sim
