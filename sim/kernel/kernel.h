// Kernel: virtual time and the one event queue of a simulation.
//
// Contract:
// - Virtual time is an integer count of nanoseconds, exposed as backbeat::Time. It starts at
//   `KernelOptions::epoch` (default 2026-01-01T00:00:00Z) and only moves forward, to the time of
//   the event being run or to the limit of run_until().
// - Events run in (time, insertion sequence) order: two events at the same instant run in the order
//   they were scheduled (FIFO), never by address. The order is a total order, so a run is fully
//   determined by the sequence of calls made on the kernel.
// - Single-threaded: a Kernel and everything scheduled on it belong to one thread.
// - An event scheduled in the past (`when < now()`) runs at now(), after the events already queued
//   for now(); never from inside schedule_at().
// - Callbacks must not throw.
//
// Performance shape (DESIGN: "costs scale linearly"): callbacks live in a slab of reusable slots
// (no allocation per event for callables of <= 48 bytes); the queue is a 4-ary min-heap of
// 16-byte keys (time, seq, slot) compared as one 128-bit integer, cache-line aligned, popped
// bottom-up (Floyd) with branch-free child selection; cancel() is O(1) and lazy (the heap entry
// goes stale: its slot is no longer pending under that sequence number). Stale entries are dropped
// when they reach the top and the heap is compacted when they outnumber live ones, so memory stays
// bounded by live events.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/time.h"
#include "sim/kernel/event_callback.h"

namespace backbeat::sim {

// Identifies one scheduled event: (generation << 32) | slot. Never kNoEvent. Ids of fired or
// cancelled events are never confused with live ones (until a single slot has been reused 2^31
// times).
using EventId = std::uint64_t;
inline constexpr EventId kNoEvent = 0;

// 2026-01-01T00:00:00Z.
inline constexpr Time kDefaultEpoch =
    Time(std::chrono::sys_days(std::chrono::year{2026} / std::chrono::January / 1));

struct KernelOptions {
  // Virtual time at which the simulation starts.
  Time epoch = kDefaultEpoch;
};

class Kernel {
 public:
  using RawFn = EventCallback::RawFn;

  explicit Kernel(KernelOptions options = {});
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;
  ~Kernel();

  // Current virtual time.
  Time now() const { return Time(Duration(now_)); }
  // Virtual time at which the simulation started.
  Time epoch() const { return epoch_; }
  // now() - epoch().
  Duration elapsed() const { return now() - epoch_; }

  // Schedules `f` (any callable `void()`, including std::function) at `when` (clamped to now()).
  template <typename F>
  EventId schedule_at(Time when, F&& f) {
    const std::uint32_t index = allocate_slot();
    slot(index).callback.emplace(std::forward<F>(f));
    return push(when.time_since_epoch().count(), index);
  }
  // The cheapest form: runs `fn(context, arg)` at `when` (clamped to now()).
  EventId schedule_at(Time when, RawFn fn, void* context, std::uint64_t arg) {
    const std::uint32_t index = allocate_slot();
    slot(index).callback.emplace_raw(fn, context, arg);
    return push(when.time_since_epoch().count(), index);
  }
  // As schedule_at(now() + delay, ...). A negative delay means now().
  template <typename F>
  EventId schedule_after(Duration delay, F&& f) {
    return schedule_at(now() + delay, std::forward<F>(f));
  }
  EventId schedule_after(Duration delay, RawFn fn, void* context, std::uint64_t arg) {
    return schedule_at(now() + delay, fn, context, arg);
  }

  // Cancels a pending event and destroys its callback now. Returns whether it was pending; unknown,
  // fired, running or already cancelled ids are ignored (false).
  bool cancel(EventId id);
  // Whether `id` names an event that has not run and was not cancelled.
  bool is_pending(EventId id) const;

  // Runs the next event (advancing now() to its time). Returns false if there was none.
  bool step();
  // Runs every event whose time is <= `limit`, including those scheduled meanwhile, then sets now()
  // to `limit` (if later). If stop() is called from an event, returns after that event and leaves
  // now() at its time. Returns the number of events run.
  std::uint64_t run_until(Time limit);
  // run_until(now() + span).
  std::uint64_t run_for(Duration span) { return run_until(now() + span); }
  // Runs events until the queue is empty, stop() is called, or `max_events` have run.
  std::uint64_t run(std::uint64_t max_events = std::numeric_limits<std::uint64_t>::max());
  // Asks the run_until()/run() in progress to return after the current event.
  void stop() { stop_requested_ = true; }

  // Time of the next pending event, if any. (Not const: drops cancelled entries from the top.)
  std::optional<Time> next_event_time();
  // Events run so far.
  std::uint64_t events_processed() const { return processed_; }
  // Events scheduled and neither run nor cancelled.
  std::size_t pending() const { return live_; }

