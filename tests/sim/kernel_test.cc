#include "sim/kernel/kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <string>
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
}  // namespace backbeat::sim
