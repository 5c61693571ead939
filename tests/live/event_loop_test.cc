// EventLoop: the live Clock and the single thread that owns a live core. No server needed.
#include "core/nats/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;

TEST(EventLoop, TimersFireInDueOrderThenScheduleOrder) {
  EventLoop loop;
  std::vector<std::string> fired;
  const Time t0 = loop.now();
  loop.schedule_at(t0 + 30ms, [&] { fired.push_back("c"); });
  loop.schedule_at(t0 + 10ms, [&] { fired.push_back("a"); });
  loop.schedule_at(t0 + 20ms, [&] { fired.push_back("b1"); });
  loop.schedule_at(t0 + 20ms, [&] { fired.push_back("b2"); });
  loop.schedule_at(t0 - 1s, [&] { fired.push_back("past"); });  // runs first, not inline
  EXPECT_TRUE(fired.empty());
  EXPECT_TRUE(loop.run_until([&] { return fired.size() == 5; }, 2s));
  EXPECT_EQ(fired, (std::vector<std::string>{"past", "a", "b1", "b2", "c"}));
  EXPECT_GE(loop.now() - t0, 30ms);
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(EventLoop, CancelledTimersNeverFire) {
  EventLoop loop;
  int fired = 0;
  const auto doomed = loop.schedule_after(5ms, [&] { fired += 100; });
  const auto kept = loop.schedule_after(10ms, [&] { fired += 1; });
  EXPECT_NE(doomed, Clock::kNoTimer);
  EXPECT_NE(doomed, kept);
  loop.cancel(doomed);
  loop.cancel(doomed);     // twice: ignored
  loop.cancel(123456789);  // unknown: ignored
  // A timer cancelled by an earlier timer of the same turn does not fire either.
  Clock::TimerId later = Clock::kNoTimer;
  loop.schedule_after(15ms, [&] { loop.cancel(later); });
  later = loop.schedule_after(15ms, [&] { fired += 1000; });
  loop.run_for(60ms);
  EXPECT_EQ(fired, 1);
  loop.cancel(kept);  // already fired: ignored
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(EventLoop, ManyCancelledTimersDoNotAccumulate) {
  EventLoop loop;
  for (int i = 0; i < 10000; ++i) loop.cancel(loop.schedule_after(1h, [] {}));
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(EventLoop, PostFromOtherThreadsRunsOnTheLoopThreadInOrderPerThread) {
  EventLoop loop;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::vector<int>> seen(kThreads);
  std::atomic<int> off_loop{0};
  int total = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        loop.post([&, t, i] {
          if (!loop.in_loop_thread()) off_loop.fetch_add(1);
          seen[t].push_back(i);  // loop thread only: no lock needed
          ++total;
        });
      }
    });
  }
  EXPECT_TRUE(loop.run_until([&] { return total == kThreads * kPerThread; }, 5s));
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(off_loop.load(), 0);
  for (const auto& per_thread : seen) {
    ASSERT_EQ(per_thread.size(), static_cast<std::size_t>(kPerThread));
    for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(per_thread[i], i);
  }
}

TEST(EventLoop, StopFromAnotherThreadEndsRun) {
  EventLoop loop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    loop.stop();
  });
  const auto start = std::chrono::steady_clock::now();
  loop.run();  // returns only because of stop()
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // The stop was consumed: the next run_for lasts its full span.
  const auto again = std::chrono::steady_clock::now();
  loop.run_for(20ms);
  EXPECT_GE(std::chrono::steady_clock::now() - again, 20ms);
}

TEST(EventLoop, StopFromInsideAClosure) {
  EventLoop loop;
  int after = 0;
  loop.post([&] { loop.stop(); });
  loop.schedule_after(1ms, [&] { ++after; });
  loop.run();
  EXPECT_EQ(after, 0);  // the stop took effect before the next turn's timer
  loop.run_for(20ms);
  EXPECT_EQ(after, 1);
}

TEST(EventLoop, RunUntilTimesOutWithoutSpinning) {
  EventLoop loop;
  int checks = 0;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(loop.run_until([&] { return ++checks < 0; }, 50ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_LE(checks, 3);  // checked at start and end: the idle loop slept
}

TEST(EventLoop, ClosuresPostedByClosuresRunOnALaterTurn) {
  EventLoop loop;
  std::vector<int> order;
  loop.post([&] {
    order.push_back(1);
    loop.post([&] { order.push_back(3); });
  });
  loop.post([&] { order.push_back(2); });
  EXPECT_TRUE(loop.run_until([&] { return order.size() == 3; }, 1s));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, NowIsWallClockAndMonotone) {
  EventLoop loop;
  Time previous = loop.now();
  const auto wall = std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(previous - std::chrono::time_point_cast<Duration>(wall)), 1s);
  for (int i = 0; i < 10000; ++i) {
    const Time t = loop.now();
    ASSERT_GE(t, previous);
    previous = t;
  }
}

TEST(EventLoop, PendingWorkIsDestroyedWithTheLoop) {
  auto token = std::make_shared<int>(0);
  {
    EventLoop loop;
    loop.post([token] {});
    loop.schedule_after(1h, [token] {});
    EXPECT_EQ(token.use_count(), 3);
  }
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace backbeat::live
