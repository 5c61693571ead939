#include "sim/kernel/kernel.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/invariant.h"

namespace backbeat::sim {
namespace {

// std heap order for early_: a min-heap on (time, seq).
struct Later {
  template <typename E>
  bool operator()(const E& a, const E& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

}  // namespace

Kernel::Kernel(KernelOptions options)
    : epoch_(options.epoch),
      now_(options.epoch.time_since_epoch().count()),
      base_(encode_time(now_)),
      buckets_(std::make_unique<Bucket[]>(kLevels * kBuckets)) {}

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

void Kernel::grow_blocks() {
  block_chunks_.push_back(std::make_unique<Block[]>(kBlocksPerChunk));
  Block* chunk = block_chunks_.back().get();
  for (unsigned i = kBlocksPerChunk; i-- > 0;) free_block(&chunk[i]);
}

void Kernel::push_early(const Entry& e) {
  early_.push_back(e);
  std::push_heap(early_.begin(), early_.end(), Later{});
}

void Kernel::pop_early() {
  std::pop_heap(early_.begin(), early_.end(), Later{});
  early_.pop_back();
  --size_;
}

// Level 0 is empty and the lowest non-empty bucket (of the lowest non-empty level j) holds more
// than one entry: move base_ to the start of that bucket's range and redistribute the bucket into
// levels < j (all empty). Its entries keep their relative order, so the buckets they land in stay
// in (time, seq) order. The other buckets keep their places: base_ keeps its bytes above j, and its
// byte j becomes the bucket's, below theirs.
void Kernel::cascade(unsigned level, unsigned b) {
  Bucket& bucket = buckets_[level * kBuckets + b];
  Block* block = bucket.head;
  bucket.head = bucket.tail = nullptr;
  clear_occupied(level, b);

  const unsigned shift = 8 * level;
  const std::uint64_t above = level + 1 == kLevels ? 0 : ~std::uint64_t{0} << (shift + 8);
  const std::uint64_t base = (base_ & above) | (static_cast<std::uint64_t>(b) << shift);
  base_ = base;

  // The loop keeps its state in locals: stores to entries could alias members. Entries landing in
  // level 0 run soon: fetch their slots meanwhile (a bounded number of them).
  Bucket* const buckets = buckets_.get();
  std::uint64_t* const occupied = occupied_;
  std::uint32_t summary = summary_;
  unsigned prefetch = level == 1 ? 64 : 0;
  while (block != nullptr) {
    for (std::uint32_t i = block->begin, end = block->end; i < end; ++i) {
      const Entry e = block->entries[i];
      if (prefetch > 0) {
        --prefetch;
        __builtin_prefetch(&slot(e.slot));
      }
      const unsigned to = level_of(e.time, base);
      const auto to_b = static_cast<unsigned>(e.time >> (8 * to)) & (kBuckets - 1);
      Bucket& target = buckets[to * kBuckets + to_b];
      Block* tail = target.tail;
      if (tail == nullptr || tail->end == kBlockEntries) tail = append_block(target);
      tail->entries[tail->end++] = e;
      const unsigned word = to * kWordsPerLevel + (to_b >> 6);
      occupied[word] |= std::uint64_t{1} << (to_b & 63);
      summary |= 1U << word;
    }
    Block* next = block->next;
    free_block(block);
    block = next;
  }
  summary_ = summary;
}

// The first entry in queue order, stale or not: early_'s top if any, else the first entry of the
// lowest non-empty bucket of the lowest non-empty level, if that is a level-0 bucket (one time, in
// FIFO order) or a bucket holding a single entry (whatever its level, that entry is then first and
// does not need to move down). Otherwise that bucket is cascaded first.
inline bool Kernel::find_front(Front& f) {
  if (!early_.empty()) [[unlikely]] {
    f.entry = &early_.front();
    f.bucket = nullptr;
    return true;
  }
  for (;;) {
    const std::uint32_t summary = summary_;
    if (summary == 0) return false;
    const unsigned word = lowest_bit(summary);
    const unsigned level = word / kWordsPerLevel;
    const unsigned b = (word % kWordsPerLevel) * 64 + lowest_bit(occupied_[word]);
    Bucket* const bucket = &buckets_[level * kBuckets + b];
    Block* const head = bucket->head;
    if (level > 0 && (head != bucket->tail || head->end - head->begin > 1)) {
      cascade(level, b);
      continue;
    }
    f.entry = &head->entries[head->begin];
    f.bucket = bucket;
    f.word = word;
    return true;
  }
}

inline void Kernel::remove_front(const Front& f) {
  if (f.bucket == nullptr) [[unlikely]] {
    pop_early();
    return;
  }
  --size_;
  Bucket& bucket = *f.bucket;
  Block* head = bucket.head;
  if (++head->begin < head->end) return;
  if (head == bucket.tail) {
    bucket.head = bucket.tail = nullptr;
    // The bucket was the lowest of its word: clear the word's lowest bit.
    const std::uint64_t bits = occupied_[f.word] & (occupied_[f.word] - 1);
    occupied_[f.word] = bits;
    if (bits == 0) summary_ &= ~(1U << f.word);
  } else {
    bucket.head = head->next;
  }
  free_block(head);
}

const Kernel::Entry* Kernel::next_entry() {
  Front f;
  while (find_front(f)) {
    if (!is_stale(*f.entry)) return f.entry;
    remove_front(f);
  }
  return nullptr;
}

inline bool Kernel::pop_next(std::uint64_t limit, Entry& out) {
  Front f;
  while (find_front(f)) {
    const Entry e = *f.entry;
    const bool stale = is_stale(e);
    if (!stale && e.time > limit) return false;
    remove_front(f);
    if (!stale) {
      out = e;
      return true;
    }
  }
  return false;
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
  s.generation = next_generation(s.generation);  // even: the queue entry is now stale
  release_slot(index);
  BACKBEAT_ASSERT(live_ > 0, "a pending event counts in live_");
  --live_;
  maybe_compact();
  return true;
}

std::optional<Time> Kernel::next_event_time() {
  const Entry* e = next_entry();
  if (e == nullptr) return std::nullopt;
  return Time(Duration(decode_time(e->time)));
}

// Drops the stale entries of one bucket, keeping the order of the others.
void Kernel::compact_bucket(unsigned level, unsigned b) {
  Bucket& bucket = buckets_[level * kBuckets + b];
  Block* out = bucket.head;
  std::uint32_t n = 0;
  for (Block* in = bucket.head; in != nullptr; in = in->next) {
    for (std::uint32_t i = in->begin; i < in->end; ++i) {
      if (is_stale(in->entries[i])) {
        --size_;
        continue;
      }
      if (n == kBlockEntries) {
        out->end = n;
        out = out->next;
        n = 0;
      }
      out->entries[n++] = in->entries[i];
    }
  }
  // `out` never passes `in`: it writes the same positions or earlier ones.
  Block* rest;
  if (n == 0 && out == bucket.head) {
    rest = bucket.head;
    bucket.head = bucket.tail = nullptr;
    clear_occupied(level, b);
  } else {
    bucket.head->begin = 0;
    out->end = n;
    rest = out->next;
    out->next = nullptr;
    bucket.tail = out;
  }
  while (rest != nullptr) {
    Block* next = rest->next;
    free_block(rest);
    rest = next;
  }
}

void Kernel::maybe_compact() {
  const std::size_t stale = size_ - live_;
  if (stale < 1024 || stale <= live_) return;
  for (unsigned word = 0; word < kLevels * kWordsPerLevel; ++word) {
    for (std::uint64_t bits = occupied_[word]; bits != 0; bits &= bits - 1) {
      compact_bucket(word / kWordsPerLevel, (word % kWordsPerLevel) * 64 + lowest_bit(bits));
    }
  }
  const auto kept =
      std::remove_if(early_.begin(), early_.end(), [this](const Entry& e) { return is_stale(e); });
  size_ -= static_cast<std::size_t>(early_.end() - kept);
  early_.erase(kept, early_.end());
  // (time, seq) is a total order, so rebuilding cannot change the order in which events run.
  std::make_heap(early_.begin(), early_.end(), Later{});
}

// Called when the 32-bit sequence space is exhausted (every 2^32 schedules): takes every live
// entry out, sorts them by (time, seq) and renumbers them 0..n-1 in that order, then queues them
// again in that order relative to base_ = now_ (no queued time is earlier), preserving the relative
// order of every pending event.
void Kernel::renumber() {
  std::vector<Entry> all;
  all.reserve(size_);
  for (const Entry& e : early_) {
    if (!is_stale(e)) all.push_back(e);
  }
  early_.clear();
  for (unsigned i = 0; i < kLevels * kBuckets; ++i) {
    Bucket& bucket = buckets_[i];
    for (Block* block = bucket.head; block != nullptr;) {
      for (std::uint32_t j = block->begin; j < block->end; ++j) {
        if (!is_stale(block->entries[j])) all.push_back(block->entries[j]);
      }
      Block* next = block->next;
      free_block(block);
      block = next;
    }
    bucket.head = bucket.tail = nullptr;
  }
  for (std::uint64_t& w : occupied_) w = 0;
  summary_ = 0;
  std::sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return Later{}(b, a); });
  base_ = encode_time(now_);
  for (std::size_t i = 0; i < all.size(); ++i) {
    Entry e = all[i];
    e.seq = static_cast<std::uint32_t>(i);
    slot(e.slot).link = e.seq;
    enqueue(e);
  }
  size_ = all.size();
  next_seq_ = all.size();
}

inline void Kernel::run_entry(const Entry& e) {
  Slot& s = slot(e.slot);
  BACKBEAT_ASSERT(decode_time(e.time) >= now_, "virtual time never goes backwards");
  BACKBEAT_ASSERT((s.generation & 1U) == 1U, "only a pending event runs");
  now_ = decode_time(e.time);
  // From here on the id is no longer pending: cancel(id) from the callback is ignored. The slot is
  // not reused until the callback returns; chunks never move, so running it in place is safe.
  s.generation = next_generation(s.generation);
  --live_;
  ++processed_;
  s.callback();
  release_slot(e.slot);
}

bool Kernel::step() {
  Entry e;
  if (!pop_next(~std::uint64_t{0}, e)) return false;
  run_entry(e);
  return true;
}

std::uint64_t Kernel::run_until(Time limit) {
  const std::int64_t limit_ns = limit.time_since_epoch().count();
  stop_requested_ = false;
  std::uint64_t n = 0;
  Entry e;
  while (pop_next(encode_time(limit_ns), e)) {
    run_entry(e);
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
