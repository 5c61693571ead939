#include "core/nats/event_loop.h"

#include <algorithm>
#include <utility>

namespace backbeat::live {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Converts a signed nanosecond delay into a steady deadline without overflowing.
EventLoop::SteadyTime steady_after(EventLoop::SteadyTime from, Duration delay) {
  const auto max_delay = std::chrono::duration_cast<Duration>(std::chrono::hours(24 * 365 * 100));
  delay = std::clamp(delay, Duration::zero(), max_delay);
  return from + std::chrono::duration_cast<SteadyClock::duration>(delay);
}

}  // namespace

EventLoop::~EventLoop() {
  // Destroy pending work outside the lock: a closure's captures may post or cancel in their
  // destructors (they should not, but a deadlock would be a poor way to find out).
  std::deque<Task> tasks;
  std::unordered_map<TimerId, Callback> timers;
  {
    std::lock_guard lock(mu_);
    tasks.swap(tasks_);
    timers.swap(timers_);
    heap_.clear();
  }
}

void EventLoop::post(Task task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mu_);
    stop_requested_ = true;
  }
  wake_.notify_one();
}

void EventLoop::run() {
  run_internal(std::nullopt, nullptr);
}

void EventLoop::run_for(Duration duration) {
  run_internal(steady_after(SteadyClock::now(), duration), nullptr);
}

bool EventLoop::run_until(const std::function<bool()>& predicate, Duration timeout) {
  return run_internal(steady_after(SteadyClock::now(), timeout), &predicate);
}

bool EventLoop::in_loop_thread() const {
  return loop_thread_.load(std::memory_order_acquire) == std::this_thread::get_id();
}

std::size_t EventLoop::pending_tasks() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

std::size_t EventLoop::pending_timers() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

Time EventLoop::now() const {
  const std::int64_t wall =
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::int64_t last = last_now_ns_.load(std::memory_order_relaxed);
  while (wall > last) {
    if (last_now_ns_.compare_exchange_weak(last, wall, std::memory_order_relaxed))
      return Time(Duration(wall));
  }
  return Time(Duration(last));  // the wall clock stepped back (or tied): hold still
}

Clock::TimerId EventLoop::schedule_at(Time when, Callback callback) {
  // Map `when` onto the steady clock through the anchor offset (wall - steady), re-anchored only
  // when the wall clock has moved away from it by more than kReanchor (a jump, or slow drift).
  // Between re-anchors equal instants map to equal steady deadlines, so timers keep their
  // (instant, schedule order) order exactly.
  constexpr std::int64_t kReanchor = 1'000'000;  // 1 ms
  constexpr std::int64_t kMaxDelay = 100LL * 365 * 24 * 3600 * 1'000'000'000;
  const std::int64_t wall = now().time_since_epoch().count();
  const SteadyTime steady_now = SteadyClock::now();
  const std::int64_t steady_ns =
      std::chrono::duration_cast<Duration>(steady_now.time_since_epoch()).count();
  std::int64_t delay = 0;
  if (__builtin_sub_overflow(when.time_since_epoch().count(), wall, &delay)) {
    delay = when.time_since_epoch().count() > 0 ? kMaxDelay : -kMaxDelay;
  }
  delay = std::clamp(delay, -kMaxDelay, kMaxDelay);
  TimerId id;
  {
    std::lock_guard lock(mu_);
    const std::int64_t offset = wall - steady_ns;
    if (!anchored_ || offset - anchor_offset_ns_ > kReanchor ||
        anchor_offset_ns_ - offset > kReanchor) {
      anchor_offset_ns_ = offset;
      anchored_ = true;
    }
    // due = when - anchor = steady_now + delay + (offset - anchor), with |offset - anchor| small.
    const SteadyTime due = steady_now + std::chrono::duration_cast<SteadyClock::duration>(
                                            Duration(delay + (offset - anchor_offset_ns_)));
    id = next_sequence_++;
    timers_.emplace(id, std::move(callback));
    heap_.push_back(HeapEntry{due, id});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  wake_.notify_one();
  return id;
}

void EventLoop::cancel(TimerId id) {
  Callback doomed;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  doomed = std::move(it->second);
  timers_.erase(it);
  compact_locked();
}

void EventLoop::drop_cancelled_top_locked() {
  while (!heap_.empty() && !timers_.contains(heap_.front().sequence)) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

void EventLoop::compact_locked() {
  // Cancelled timers stay in the heap lazily; keep them from dominating it so memory stays
  // bounded by live timers.
  if (heap_.size() <= 64 || heap_.size() <= 2 * timers_.size()) return;
  std::erase_if(heap_, [this](const HeapEntry& e) { return !timers_.contains(e.sequence); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

bool EventLoop::run_internal(std::optional<SteadyTime> deadline,
                             const std::function<bool()>* predicate) {
  const std::thread::id previous = loop_thread_.exchange(std::this_thread::get_id());
  auto satisfied = [predicate] { return predicate != nullptr && (*predicate)(); };
  bool done = satisfied();

  bool stopped = false;
  std::unique_lock lock(mu_);
  while (!done) {
    if (stop_requested_) {
      stopped = true;
      break;
    }
    // Sleep until there is work, the next timer is due, the deadline passes, or stop().
    drop_cancelled_top_locked();
    if (tasks_.empty()) {
      std::optional<SteadyTime> wake_at = deadline;
      if (!heap_.empty() && (!wake_at || heap_.front().due < *wake_at)) wake_at = heap_.front().due;
      if (!wake_at) {
        wake_.wait(lock);
        continue;
      }
      if (SteadyClock::now() < *wake_at) {
        wake_.wait_until(lock, *wake_at);
        continue;  // re-evaluate everything: spurious wake-ups, new work, stop()
      }
    }

    // One turn: the closures posted so far, then the timers due so far.
    std::deque<Task> batch;
    batch.swap(tasks_);
    const std::uint64_t timer_horizon = next_sequence_;
    lock.unlock();
    while (!batch.empty() && !done) {
      Task task = std::move(batch.front());
      batch.pop_front();
      task();
      done = satisfied();
    }
    lock.lock();
    if (!batch.empty()) {  // the predicate came true mid-batch: keep the rest, in order
      while (!batch.empty()) {
        tasks_.push_front(std::move(batch.back()));
        batch.pop_back();
      }
    }
    while (!done && !stop_requested_) {
      drop_cancelled_top_locked();
      if (heap_.empty()) break;
      const HeapEntry top = heap_.front();
      if (top.due > SteadyClock::now() || top.sequence >= timer_horizon) break;
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      heap_.pop_back();
      auto it = timers_.find(top.sequence);
      Callback callback = std::move(it->second);
      timers_.erase(it);
      lock.unlock();
      callback();
      callback = nullptr;  // destroy captures outside the lock
      done = satisfied();
      lock.lock();
    }
    if (deadline && SteadyClock::now() >= *deadline) break;
  }
  if (stopped) stop_requested_ = false;  // consumed
  lock.unlock();
  loop_thread_.store(previous, std::memory_order_release);
  return done || satisfied();
}

}  // namespace backbeat::live
