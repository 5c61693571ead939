#include "sim/kernel/kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace backbeat::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(KernelTest, StartsAtTheDefaultEpoch) {
  Kernel k;
  EXPECT_EQ(k.now(), kDefaultEpoch);
  EXPECT_EQ(kDefaultEpoch.time_since_epoch().count(), 1767225600LL * 1'000'000'000LL);
  EXPECT_EQ(k.pending(), 0u);
  EXPECT_FALSE(k.next_event_time().has_value());
  EXPECT_FALSE(k.step());
}

TEST(KernelTest, EpochIsConfigurable) {
  const Time epoch = Time(std::chrono::seconds(1000));
  Kernel k(KernelOptions{epoch});
  EXPECT_EQ(k.now(), epoch);
  EXPECT_EQ(k.epoch(), epoch);
}

TEST(KernelTest, RunsInTimeOrder) {
  Kernel k;
  std::vector<int> order;
  k.schedule_after(milliseconds(30), [&] { order.push_back(3); });
  k.schedule_after(milliseconds(10), [&] { order.push_back(1); });
  k.schedule_after(milliseconds(20), [&] { order.push_back(2); });
  EXPECT_EQ(k.pending(), 3u);
  EXPECT_EQ(k.run(), 3u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(k.now(), kDefaultEpoch + milliseconds(30));
  EXPECT_EQ(k.events_processed(), 3u);
  EXPECT_EQ(k.pending(), 0u);
}

TEST(KernelTest, TiesRunFifo) {
  Kernel k;
  std::vector<int> order;
  const Time t = k.now() + milliseconds(5);
  for (int i = 0; i < 100; ++i) k.schedule_at(t, [&order, i] { order.push_back(i); });
  k.run();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(KernelTest, PastEventsRunAtNowAfterThoseAlreadyQueued) {
  Kernel k;
  std::vector<std::string> order;
  k.schedule_after(milliseconds(10), [&] {
    k.schedule_after(nanoseconds(0), [&] { order.push_back("zero-delay"); });
    k.schedule_at(k.now() - milliseconds(5), [&] {
      order.push_back("past");
      EXPECT_EQ(k.now(), kDefaultEpoch + milliseconds(10));
    });
    order.push_back("first");
  });
  k.schedule_after(milliseconds(10), [&] { order.push_back("second"); });
  k.run();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "zero-delay", "past"}));
}

TEST(KernelTest, Cancel) {
  Kernel k;
  std::vector<int> order;
  const EventId a = k.schedule_after(milliseconds(1), [&] { order.push_back(1); });
  const EventId b = k.schedule_after(milliseconds(2), [&] { order.push_back(2); });
  k.schedule_after(milliseconds(3), [&] { order.push_back(3); });
  EXPECT_NE(a, kNoEvent);
  EXPECT_TRUE(k.is_pending(b));
  EXPECT_TRUE(k.cancel(b));
  EXPECT_FALSE(k.is_pending(b));
  EXPECT_FALSE(k.cancel(b));  // already cancelled
  EXPECT_EQ(k.pending(), 2u);
  k.run();
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_FALSE(k.cancel(a));  // fired
}

TEST(KernelTest, CancelOfTheNextEventUpdatesNextEventTime) {
  Kernel k;
  const EventId a = k.schedule_after(milliseconds(1), [] {});
  k.schedule_after(milliseconds(2), [] {});
  k.cancel(a);
  ASSERT_TRUE(k.next_event_time().has_value());
  EXPECT_EQ(*k.next_event_time(), kDefaultEpoch + milliseconds(2));
}

TEST(KernelTest, UnknownIdsAreIgnored) {
  Kernel k;
  EXPECT_FALSE(k.cancel(kNoEvent));
  EXPECT_FALSE(k.cancel(12345));
  EXPECT_FALSE(k.cancel(~EventId{0}));
  int ran = 0;
  const EventId a = k.schedule_after(milliseconds(1), [&] { ++ran; });
  EXPECT_FALSE(k.cancel(a + (EventId{1} << 32)));  // right slot, wrong generation
  EXPECT_FALSE(k.cancel(a + 1));                   // a free slot
  k.run();
  EXPECT_EQ(ran, 1);
}

