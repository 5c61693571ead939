#include "core/jump_guard.h"

#include <gtest/gtest.h>

#include <limits>

namespace backbeat {
namespace {

constexpr double kTempo = 60.0;  // a beat per second
const Time kStart = Time(std::chrono::seconds(1000));

BeatFrame frame(std::int64_t index, BeatPhase phase = BeatPhase::kPlan) {
  BeatFrame f;
  f.beat_index = index;
  f.phase = phase;
  f.tempo_bpm = kTempo;
  return f;
}

TEST(JumpGuard, ReachIsTwiceTheElapsedBeatsPlusTheSlack) {
  JumpGuard guard(10);
  EXPECT_TRUE(guard.admit(frame(110), kStart, 100, kStart, kTempo));  // slack only
  EXPECT_FALSE(guard.admit(frame(111), kStart, 100, kStart, kTempo));
  const Time later = kStart + std::chrono::seconds(5);  // 5 beats: reach 2 x 5 + 10
  EXPECT_TRUE(guard.admit(frame(120), later, 100, kStart, kTempo));
  EXPECT_FALSE(guard.admit(frame(121), later, 100, kStart, kTempo));
}

TEST(JumpGuard, AHeldFrameIsConfirmedOnlyByANewerFrameWithinItsReach) {
  JumpGuard guard(10);
  EXPECT_FALSE(guard.admit(frame(5000), kStart, 100, kStart, kTempo));
  EXPECT_TRUE(guard.holding());
  EXPECT_FALSE(guard.admit(frame(5000), kStart, 100, kStart, kTempo));  // a repeat
  EXPECT_FALSE(guard.admit(frame(9000), kStart, 100, kStart, kTempo));  // beyond its reach
  EXPECT_TRUE(guard.admit(frame(9000, BeatPhase::kExecute), kStart, 100, kStart, kTempo));
  EXPECT_FALSE(guard.holding());
}

TEST(JumpGuard, TheLastIndexNeverOverflows) {
  JumpGuard guard;
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(guard.admit(frame(kLast), kStart, 0, kStart, kTempo));
  EXPECT_TRUE(guard.admit(frame(kLast, BeatPhase::kReview), kStart, 0, kStart, kTempo));
  EXPECT_TRUE(guard.admit(frame(kLast), kStart, kLast - 1, kStart, kTempo));
}

TEST(JumpGuard, ResetForgetsTheHeldFrame) {
  JumpGuard guard(10);
  EXPECT_FALSE(guard.admit(frame(500), kStart, 100, kStart, kTempo));
  guard.reset();
  EXPECT_FALSE(guard.admit(frame(501), kStart, 100, kStart, kTempo));  // nothing to confirm
}

}  // namespace
}  // namespace backbeat
