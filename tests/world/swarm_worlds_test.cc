// Swarm worlds as the fuzzer of the invariants (core/invariant.h, BACKBEAT_ASSERT): a fixed list
// of 1,000 seeds, each a random world (tests/world/random_world.h) with a varied swarm fault mix,
// split into shards that CTest runs side by side (BACKBEAT_SWARM_WORLDS=N runs seeds 20000.. of N
// worlds instead, for a longer campaign). A broken invariant aborts the process, which
// fails the shard and names the world's seed; each world also checks that it ran to its end with
// every fault it drew applied.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/kernel/random.h"
#include "sim/world/world.h"
#include "tests/world/random_world.h"

namespace backbeat::sim {
namespace {

constexpr std::uint64_t kFirstSeed = 20000;
constexpr std::uint64_t kDefaultWorlds = 1000;
constexpr std::uint64_t kShards = 4;

// Every kind, by its scenario name; the first ones are hostable by any cluster.
const std::vector<std::string> kKinds = {
    "nats_disconnect",     "slow_peers",      "partition",    "message_loss",
    "message_duplication", "message_reorder", "pulse_outage", "agent_crash",
    "clock_skew",          "forged_frames",   "server_down",  "pulse_failover"};
constexpr std::uint64_t kHostableAnywhere = 10;  // kKinds[0..9]

FaultSpec::Kind kind(const std::string& name) {
  std::optional<FaultSpec::Kind> k = parse_fault_kind(name);
  EXPECT_TRUE(k.has_value()) << name;
  return k.value_or(FaultSpec::Kind::kNatsDisconnect);
}

// random_world(seed) with a fault mix of its own: 4..20 faults, 1..3 pulse nodes, and either
// every kind (forged frames included) or one kind any cluster hosts plus up to three others.
WorldConfig swarm_world(std::uint64_t seed) {
  WorldConfig c = testing::random_world(seed);
  RandomStream r = Seeds(seed).stream("swarm_mix");  // random_world draws from its own stream
  c.swarm.enabled = true;
  c.swarm.faults = 4 + static_cast<int>(r.uniform_u64(17));
  c.pulse.nodes = 1 + static_cast<int>(r.uniform_u64(3));
  c.swarm.kinds.clear();
  if (r.bernoulli(0.4)) {
    for (const std::string& name : kKinds) c.swarm.kinds.push_back(kind(name));
  } else {
    c.swarm.kinds.push_back(kind(kKinds[r.uniform_u64(kHostableAnywhere)]));
    for (std::uint64_t extra = r.uniform_u64(4); extra > 0; --extra) {
      c.swarm.kinds.push_back(kind(kKinds[r.uniform_u64(kKinds.size())]));
    }
  }
  return c;
}

// The seed of the world being run, for the abort report (a signal handler may read only this).
volatile std::sig_atomic_t g_running = 0;
std::uint64_t g_seed = 0;

extern "C" void name_the_world(int) {
  if (g_running == 0) return;
  static constexpr char kPrefix[] = "swarm world seed ";
  char text[64] = "swarm world seed ";
  std::size_t n = sizeof(kPrefix) - 1;
  char digits[24];
  std::size_t d = 0;
  for (std::uint64_t s = g_seed; d == 0 || s > 0; s /= 10)
    digits[d++] = static_cast<char>('0' + s % 10);
  while (d > 0) text[n++] = digits[--d];
  text[n++] = '\n';
  // Best effort: the process aborts whatever write() returns.
  if (::write(STDERR_FILENO, text, n) < 0) return;
}

std::uint64_t worlds() {
  const char* n = std::getenv("BACKBEAT_SWARM_WORLDS");
  return n != nullptr && std::strtoull(n, nullptr, 10) > 0 ? std::strtoull(n, nullptr, 10)
                                                           : kDefaultWorlds;
}

class SwarmWorldsTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SwarmWorldsTest, NoInvariantFiresAndEveryWorldRunsToItsEnd) {
  std::signal(SIGABRT, name_the_world);
  const std::uint64_t shard = GetParam();
  const std::uint64_t total = worlds();
  std::uint64_t ran = 0;
  for (std::uint64_t i = shard; i < total; i += kShards) {
    const std::uint64_t seed = kFirstSeed + i;
    WorldConfig config = swarm_world(seed);
    ASSERT_TRUE(config.validate().is_ok())
        << "seed " << seed << ": " << config.validate().message();
    g_seed = seed;
    g_running = 1;
    RunOutcome out = run_world(config, seed);
    g_running = 0;
    EXPECT_EQ(out.sim_time, config.duration) << "seed " << seed;
    EXPECT_EQ(out.faults.size(), static_cast<std::size_t>(config.swarm.faults)) << "seed " << seed;
    ++ran;
  }
  RecordProperty("worlds", static_cast<int>(ran));
  std::signal(SIGABRT, SIG_DFL);
}

INSTANTIATE_TEST_SUITE_P(Shards, SwarmWorldsTest, ::testing::Range<std::uint64_t>(0, kShards));

}  // namespace
}  // namespace backbeat::sim
