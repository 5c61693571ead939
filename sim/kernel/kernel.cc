#include "sim/kernel/kernel.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace backbeat::sim {
namespace {

constexpr std::align_val_t kLine{64};

}  // namespace

void Kernel::FreeAligned::operator()(Entry* p) const {
  ::operator delete[](p, kLine);
}

Kernel::Kernel(KernelOptions options)
    : epoch_(options.epoch), now_(options.epoch.time_since_epoch().count()) {
  grow_heap();
}

Kernel::~Kernel() = default;  // slots destroy their callbacks

void Kernel::grow_slots() {
  if (slot_count_ > kEndOfList - kChunkSize) {
    std::fprintf(stderr, "backbeat::sim::Kernel: more than 2^32 pending events\n");
    std::abort();
  }
  chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  const std::uint32_t base = slot_count_;
  Slot* chunk = chunks_.back().get();
  // Thread the new slots onto the free list in index order (lowest first).
  for (std::uint32_t i = 0; i < kChunkSize; ++i) {
    chunk[i].link = (i + 1 < kChunkSize) ? base + i + 1 : free_head_;
  }
  free_head_ = base;
  slot_count_ += kChunkSize;
}

void Kernel::grow_heap() {
  const std::size_t capacity = capacity_ == 0 ? 1024 : capacity_ * 2;
  std::unique_ptr<Entry[], FreeAligned> bigger(
      static_cast<Entry*>(::operator new[](capacity * sizeof(Entry), kLine)));
  if (size_ > 0) std::copy(heap_.get() + kRoot, heap_.get() + kRoot + size_, bigger.get() + kRoot);
  heap_ = std::move(bigger);
  capacity_ = capacity;
}

bool Kernel::is_pending(EventId id) const {
  const auto index = static_cast<std::uint32_t>(id);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (index >= slot_count_ || (generation & 1U) == 0) return false;
  return slot(index).generation == generation;
}

bool Kernel::cancel(EventId id) {
  if (!is_pending(id)) return false;
  const auto index = static_cast<std::uint32_t>(id);
  Slot& s = slot(index);
  s.generation = next_generation(s.generation);  // even: the heap entry is now stale
  release_slot(index);
  --live_;
  maybe_compact();
  return true;
}

void Kernel::sift_down(std::size_t pos) {
  const std::size_t end = kRoot + size_;
  const Entry e = heap_[pos];
  for (;;) {
    const std::size_t c = first_child(pos);
    if (c >= end) break;
    std::size_t best = c;
    for (std::size_t i = c + 1; i < c + 4 && i < end; ++i) {
      best = before(heap_[i], heap_[best]) ? i : best;
    }
    if (!before(heap_[best], e)) break;
    heap_[pos] = heap_[best];
    pos = best;
  }
  heap_[pos] = e;
}

// Floyd's bottom-up pop: walk the hole from the root to a leaf along the smallest children (no
// comparison with the moving element), then sift the last element up from there; it usually
// belongs near the bottom.
void Kernel::pop_top() {
  const std::size_t end = kRoot + --size_;
  if (size_ == 0) return;
  const Entry last = heap_[end];
  Entry* const h = heap_.get();
  std::size_t hole = kRoot;
  for (;;) {
    const std::size_t c = first_child(hole);
    if (c + 3 < end) {
      // Branch-free: the outcome of these comparisons is random, so branches would mispredict.
      const std::size_t m01 = c + static_cast<std::size_t>(h[c + 1] < h[c]);
      const std::size_t m23 = c + 2 + static_cast<std::size_t>(h[c + 3] < h[c + 2]);
      const std::size_t pick = 0 - static_cast<std::size_t>(h[m23] < h[m01]);
      const std::size_t m = m01 ^ ((m01 ^ m23) & pick);
      h[hole] = h[m];
      hole = m;
    } else {
      if (c >= end) break;
      std::size_t m = c;
      for (std::size_t i = c + 1; i < end; ++i) m = before(h[i], h[m]) ? i : m;
      h[hole] = h[m];
      hole = m;
      break;
    }
  }
  sift_up(hole, last);
}

void Kernel::drop_stale_top() {
  while (size_ > 0 && is_stale(heap_[kRoot])) pop_top();
}

std::optional<Time> Kernel::next_event_time() {
  drop_stale_top();
  if (size_ == 0) return std::nullopt;
  return Time(Duration(key_time(heap_[kRoot])));
}

void Kernel::maybe_compact() {
  const std::size_t stale = size_ - live_;
  if (stale < 1024 || stale <= live_) return;
  std::size_t out = kRoot;
  for (std::size_t i = kRoot; i < kRoot + size_; ++i) {
    if (!is_stale(heap_[i])) heap_[out++] = heap_[i];
  }
  size_ = out - kRoot;
  // (time, seq) is a total order, so rebuilding cannot change the order in which events run.
  for (std::size_t i = kRoot + size_; i-- > kRoot;) sift_down(i);
}

// Called when the 32-bit sequence space is exhausted (every 2^32 schedules): drops stale entries,
// sorts the rest by (time, seq) - a sorted array is a valid heap - and renumbers them 0..n-1 in
// that order, preserving the relative order of every pending event.
void Kernel::renumber() {
  std::size_t out = kRoot;
  for (std::size_t i = kRoot; i < kRoot + size_; ++i) {
    if (!is_stale(heap_[i])) heap_[out++] = heap_[i];
  }
  size_ = out - kRoot;
  std::sort(heap_.get() + kRoot, heap_.get() + out, before);
  for (std::size_t i = 0; i < size_; ++i) {
    Entry& e = heap_[kRoot + i];
    const std::uint32_t index = key_slot(e);
    slot(index).link = static_cast<std::uint32_t>(i);
    e = make_key(key_time(e), static_cast<std::uint32_t>(i), index);
  }
  next_seq_ = size_;
}

bool Kernel::step() {
  drop_stale_top();
  if (size_ == 0) return false;
  const Key top = heap_[kRoot];
  pop_top();
  // The next event's slot is needed by the next step (its staleness check and callback): fetch it
  // while this callback runs. The top may be stale until then; drop_stale_top() runs first.
  if (size_ > 0) __builtin_prefetch(&slot(key_slot(heap_[kRoot])));
  const std::uint32_t index = key_slot(top);
  Slot& s = slot(index);
  now_ = key_time(top);
  // From here on the id is no longer pending: cancel(id) from the callback is ignored. The slot is
  // not reused until the callback returns; chunks never move, so running it in place is safe.
  s.generation = next_generation(s.generation);
  --live_;
  ++processed_;
  s.callback();
  release_slot(index);
  return true;
}

std::uint64_t Kernel::run_until(Time limit) {
  const std::int64_t limit_ns = limit.time_since_epoch().count();
  stop_requested_ = false;
  std::uint64_t n = 0;
  for (;;) {
    drop_stale_top();
    if (size_ == 0 || key_time(heap_[kRoot]) > limit_ns) break;
    step();
    ++n;
    if (stop_requested_) {
      stop_requested_ = false;
      return n;
    }
  }
  if (limit_ns > now_) now_ = limit_ns;
  return n;
}

std::uint64_t Kernel::run(std::uint64_t max_events) {
  stop_requested_ = false;
  std::uint64_t n = 0;
  while (n < max_events && step()) {
    ++n;
    if (stop_requested_) break;
  }
  stop_requested_ = false;
  return n;
}

}  // namespace backbeat::sim
