// EventLoop: the single thread that owns a live core, and its Clock.
//
// Live mode runs the production core against nats.c, which calls back on threads of its own. The
// core is single-threaded and not thread-safe, so everything that touches it is marshalled onto
// one EventLoop: nats.c callbacks post() closures, timers fire here, and the core's API is called
// from here (or before the loop starts / after it stops).
//
// Threading: post(), stop(), schedule_at(), cancel() and now() may be called from any thread.
// run(), run_for() and run_until() execute closures and timers on the calling thread, which is
// "the loop thread" while they run; call them from one thread at a time.
//
// Time: now() reads std::chrono::system_clock (the agent's wall-ish clock, which is what BACKBEAT
// beat frames are stamped against) and is clamped so that it never goes backwards, as the Clock
// contract requires: after a backwards wall-clock step, now() stays put until the wall clock
// catches up. Timers, however, are kept on std::chrono::steady_clock: schedule_at(when) converts
// `when` into a delay (when - now()) at the moment of scheduling and waits that long on the steady
// clock, so a wall-clock jump (NTP step, manual set) neither fires timers early nor stalls them.
// The price is that a timer fires after its steady delay, not when the wall clock reads `when`.
// The conversion goes through an anchor offset (wall - steady) that is refreshed only when the
// wall clock has moved more than 1 ms away from it, so timers set for the same instant in quick
// succession get the same steady deadline and fire in schedule order.
//
// Ordering: posted closures run in FIFO order. Timers run in (due instant, schedule order); a timer
// whose instant is already past runs at the next opportunity, never from inside schedule_at().
// Each turn of the loop runs the closures posted so far, then the timers due so far; work that
// those create runs on a later turn, so a closure that re-posts itself cannot starve timers.
//
// No busy-waiting: an idle loop sleeps on a condition variable until the next timer is due or
// something is posted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/time.h"

namespace backbeat::live {

class EventLoop final : public Clock {
 public:
  using Task = std::function<void()>;
  using SteadyTime = std::chrono::steady_clock::time_point;

  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  // Pending closures and timers are destroyed without running.
  ~EventLoop() override;

  // Thread-safe. Queues `task` to run on the loop thread. Never runs it inline.
  void post(Task task);

  // Thread-safe. Makes the running run*() call return after the closure or timer in progress; if
  // no run*() is in progress, the next one returns at once. Consumed by the call that returns.
  void stop();

  // Runs closures and timers until stop().
  void run();
  // Runs closures and timers for `duration` of steady time (or until stop()).
  void run_for(Duration duration);
  // Runs until `predicate()` holds (checked before the first turn and after every closure and
  // timer), `timeout` elapses, or stop(). Returns the last value of `predicate()`.
  bool run_until(const std::function<bool()>& predicate, Duration timeout);

  // True on the thread currently inside run*().
  bool in_loop_thread() const;

  // Number of closures posted and not yet run, and of live (not cancelled, not fired) timers.
  std::size_t pending_tasks() const;
  std::size_t pending_timers() const;

  // Clock.
  Time now() const override;
  TimerId schedule_at(Time when, Callback callback) override;
  void cancel(TimerId id) override;

  // Convenience: schedule_at(now() + delay, ...).
  TimerId schedule_after(Duration delay, Callback callback) {
    return schedule_at(now() + delay, std::move(callback));
  }

 private:
  struct HeapEntry {
    SteadyTime due;
    std::uint64_t sequence;  // doubles as the TimerId
  };
  struct Later {  // std::priority_queue order: the earliest (due, sequence) on top
    bool operator()(const HeapEntry& a, const HeapEntry& b) const {
      return a.due != b.due ? a.due > b.due : a.sequence > b.sequence;
    }
  };

  // The common body of run*(): returns when stop() was called, `deadline` passed, or `predicate`
  // holds.
  bool run_internal(std::optional<SteadyTime> deadline, const std::function<bool()>* predicate);
  // Pops the cancelled entries off the top of the heap. Requires mu_.
  void drop_cancelled_top_locked();
  // Rebuilds the heap without cancelled entries when they dominate it. Requires mu_.
  void compact_locked();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  std::vector<HeapEntry> heap_;                   // a binary heap ordered by Later
  std::unordered_map<TimerId, Callback> timers_;  // live timers only
  std::uint64_t next_sequence_ = 1;
  bool stop_requested_ = false;
  bool anchored_ = false;
  std::int64_t anchor_offset_ns_ = 0;  // wall - steady, in ns, when last anchored
  std::atomic<std::thread::id> loop_thread_{};

  mutable std::atomic<std::int64_t> last_now_ns_{INT64_MIN};  // for the monotone clamp
};

}  // namespace backbeat::live
