// Determinism under stress: many random worlds (cluster shapes, drift models, swarm faults), each
// run twice with the same seed, must give identical fingerprints; a subset is pinned as a golden
// value that GCC and Clang builds must both reproduce (CI runs this test with both).
#include <gtest/gtest.h>

#include "sim/kernel/hash.h"
#include "sim/kernel/random.h"
#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

// A random but valid world, drawn from `seed`.
WorldConfig random_world(std::uint64_t seed) {
  RandomStream r(seed);
  WorldConfig c;
  c.duration = std::chrono::minutes(2 + static_cast<int>(r.uniform_u64(5)));
  c.cluster.nats_servers = 1 + static_cast<int>(r.uniform_u64(3));
  c.cluster.groups.clear();
  int groups = 1 + static_cast<int>(r.uniform_u64(3));
  for (int g = 0; g < groups; ++g) {
    AgentGroup group;
    group.name = "g" + std::to_string(g);
    group.count = 1 + static_cast<int>(r.uniform_u64(5));
    group.clock_skew_ppm = r.uniform(-500, 500);
    group.link_latency =
        r.uniform_duration(std::chrono::microseconds(100), std::chrono::milliseconds(50));
    group.link_jitter = r.uniform_duration(Duration{}, std::chrono::milliseconds(20));
    group.slow_factor = r.uniform(1.0, 3.0);
    c.cluster.groups.push_back(group);
  }
  c.cluster.nats.reconnect_wait =
      r.uniform_duration(std::chrono::milliseconds(200), std::chrono::seconds(3));
  c.cluster.nats.max_reconnect_attempts =
      r.bernoulli(0.3) ? 2 + static_cast<int>(r.uniform_u64(5)) : -1;
  c.pulse.tempo_bpm = std::round(r.uniform(1.0, 12.0) * 10) / 10;
  c.pulse.bar_length = 2 + static_cast<int>(r.uniform_u64(6));
  c.pulse.frames_per_beat = r.bernoulli(0.5) ? 3 : 1;
  c.pulse.nodes = 1 + static_cast<int>(r.uniform_u64(2));
  c.pulse.drift.kind = static_cast<DriftModel::Kind>(r.uniform_u64(5));
  c.pulse.drift.ppm = r.uniform(-3000, 3000);
  c.pulse.drift.amplitude_ppm = r.uniform(0, 3000);
  c.pulse.drift.period = r.uniform_duration(std::chrono::minutes(1), std::chrono::minutes(10));
  c.pulse.drift.step_at = r.uniform_duration(Duration{}, c.duration);
  c.pulse.drift.jitter = r.uniform_duration(Duration{}, std::chrono::milliseconds(200));
  if (r.bernoulli(0.3)) c.pulse.tempo_changes.push_back({c.duration / 2, c.pulse.tempo_bpm * 1.5});
  for (const char* type : {"election", "dht_store", "pubsub_sync", "peer_discovery"}) {
    if (r.bernoulli(0.3)) continue;
    OperationWorkload op;
    op.type = type;
    op.rate_per_beat = r.uniform(0.2, 2.0);
    op.duration.kind = static_cast<DurationDistribution::Kind>(r.uniform_u64(5));
    op.failure_probability = r.uniform(0, 0.1);
    op.estimated_beats = 1 + static_cast<int>(r.uniform_u64(5));
    c.workload.operations.push_back(op);
  }
  c.swarm.enabled = true;
  c.swarm.faults = static_cast<int>(r.uniform_u64(8));
  return c;
}

TEST(DeterminismSwarmTest, HundredRandomWorldsTwiceEachGiveIdenticalFingerprints) {
  for (std::uint64_t i = 0; i < 100; ++i) {
    WorldConfig config = random_world(1000 + i);
    ASSERT_TRUE(config.validate().is_ok()) << i << ": " << config.validate().message();
    RunOutcome a = run_world(config, i);
    RunOutcome b = run_world(config, i);
    ASSERT_EQ(a.fingerprint, b.fingerprint) << "world " << i;
    ASSERT_EQ(a.events, b.events) << "world " << i;
    ASSERT_EQ(a.claims.received, b.claims.received) << "world " << i;
  }
}

// Pinned across compilers: update on purpose when behaviour changes.
TEST(DeterminismSwarmTest, SubsetGoldenAcrossCompilers) {
  Fnv1a64 combined;
  for (std::uint64_t i = 0; i < 12; ++i) {
    combined.u64le(run_world(random_world(5000 + i), i).fingerprint);
  }
  EXPECT_EQ(hex64(combined.value()), "668b601f3cc728cd");
}

}  // namespace
}  // namespace backbeat::sim