TEST(KernelTest, StaleIdDoesNotCancelTheSlotsNextEvent) {
  Kernel k;
  int ran = 0;
  const EventId a = k.schedule_after(milliseconds(1), [] {});
  k.cancel(a);
  const EventId b = k.schedule_after(milliseconds(1), [&] { ++ran; });  // reuses the slot
  EXPECT_NE(a, b);
  EXPECT_FALSE(k.cancel(a));
  k.run();
  EXPECT_EQ(ran, 1);
}

TEST(KernelTest, EventCancellingItselfOrAnother) {
  Kernel k;
  std::vector<int> order;
  EventId self = kNoEvent, other = kNoEvent;
  self = k.schedule_after(milliseconds(1), [&] {
    EXPECT_FALSE(k.cancel(self));  // running: ignored
    EXPECT_TRUE(k.cancel(other));
    order.push_back(1);
  });
  other = k.schedule_after(milliseconds(1), [&] { order.push_back(2); });
  k.run();
  EXPECT_EQ(order, (std::vector<int>{1}));
}

TEST(KernelTest, EventsScheduleEvents) {
  Kernel k;
  std::vector<std::int64_t> times;
  std::function<void()> tick = [&] {
    times.push_back((k.now() - k.epoch()).count());
    if (times.size() < 5) k.schedule_after(milliseconds(10), tick);
  };
  k.schedule_after(milliseconds(10), tick);
  k.run();
  EXPECT_EQ(times, (std::vector<std::int64_t>{10'000'000, 20'000'000, 30'000'000, 40'000'000,
                                              50'000'000}));
}

TEST(KernelTest, RunUntilBoundaries) {
  Kernel k;
  std::vector<int> order;
  const Time t0 = k.now();
  k.schedule_at(t0 + milliseconds(10), [&] {
    order.push_back(10);
    k.schedule_at(t0 + milliseconds(10), [&] { order.push_back(11); });  // same instant: runs
    k.schedule_at(t0 + milliseconds(10) + nanoseconds(1), [&] { order.push_back(12); });
  });
  k.schedule_at(t0 + milliseconds(20), [&] { order.push_back(20); });

  EXPECT_EQ(k.run_until(t0 + milliseconds(10) - nanoseconds(1)), 0u);
  EXPECT_EQ(k.now(), t0 + milliseconds(10) - nanoseconds(1));
  EXPECT_EQ(k.run_until(t0 + milliseconds(10)), 2u);  // the limit is inclusive
  EXPECT_EQ(order, (std::vector<int>{10, 11}));
  EXPECT_EQ(k.now(), t0 + milliseconds(10));
  EXPECT_EQ(k.run_for(milliseconds(5)), 1u);
  EXPECT_EQ(k.now(), t0 + milliseconds(15));
  EXPECT_EQ(k.run_until(t0 + milliseconds(1)), 0u);  // never goes back
  EXPECT_EQ(k.now(), t0 + milliseconds(15));
  EXPECT_EQ(k.run_for(milliseconds(100)), 1u);
  EXPECT_EQ(k.now(), t0 + milliseconds(115));
  EXPECT_EQ(order, (std::vector<int>{10, 11, 12, 20}));
}

TEST(KernelTest, StopEndsRunUntilAfterTheCurrentEvent) {
  Kernel k;
  int ran = 0;
  k.schedule_after(milliseconds(1), [&] {
    ++ran;
    k.stop();
  });
  k.schedule_after(milliseconds(2), [&] { ++ran; });
  EXPECT_EQ(k.run_until(k.now() + milliseconds(10)), 1u);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(k.now(), kDefaultEpoch + milliseconds(1));
  EXPECT_EQ(k.run_until(k.now() + milliseconds(10)), 1u);
  EXPECT_EQ(ran, 2);
}

