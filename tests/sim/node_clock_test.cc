#include "sim/kernel/node_clock.h"

#include <gtest/gtest.h>

#include <vector>

namespace backbeat::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

std::int64_t ns(Time t) {
  return t.time_since_epoch().count();
}

TEST(NodeClockTest, IdentityByDefault) {
  Kernel k;
  NodeClock c(k);
  EXPECT_EQ(c.now(), k.now());
  k.run_for(seconds(3));
  EXPECT_EQ(c.now(), k.now());
}

TEST(NodeClockTest, OffsetAndSkew) {
  Kernel k;
  NodeClock c(k, NodeClockOptions{milliseconds(250), ppm_to_ppb(100)});  // +250 ms, 100 ppm fast
  EXPECT_EQ(c.now(), k.now() + milliseconds(250));
  k.run_for(seconds(10));
  // 10 s * 100 ppm = 1 ms gained.
  EXPECT_EQ(c.now(), k.now() + milliseconds(250) + milliseconds(1));
  EXPECT_EQ(ppm_to_ppb(-2.5), -2500);
}

TEST(NodeClockTest, SlowClockRoundsDown) {
  Kernel k;
  NodeClock c(k, NodeClockOptions{Duration(0), -1});  // 1 ppb slow
  // After 999'999'999 ns the slow clock has lost 0.999999999 ns: floor gives one ns less.
  EXPECT_EQ(ns(c.local_at(k.now() + nanoseconds(999'999'999))) - ns(k.now()), 999'999'998);
  EXPECT_EQ(ns(c.local_at(k.now() + seconds(1))) - ns(k.now()), 999'999'999);
}

TEST(NodeClockTest, ConversionsAreInverse) {
  for (std::int64_t ppb :
       {0LL, 1LL, -1LL, 37LL, -50'000LL, 123'456LL, 999'999'999LL, -999'999'999LL}) {
    Kernel k;
    NodeClock c(k, NodeClockOptions{milliseconds(-1500), ppb});
    for (std::int64_t d :
         {0LL, 1LL, 2LL, 999LL, 1'000'000'000LL, 1'000'000'001LL, 86'400'000'000'123LL}) {
      const Time local = c.now() + nanoseconds(d);
      const Time v = c.virtual_time_for(local);
      ASSERT_GE(v, k.now());
      if (v == Time::max()) {
        EXPECT_EQ(ppb, -999'999'999);  // 1 ns per second: a day of local time is beyond 2262
        continue;
      }
      // Earliest virtual instant whose local reading reaches `local`.
      EXPECT_GE(c.local_at(v), local) << "ppb=" << ppb << " d=" << d;
      if (v > k.now()) {
        EXPECT_LT(c.local_at(v - nanoseconds(1)), local) << "ppb=" << ppb << " d=" << d;
      }
    }
  }
}

TEST(NodeClockTest, PastDeadlinesFireAtTheNextOpportunity) {
  Kernel k;
  NodeClock c(k, NodeClockOptions{seconds(5), 0});
  k.run_for(seconds(1));
  EXPECT_EQ(c.virtual_time_for(c.now() - seconds(100)), k.now());
  bool fired = false;
  c.schedule_at(c.now() - seconds(1), [&] { fired = true; });
  EXPECT_FALSE(fired);  // never from inside schedule_at
  k.run_for(Duration(0));
  EXPECT_TRUE(fired);
}

TEST(NodeClockTest, TimersFireAtTheirLocalTime) {
  Kernel k;
  NodeClock fast(k, NodeClockOptions{seconds(2), ppm_to_ppb(500)});
  NodeClock slow(k, NodeClockOptions{seconds(-3), ppm_to_ppb(-500)});
  std::vector<std::pair<Time, Time>> fired;  // (deadline, local at firing)
  for (NodeClock* c : {&fast, &slow}) {
    for (int i = 1; i <= 5; ++i) {
      const Time deadline = c->now() + seconds(7 * i) + nanoseconds(i);
      c->schedule_at(deadline, [&fired, c, deadline] { fired.emplace_back(deadline, c->now()); });
    }
  }
  EXPECT_EQ(fast.pending_timers(), 5u);
  k.run();
  ASSERT_EQ(fired.size(), 10u);
  for (const auto& [deadline, at] : fired) {
    EXPECT_GE(at, deadline);
    EXPECT_LE(at - deadline, nanoseconds(1));  // first virtual ns reaching it: at most 1 ns late
  }
  EXPECT_EQ(fast.pending_timers(), 0u);
}

TEST(NodeClockTest, CancelAndIds) {
  Kernel k;
  NodeClock c(k);
  int ran = 0;
  const auto a = c.schedule_at(c.now() + seconds(1), [&] { ++ran; });
  const auto b = c.schedule_at(c.now() + seconds(1), [&] { ran += 10; });
  EXPECT_NE(a, Clock::kNoTimer);
  EXPECT_NE(a, b);
  c.cancel(a);
  c.cancel(a);
  c.cancel(999);
  k.run();
  EXPECT_EQ(ran, 10);
  c.cancel(b);  // fired: ignored
}

TEST(NodeClockTest, SkewChangeIsContinuousAndReconvertsTimers) {
  Kernel k;
  NodeClock c(k);
  const Time deadline = c.now() + seconds(10);
  Time fired_local{};
  c.schedule_at(deadline, [&] { fired_local = c.now(); });
  k.run_for(seconds(5));
  const Time before = c.now();
  c.set_skew_ppb(100'000'000);  // 10% fast
  EXPECT_EQ(c.now(), before);
  EXPECT_EQ(c.skew_ppb(), 100'000'000);
  k.run();
  EXPECT_EQ(fired_local, deadline);
  // 5 s local remaining at rate 1.1: 4.545454546 s virtual (ceil).
  EXPECT_EQ(k.now() - k.epoch(), seconds(5) + nanoseconds(4'545'454'546));
}

TEST(NodeClockTest, ForwardStepFiresOverdueTimers) {
  Kernel k;
  NodeClock c(k);
  bool fired = false;
  c.schedule_at(c.now() + seconds(10), [&] { fired = true; });
  k.run_for(seconds(1));
  const Time before = c.now();
  c.step_by(seconds(30));
  EXPECT_EQ(c.now(), before + seconds(30));
  k.run_for(Duration(0));
  EXPECT_TRUE(fired);
  EXPECT_EQ(k.now() - k.epoch(), seconds(1));
}

TEST(NodeClockTest, BackwardStepHoldsTheClockMonotone) {
  Kernel k;
  NodeClock c(k);
  k.run_for(seconds(10));
  const Time before = c.now();
  Time fired_at_virtual{};
  c.schedule_at(before + seconds(1), [&] { fired_at_virtual = k.now(); });
  c.step_by(seconds(-4));
  EXPECT_EQ(c.now(), before);  // held
  k.run_for(seconds(2));
  EXPECT_EQ(c.now(), before);  // still held: raw reads before - 2 s
  k.run_for(seconds(3));
  EXPECT_EQ(c.now(), before + seconds(1));
  // The timer waited for the raw clock to catch up: 4 s + 1 s of virtual time.
  EXPECT_EQ(fired_at_virtual, k.epoch() + seconds(15));
}

TEST(NodeClockTest, DestructionCancelsPendingTimers) {
  Kernel k;
  int ran = 0;
  {
    NodeClock c(k);
    c.schedule_at(c.now() + seconds(1), [&] { ++ran; });
    EXPECT_EQ(k.pending(), 1u);
  }
  EXPECT_EQ(k.pending(), 0u);
  k.run();
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace backbeat::sim
