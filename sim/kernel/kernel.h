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
// Performance shape (DESIGN: "costs scale linearly"): callbacks live in a slab of reusable
// 64-byte slots (no allocation per event for callables of <= 48 bytes); the queue is a radix heap
// with 8-bit digits over 16-byte entries (time, seq, slot) kept in FIFO blocks (see below): push is
// O(1), and each entry is moved down at most 7 times before it runs (about twice for sub-
// millisecond delays), with sequential memory access. cancel() is O(1) and lazy (the entry goes
// stale: its slot is no longer pending under that sequence number). Stale entries are dropped when
// they reach the front and the queue is compacted when they outnumber live ones, so queued entries
// stay bounded by live events (blocks: entries / 15 plus at most one partly filled block per
// non-empty bucket; freed blocks are kept for reuse, as the slab keeps its peak).
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
    std::uint32_t index;
    Slot& s = allocate_slot(index);
    s.callback.emplace(std::forward<F>(f));
    return push(when.time_since_epoch().count(), s, index);
  }
  // The cheapest form: runs `fn(context, arg)` at `when` (clamped to now()).
  EventId schedule_at(Time when, RawFn fn, void* context, std::uint64_t arg) {
    std::uint32_t index;
    Slot& s = allocate_slot(index);
    s.callback.emplace_raw(fn, context, arg);
    return push(when.time_since_epoch().count(), s, index);
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
  friend struct KernelTestAccess;  // tests/sim/kernel_test.cc: drives the sequence to its wrap
  friend struct InvariantTestAccess;  // tests/world/invariant_test.cc: breaks invariants on purpose

  // A queue entry, 16 bytes: the event time as an unsigned integer (sign bit flipped, so that
  // signed times order as unsigned), the 32-bit insertion sequence (unique among queued entries:
  // when it would wrap, renumber() reassigns 0.. in queue order) and the slot.
  struct Entry {
    std::uint64_t time;
    std::uint32_t seq;
    std::uint32_t slot;
  };
  static constexpr std::uint64_t kSignFlip = std::uint64_t{1} << 63;
  static std::uint64_t encode_time(std::int64_t t) {
    return static_cast<std::uint64_t>(t) ^ kSignFlip;
  }
  static std::int64_t decode_time(std::uint64_t t) {
    return static_cast<std::int64_t>(t ^ kSignFlip);
  }

  // The queue is a radix heap with 8-bit digits (a hierarchy of 8 timing wheels of 256 buckets).
  // Every queued time is >= base_. An entry whose time first differs from base_ in byte j (counting
  // from the least significant; j = 0 if equal) is in level j, bucket = byte j of its time. So a
  // level-0 bucket holds one exact time, and the buckets of a level are in time order. Each bucket
  // is a FIFO list of blocks in seq order: entries only enter a bucket by push (a larger seq than
  // any queued one) or by cascade() into an empty one, keeping their relative order. So equal
  // times come out FIFO. The next event is the front of the lowest non-empty bucket of the lowest
  // non-empty level if that is level 0 or the bucket holds a single entry; otherwise cascade()
  // moves base_ to the start of that bucket's range and redistributes the bucket into the (empty)
  // levels below. An entry moves down at most once per level it starts above 0.
  //
  // base_ can run ahead of now() when the queue is only inspected (next_event_time(), run_until()
  // stopping at its limit). Events then scheduled before base_ are earlier than everything in the
  // levels and go to `early_`, a plain binary min-heap on (time, seq) that is popped first.
  static constexpr unsigned kLevels = 8;
  static constexpr unsigned kBuckets = 256;
  static constexpr unsigned kWordsPerLevel = kBuckets / 64;
  static_assert(kLevels * kWordsPerLevel == 32);
  static constexpr std::uint32_t kBlockEntries = 15;
  struct alignas(64) Block {
    Block* next;
    std::uint32_t begin;  // first entry not yet popped (only level-0 buckets pop from the front)
    std::uint32_t end;
    Entry entries[kBlockEntries];
  };
  struct Bucket {
    Block* head = nullptr;
    Block* tail = nullptr;
  };
  // Slot (64 bytes, one cache line): the callback, a generation (odd while an event is pending,
  // even otherwise) and `link`: the pending event's 32-bit sequence, or the next free slot while
  // free. (no_unique_address lets the two words use the callback's tail padding.)
  struct alignas(64) Slot {
    [[no_unique_address]] EventCallback callback;
    std::uint32_t generation = 0;
    std::uint32_t link = 0;
  };
  static constexpr std::uint32_t kEndOfList = 0xffffffffU;
  static constexpr unsigned kChunkBits = 12;
  static constexpr std::uint32_t kChunkSize = 1U << kChunkBits;
  static constexpr unsigned kBlocksPerChunk = 64;

  Slot& slot(std::uint32_t index) { return chunks_[index >> kChunkBits][index & (kChunkSize - 1)]; }
  const Slot& slot(std::uint32_t index) const {
    return chunks_[index >> kChunkBits][index & (kChunkSize - 1)];
  }

  Slot& allocate_slot(std::uint32_t& index) {
    if (free_head_ == kEndOfList) [[unlikely]] {
      grow_slots();
    }
    index = free_head_;
    Slot& s = slot(index);
    free_head_ = s.link;
    s.generation = next_generation(s.generation);  // odd: pending
    return s;
  }
  void release_slot(std::uint32_t index) {
    Slot& s = slot(index);
    s.callback.reset();
    s.link = free_head_;
    free_head_ = index;
  }
  // Odd -> even and even -> odd, skipping 0 on wrap-around.
  static std::uint32_t next_generation(std::uint32_t g) { return g == 0xffffffffU ? 1 : g + 1; }

  EventId push(std::int64_t when, Slot& s, std::uint32_t index) {
    if (when < now_) when = now_;
    if (next_seq_ > 0xffffffffU) [[unlikely]] {
      renumber();
    }
    const auto seq = static_cast<std::uint32_t>(next_seq_++);
    s.link = seq;
    enqueue(Entry{encode_time(when), seq, index});
    ++size_;
    ++live_;
    return (static_cast<EventId>(s.generation) << 32) | index;
  }
  static unsigned level_of(std::uint64_t time, std::uint64_t base) {
    return static_cast<unsigned>(63 - __builtin_clzll((time ^ base) | 1)) >> 3;
  }
  // Appends `e` (time >= now_) to its bucket, or to early_ if it is before base_.
  void enqueue(const Entry& e) {
    if (e.time < base_) [[unlikely]] {
      push_early(e);
      return;
    }
    const unsigned level = level_of(e.time, base_);
    const auto b = static_cast<unsigned>(e.time >> (8 * level)) & (kBuckets - 1);
    Bucket& bucket = buckets_[level * kBuckets + b];
    Block* tail = bucket.tail;
    if (tail == nullptr || tail->end == kBlockEntries) [[unlikely]] {
      tail = append_block(bucket);
    }
    tail->entries[tail->end++] = e;
    const unsigned word = level * kWordsPerLevel + (b >> 6);
    occupied_[word] |= std::uint64_t{1} << (b & 63);
    summary_ |= 1U << word;
  }
  bool is_stale(const Entry& e) const {
    const Slot& s = slot(e.slot);
    return (s.generation & 1U) == 0 || s.link != e.seq;
  }

  void grow_slots();
  void grow_blocks();
  Block* new_block() {
    if (free_blocks_ == nullptr) [[unlikely]]
      grow_blocks();
    Block* b = free_blocks_;
    free_blocks_ = b->next;
    b->next = nullptr;
    b->begin = 0;
    b->end = 0;
    return b;
  }
  Block* append_block(Bucket& bucket) {
    Block* b = new_block();
    (bucket.tail == nullptr ? bucket.head : bucket.tail->next) = b;
    bucket.tail = b;
    return b;
  }
  void free_block(Block* b) {
    b->next = free_blocks_;
    free_blocks_ = b;
  }
  void push_early(const Entry& e);
  void pop_early();
  // Marks bucket `b` of `level` empty.
  void clear_occupied(unsigned level, unsigned b) {
    const unsigned word = level * kWordsPerLevel + (b >> 6);
    occupied_[word] &= ~(std::uint64_t{1} << (b & 63));
    if (occupied_[word] == 0) summary_ &= ~(1U << word);
  }
  // Index of the lowest set bit of x != 0.
  static unsigned lowest_bit(std::uint64_t x) { return static_cast<unsigned>(__builtin_ctzll(x)); }
  void cascade(unsigned level, unsigned b);
  struct Front {
    Entry* entry;
    Bucket* bucket;  // nullptr: early_
    unsigned word;   // the bucket's occupied_ word (it is the lowest bucket of that word)
  };
  bool find_front(Front& f);
  void remove_front(const Front& f);
  // Drops stale entries until the next event (by time, then sequence) is first; returns it, or
  // nullptr if none is pending.
  const Entry* next_entry();
  // Removes the next event into `out` if its (encoded) time is <= limit.
  bool pop_next(std::uint64_t limit, Entry& out);
  void run_entry(const Entry& e);
  void compact_bucket(unsigned level, unsigned b);
  void maybe_compact();
  void renumber();

  Time epoch_;
  std::int64_t now_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::size_t live_ = 0;
  std::size_t size_ = 0;  // queued entries, stale ones included
  bool stop_requested_ = false;
  std::uint64_t base_;
  // Bit b % 64 of occupied_[level * 4 + b / 64]: bucket b of `level` is not empty. Bit w of
  // summary_: occupied_[w] != 0. So the lowest non-empty bucket of level 0, or of the lowest
  // non-empty level above it, is found with two count-trailing-zeros.
  std::uint64_t occupied_[kLevels * kWordsPerLevel] = {};
  std::uint32_t summary_ = 0;
  std::unique_ptr<Bucket[]> buckets_;  // kLevels * kBuckets
  std::vector<Entry> early_;
  Block* free_blocks_ = nullptr;
  std::vector<std::unique_ptr<Block[]>> block_chunks_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kEndOfList;
};

}  // namespace backbeat::sim
