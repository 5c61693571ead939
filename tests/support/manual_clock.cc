#include "tests/support/manual_clock.h"

namespace backbeat::testing {

Clock::TimerId ManualClock::schedule_at(Time when, Callback callback) {
  TimerId id = next_sequence_++;
  if (when < now_) when = now_;
  timers_.emplace(std::make_pair(when, id), std::move(callback));
  due_of_.emplace(id, when);
  return id;
}

void ManualClock::cancel(TimerId id) {
  auto it = due_of_.find(id);
  if (it == due_of_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  due_of_.erase(it);
}

void ManualClock::advance_to(Time until) {
  while (!timers_.empty() && timers_.begin()->first.first <= until) {
    auto node = timers_.extract(timers_.begin());
    due_of_.erase(node.key().second);
    if (node.key().first > now_) now_ = node.key().first;
    node.mapped()();
  }
  if (until > now_) now_ = until;
}

}  // namespace backbeat::testing