 private:
  // A heap entry is one unsigned 128-bit key, 16 bytes, so the 4 children of a node fill one
  // 64-byte cache line and compare with one branch-free integer comparison:
  //   key = (time ^ 2^63) << 64 | seq << 32 | slot
  // (the sign flip makes signed times order as unsigned). The 32-bit seq is unique among queued
  // entries: when it would wrap, renumber() reassigns 0.. in queue order.
  __extension__ typedef unsigned __int128 Key;
  static constexpr std::uint64_t kSignFlip = std::uint64_t{1} << 63;
  static Key make_key(std::int64_t time, std::uint32_t seq, std::uint32_t index) {
    return (static_cast<Key>(static_cast<std::uint64_t>(time) ^ kSignFlip) << 64) |
           (static_cast<Key>(seq) << 32) | index;
  }
  static std::int64_t key_time(Key k) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(k >> 64) ^ kSignFlip);
  }
  static std::uint32_t key_seq(Key k) { return static_cast<std::uint32_t>(k >> 32); }
  static std::uint32_t key_slot(Key k) { return static_cast<std::uint32_t>(k); }
  using Entry = Key;
  // Slot (64 bytes): the callback, a generation (odd while an event is pending, even otherwise)
  // and `link`: the pending event's 32-bit sequence, or the next free slot while free.
  struct Slot {
    EventCallback callback;
    std::uint32_t generation = 0;
    std::uint32_t link = 0;
  };
  static constexpr std::uint32_t kEndOfList = 0xffffffffU;
  static constexpr unsigned kChunkBits = 12;
  static constexpr std::uint32_t kChunkSize = 1U << kChunkBits;
  // The root lives at index 3 of a 64-byte aligned array, so each group of 4 siblings
  // (indices 4k..4k+3) is one cache line.
  static constexpr std::size_t kRoot = 3;

  static bool before(Key a, Key b) { return a < b; }
  static std::size_t first_child(std::size_t pos) { return 4 * pos - 8; }  // 4 * (pos - 3) + 4
  static std::size_t parent(std::size_t pos) { return (pos + 8) / 4; }

  Slot& slot(std::uint32_t index) { return chunks_[index >> kChunkBits][index & (kChunkSize - 1)]; }
  const Slot& slot(std::uint32_t index) const {
    return chunks_[index >> kChunkBits][index & (kChunkSize - 1)];
  }

  std::uint32_t allocate_slot() {
    if (free_head_ == kEndOfList) grow_slots();
    const std::uint32_t index = free_head_;
    Slot& s = slot(index);
    free_head_ = s.link;
    s.generation = next_generation(s.generation);  // odd: pending
    return index;
  }
  void release_slot(std::uint32_t index) {
    Slot& s = slot(index);
    s.callback.reset();
    s.link = free_head_;
    free_head_ = index;
  }
  // Odd -> even and even -> odd, skipping 0 on wrap-around.
  static std::uint32_t next_generation(std::uint32_t g) { return g == 0xffffffffU ? 1 : g + 1; }

  EventId push(std::int64_t when, std::uint32_t index) {
    if (when < now_) when = now_;
    if (next_seq_ > 0xffffffffU) renumber();
    const auto seq = static_cast<std::uint32_t>(next_seq_++);
    Slot& s = slot(index);
    s.link = seq;
    if (kRoot + size_ == capacity_) grow_heap();
    sift_up(kRoot + size_++, make_key(when, seq, index));
    ++live_;
    return (static_cast<EventId>(s.generation) << 32) | index;
  }
  void sift_up(std::size_t pos, Key e) {
    while (pos > kRoot) {
      const std::size_t up = parent(pos);
      if (!before(e, heap_[up])) break;
      heap_[pos] = heap_[up];
      pos = up;
    }
    heap_[pos] = e;
  }
  bool is_stale(Key e) const {
    const Slot& s = slot(key_slot(e));
    return (s.generation & 1U) == 0 || s.link != key_seq(e);
  }

  void grow_slots();
  void grow_heap();
  void pop_top();
  void sift_down(std::size_t pos);
  void drop_stale_top();
  void maybe_compact();
  void renumber();

  struct FreeAligned {
    void operator()(Entry* p) const;
  };

  Time epoch_;
  std::int64_t now_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t live_ = 0;
  bool stop_requested_ = false;
  // heap_[kRoot .. kRoot + size_) is a 4-ary min-heap of keys; stale entries are dropped lazily.
  std::unique_ptr<Entry[], FreeAligned> heap_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;  // entries allocated, including the kRoot unused ones
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kEndOfList;
};

}  // namespace backbeat::sim
