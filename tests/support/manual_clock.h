// ManualClock: a Clock that moves only when a test says so. Test support, never production.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "core/clock.h"

namespace backbeat::testing {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Time start = Time(std::chrono::seconds(1'800'000'000))) : now_(start) {}

  Time now() const override { return now_; }
  TimerId schedule_at(Time when, Callback callback) override;
  void cancel(TimerId id) override;

  // Moves time forward to `until`, running every timer due by then in (time, schedule order).
  // Timers scheduled by callbacks run too if they fall due. `until` before now() is ignored.
  void advance_to(Time until);
  void advance_by(Duration d) { advance_to(now_ + d); }

  std::size_t pending_timers() const { return timers_.size(); }

 private:
  Time now_;
  std::uint64_t next_sequence_ = 1;
  // Key: (due time, sequence). The sequence doubles as the TimerId.
  std::map<std::pair<Time, std::uint64_t>, Callback> timers_;
  std::map<TimerId, Time> due_of_;
};

}  // namespace backbeat::testing