TEST(KernelTest, RawCallbackForm) {
  Kernel k;
  struct Ctx {
    std::vector<std::uint64_t> args;
  } ctx;
  auto fn = [](void* c, std::uint64_t arg) { static_cast<Ctx*>(c)->args.push_back(arg); };
  k.schedule_after(milliseconds(2), fn, &ctx, 2);
  k.schedule_after(milliseconds(1), fn, &ctx, 1);
  k.run();
  EXPECT_EQ(ctx.args, (std::vector<std::uint64_t>{1, 2}));
}

TEST(KernelTest, StdFunctionAndLargeAndMoveOnlyCaptures) {
  Kernel k;
  std::string out;
  std::function<void()> f = [&out] { out += "f"; };
  k.schedule_after(milliseconds(1), f);
  std::array<char, 200> big{};
  big[0] = 'b';
  k.schedule_after(milliseconds(2), [&out, big] { out += big[0]; });  // heap-stored
  auto owned = std::make_unique<std::string>("u");
  k.schedule_after(milliseconds(3), [&out, p = std::move(owned)] { out += *p; });
  k.run();
  EXPECT_EQ(out, "fbu");
}

TEST(KernelTest, CallbacksAreDestroyedOnCancelAndDestruction) {
  auto token = std::make_shared<int>(0);
  {
    Kernel k;
    const EventId a = k.schedule_after(milliseconds(1), [token] {});
    k.schedule_after(milliseconds(2), [token] {});
    EXPECT_EQ(token.use_count(), 3);
    k.cancel(a);
    EXPECT_EQ(token.use_count(), 2);
  }
  EXPECT_EQ(token.use_count(), 1);
}

TEST(KernelTest, ManyCancellationsKeepOrderAndBoundedState) {
  Kernel k;
  std::vector<int> order;
  std::vector<EventId> ids;
  for (int i = 0; i < 20000; ++i) {
    ids.push_back(
        k.schedule_at(k.now() + nanoseconds(20000 - i), [&order, i] { order.push_back(i); }));
  }
  for (int i = 0; i < 20000; ++i) {
    if (i % 10 != 0) k.cancel(ids[i]);
  }
  EXPECT_EQ(k.pending(), 2000u);
  k.run();
  ASSERT_EQ(order.size(), 2000u);
  for (std::size_t j = 1; j < order.size(); ++j) EXPECT_GT(order[j - 1], order[j]);
}

// Against a simple reference model: random schedules and cancellations give the same order as a
// stable sort by time.
TEST(KernelTest, MatchesReferenceModel) {
  Kernel k;
  std::uint64_t x = 42;
  auto rnd = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  struct Ref {
    std::int64_t t;
    int id;
    bool cancelled;
  };
  std::vector<Ref> ref;
  std::vector<EventId> ids;
  std::vector<int> ran;
  for (int i = 0; i < 5000; ++i) {
    const auto dt = static_cast<std::int64_t>(rnd() % 100);
    ids.push_back(k.schedule_after(nanoseconds(dt), [&ran, i] { ran.push_back(i); }));
    ref.push_back({dt, i, false});
    if (rnd() % 4 == 0) {
      const auto victim = static_cast<std::size_t>(rnd() % ids.size());
      k.cancel(ids[victim]);
      ref[victim].cancelled = true;
    }
  }
  k.run();
  std::stable_sort(ref.begin(), ref.end(), [](const Ref& a, const Ref& b) { return a.t < b.t; });
  std::vector<int> expected;
  for (const Ref& r : ref) {
    if (!r.cancelled) expected.push_back(r.id);
  }
  EXPECT_EQ(ran, expected);
}

}  // namespace

// Test access to the kernel's sequence counter, to exercise renumber() without 2^32 schedules.
struct KernelTestAccess {
  static void set_next_seq(Kernel& k, std::uint64_t seq) { k.next_seq_ = seq; }
  static std::uint64_t next_seq(const Kernel& k) { return k.next_seq_; }
};

