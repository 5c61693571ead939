#include "sim/kernel/determinism.h"

#include <gtest/gtest.h>

#include "sim/kernel/kernel.h"
#include "sim/kernel/random.h"

namespace backbeat::sim {
namespace {

using std::chrono::microseconds;

// A small simulation: `nodes` ping each other with random delays drawn from per-node streams.
void ping_sim(TraceRecorder& trace, std::uint64_t seed, int glitch_run, int* run_counter) {
  const int run = run_counter ? (*run_counter)++ : 0;
  Kernel k;
  const Seeds seeds(seed);
  std::vector<RandomStream> rng;
  for (std::uint64_t n = 0; n < 4; ++n) rng.push_back(seeds.stream("node", n));
  const KindId send = trace.kind("ping.send");
  int sent = 0;
  std::function<void(NodeId)> ping = [&](NodeId from) {
    if (++sent > 200) return;
    const auto to = static_cast<NodeId>(rng[from].uniform_u64(4));
    std::uint64_t digest = digest_combine(from, to);
    if (run == glitch_run && sent == 150) digest ^= 1;  // the injected nondeterminism
    trace.record(k.now(), from, send, digest, "to " + std::to_string(to));
    k.schedule_after(microseconds(1 + rng[from].uniform_u64(500)), [&ping, to] { ping(to); });
  };
  k.schedule_after(microseconds(1), [&] { ping(0); });
  k.run();
}

TEST(DeterminismTest, IdenticalRunsPass) {
  const DeterminismResult r =
      check_determinism([](TraceRecorder& t) { ping_sim(t, 7, -1, nullptr); });
  EXPECT_TRUE(r.deterministic) << r.describe();
  EXPECT_EQ(r.fingerprint_a, r.fingerprint_b);
  EXPECT_EQ(r.records_a, 200u);
  EXPECT_FALSE(r.first_divergence.has_value());
}

TEST(DeterminismTest, SeedChangesFingerprint) {
  TraceRecorder a, b;
  ping_sim(a, 7, -1, nullptr);
  ping_sim(b, 8, -1, nullptr);
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}

TEST(DeterminismTest, NamesTheFirstDivergence) {
  int runs = 0;
  // Run index 1 (run B) flips one digest at the 150th record.
  const DeterminismResult r =
      check_determinism([&](TraceRecorder& t) { ping_sim(t, 7, 1, &runs); });
  EXPECT_EQ(runs, 3);  // A, B, and C to capture A's side
  EXPECT_FALSE(r.deterministic);
  ASSERT_TRUE(r.first_divergence.has_value());
  EXPECT_EQ(*r.first_divergence, 149u);
  ASSERT_TRUE(r.a.has_value());
  ASSERT_TRUE(r.b.has_value());
  EXPECT_TRUE(r.a_confirmed);
  EXPECT_EQ(r.a->index, 149u);
  EXPECT_EQ(r.a->record.time, r.b->record.time);
  EXPECT_EQ(r.a->record.node, r.b->record.node);
  EXPECT_EQ(r.a->kind, "ping.send");
  EXPECT_EQ(r.a->record.digest ^ 1, r.b->record.digest);
  ASSERT_EQ(r.context.size(), 3u);
  EXPECT_EQ(r.context.back().index, 148u);
  EXPECT_EQ(r.context.front().index, 146u);
  const std::string text = r.describe();
  EXPECT_NE(text.find("#149"), std::string::npos) << text;
  EXPECT_NE(text.find("ping.send"), std::string::npos) << text;
}

TEST(DeterminismTest, NamesARunThatEndsEarly) {
  int runs = 0;
  const DeterminismResult r = check_determinism([&](TraceRecorder& t) {
    const int run = runs++;
    for (int i = 0; i < (run == 1 ? 5 : 8); ++i) t.record(Time{}, 0, "x", i);
  });
  EXPECT_FALSE(r.deterministic);
  ASSERT_TRUE(r.first_divergence.has_value());
  EXPECT_EQ(*r.first_divergence, 5u);
  EXPECT_FALSE(r.b.has_value());
  ASSERT_TRUE(r.a.has_value());
  EXPECT_EQ(r.a->record.digest, 5u);
  EXPECT_NE(r.describe().find("(run ended)"), std::string::npos);
}

}  // namespace
}  // namespace backbeat::sim