namespace {

// A reference model driven in lockstep with the kernel: (time, insertion number) -> id, in a map.
// Every callback checks that it is the model's first event and runs at its time; callbacks and the
// driver schedule (delays from 0 to hours, in the past, ties), cancel, peek and run_until at
// random.
class Lockstep {
 public:
  explicit Lockstep(std::uint64_t seed) : x_(seed) {}

  std::uint64_t rnd() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 7;
    x_ ^= x_ << 17;
    return x_;
  }
  std::int64_t random_delay() {
    switch (rnd() % 8) {
      case 0:
        return 0;
      case 1:
        return -static_cast<std::int64_t>(rnd() % 1000);  // in the past: runs at now()
      case 2:
        return static_cast<std::int64_t>(rnd() % 256);
      case 3:
        return static_cast<std::int64_t>(rnd() % 70'000);
      case 4:
        return static_cast<std::int64_t>(rnd() % 20'000'000);
      case 5:
        return static_cast<std::int64_t>(rnd() % 3'600'000'000'000);  // up to an hour
      case 6:
        return static_cast<std::int64_t>(rnd() % 4) * 1000;  // many ties
      default:
        return static_cast<std::int64_t>(rnd() % 1'000'000);
    }
  }

  void schedule() {
    const std::int64_t delay = random_delay();
    const std::int64_t now = k_.now().time_since_epoch().count();
    const std::int64_t when = std::max(now, now + delay);
    const int id = next_id_++;
    const EventId eid = k_.schedule_at(k_.now() + nanoseconds(delay), [this, id] { fired(id); });
    model_.emplace(std::make_pair(when, order_++), id);
    ids_.push_back({eid, when, order_ - 1});
  }
  void cancel_random() {
    if (ids_.empty()) return;
    const auto& victim = ids_[rnd() % ids_.size()];
    const bool was = model_.erase({victim.when, victim.order}) > 0;
    EXPECT_EQ(k_.cancel(victim.id), was);
  }
  void check_next() {
    const std::optional<Time> next = k_.next_event_time();
    ASSERT_EQ(next.has_value(), !model_.empty());
    if (next) {
      EXPECT_EQ(next->time_since_epoch().count(), model_.begin()->first.first);
    }
  }

  void drive(int actions) {
    for (int i = 0; i < actions && !::testing::Test::HasFailure(); ++i) {
      const std::uint64_t r = rnd() % 100;
      if (r < 30) {
        schedule();
      } else if (r < 40) {
        cancel_random();
      } else if (r < 50) {
        check_next();
      } else if (r < 60) {
        // run_until a limit, often one that stops before the next event (the kernel peeks ahead).
        const std::int64_t span = random_delay();
        const std::int64_t now = k_.now().time_since_epoch().count();
        const std::int64_t limit = now + std::max<std::int64_t>(span, 0);
        // Every event up to the limit runs, including those the callbacks schedule meanwhile.
        const std::uint64_t before = fired_;
        const std::uint64_t ran = k_.run_until(Time(nanoseconds(limit)));
        EXPECT_EQ(ran, fired_ - before);
        EXPECT_EQ(k_.now().time_since_epoch().count(), limit);
        if (!model_.empty()) {
          EXPECT_GT(model_.begin()->first.first, limit);
        }
      } else {
        if (k_.step()) {
          EXPECT_EQ(k_.pending(), model_.size());
        } else {
          EXPECT_TRUE(model_.empty());
        }
      }
      EXPECT_EQ(k_.pending(), model_.size());
    }
  }
  void drain() {
    k_.run();
    EXPECT_TRUE(model_.empty());
    EXPECT_EQ(k_.pending(), 0u);
  }
  Kernel& kernel() { return k_; }
  std::uint64_t fired_count() const { return fired_; }

 private:
  void fired(int id) {
    ++fired_;
    ASSERT_FALSE(model_.empty());
    const auto first = model_.begin();
    EXPECT_EQ(first->second, id);
    EXPECT_EQ(k_.now().time_since_epoch().count(), first->first.first);
    model_.erase(first);
    // Callbacks schedule and cancel too (fewer than one child each on average, so runs end).
    const std::uint64_t r = rnd() % 10;
    if (r < 4) schedule();
    if (r == 0) schedule();
    if (r == 9) cancel_random();
  }

  struct Scheduled {
    EventId id;
    std::int64_t when;
    std::uint64_t order;
  };
  Kernel k_{KernelOptions{Time(nanoseconds(0))}};
  std::uint64_t x_;
  std::map<std::pair<std::int64_t, std::uint64_t>, int> model_;
  std::vector<Scheduled> ids_;
  int next_id_ = 0;
  std::uint64_t order_ = 0;
  std::uint64_t fired_ = 0;
};

TEST(KernelQueueTest, LockstepWithReferenceModel) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    Lockstep m(seed * 0x9e3779b97f4a7c15ULL);
    m.drive(20000);
    m.drain();
    if (HasFailure()) return;
  }
}

// Mass cancellation (compaction of partly consumed buckets) while events keep running.
TEST(KernelQueueTest, LockstepWithMassCancellation) {
  Lockstep m(77);
  for (int round = 0; round < 10 && !HasFailure(); ++round) {
    for (int i = 0; i < 5000; ++i) m.schedule();
    for (int i = 0; i < 20000; ++i) m.cancel_random();
    m.drive(5000);
  }
  m.drain();
}

// Peeking runs the queue's base ahead of now(); events then scheduled before the next one must
// still run first, in (time, FIFO) order.
TEST(KernelQueueTest, SchedulingBeforeAPeekedEvent) {
  Kernel k(KernelOptions{Time(nanoseconds(0))});
  std::vector<int> order;
  k.schedule_at(Time(nanoseconds(1'000'000)), [&] { order.push_back(9); });
  EXPECT_EQ(k.run_until(Time(nanoseconds(10))), 0u);  // looked at the event at 1 ms
  EXPECT_EQ(*k.next_event_time(), Time(nanoseconds(1'000'000)));
  k.schedule_at(Time(nanoseconds(500)), [&] { order.push_back(3); });
  k.schedule_at(Time(nanoseconds(20)), [&] {
    order.push_back(1);
    k.schedule_after(nanoseconds(0), [&] { order.push_back(2); });
    k.schedule_after(nanoseconds(999'980), [&] { order.push_back(10); });  // ties with 9: after
  });
  k.schedule_at(Time(nanoseconds(500)), [&] { order.push_back(4); });
  EXPECT_EQ(*k.next_event_time(), Time(nanoseconds(20)));
  k.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4, 9, 10}));
}

TEST(KernelQueueTest, ExtremeTimes) {
  Kernel k(KernelOptions{Time(nanoseconds(std::numeric_limits<std::int64_t>::min() + 10))});
  std::vector<int> order;
  const Time max = Time(nanoseconds(std::numeric_limits<std::int64_t>::max()));
  k.schedule_at(max, [&] { order.push_back(4); });
  k.schedule_at(Time(nanoseconds(-1)), [&] { order.push_back(2); });
  k.schedule_at(Time(nanoseconds(0)), [&] { order.push_back(3); });
  k.schedule_at(k.now(), [&] { order.push_back(1); });
  k.schedule_at(max, [&] { order.push_back(5); });
  k.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(k.now(), max);
}

// Crossing the 32-bit sequence wrap renumbers the queue without changing the order.
TEST(KernelQueueTest, SequenceWrapKeepsOrder) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(seed);
    Lockstep m(seed);
    m.drive(3000);
    KernelTestAccess::set_next_seq(m.kernel(), 0xffffffffULL - 500);
    m.drive(3000);  // wraps (about 1,500 schedules)
    EXPECT_LT(KernelTestAccess::next_seq(m.kernel()), 0xffffffffULL - 500);
    m.drive(3000);
    m.drain();
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace backbeat::sim
