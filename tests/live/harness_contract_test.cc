// One contract suite, two wirings: the harness's parts (pulse, reverb/accountant, workload, agent
// hosts) run a fault-free scenario over the simulated transport and over a real nats-server started
// by the test, and each wiring must keep the same contracts. Where the outcome does not depend on
// timing it must be the same in both worlds, field by field: the bars and their window ids, every
// operation (id, type, agent, result), the agents, no claim lost or duplicated. Claims per agent
// depend on how many beats each operation spans on the wall clock, so they may differ by a few.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "sim/harness/beat_frames.h"
#include "sim/live/live_run.h"
#include "sim/world/world.h"
#include "tests/live/live_fixture.h"

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;
using testing::fast_options;
using testing::NatsServer;

enum class Wiring { kSimulated, kLive };

constexpr std::uint64_t kSeed = 7;

// Three agents at 120 BPM (0.5 s beats), 8 one-beat operations spaced 0.6 s apart after every
// agent has booted, so each world draws the workload's numbers in the same order.
sim::WorldConfig fault_free_world() {
  sim::WorldConfig w;
  w.cluster.cluster_id = "contract-test";
  w.cluster.groups = {sim::AgentGroup{}};
  w.cluster.groups[0].count = 3;
  w.pulse.tempo_bpm = 120.0;
  w.pulse.bar_length = 4;
  w.duration = 8s;
  sim::OperationWorkload op;
  op.type = "dht_store";
  op.count = 8;
  op.duration.kind = sim::DurationDistribution::Kind::kFixed;
  op.duration.value = 1.0;
  op.estimated_beats = 3;
  w.workload.operations = {op};
  w.workload.start_after = 2s;
  return w;
}

const sim::RunOutcome& simulated() {
  static const sim::RunOutcome outcome = sim::run_world(fault_free_world(), kSeed);
  return outcome;
}

// The live run, once per test binary (a real server, 8 s of wall clock); nullopt and the failure
// recorded when it could not run.
const std::optional<sim::RunOutcome>& live() {
  static const std::optional<sim::RunOutcome> outcome = []() -> std::optional<sim::RunOutcome> {
    NatsServer server;
    if (!server.ok()) {
      ADD_FAILURE() << server.error();
      return std::nullopt;
    }
    EventLoop loop;
    LiveRunOptions options;
    options.nats = fast_options(server.url());
    options.builtin_pulse = true;
    options.seed = kSeed;
    auto run = run_live(fault_free_world(), options, loop);
    if (!run) {
      ADD_FAILURE() << run.status().to_string();
      return std::nullopt;
    }
    return run->outcome;
  }();
  return outcome;
}

class HarnessContract : public ::testing::TestWithParam<Wiring> {
 protected:
  void SetUp() override {
    if (GetParam() == Wiring::kSimulated) {
      outcome_ = simulated();
      return;
    }
    ASSERT_TRUE(live().has_value()) << "the live run failed";
    outcome_ = *live();
  }

  sim::RunOutcome outcome_;
};

TEST_P(HarnessContract, PulseBarsAreWholeConsecutiveAndNamedByClusterAndBar) {
  const sim::WorldConfig world = fault_free_world();
  ASSERT_GE(outcome_.bar_reports.size(), 3u);
  for (std::size_t i = 0; i < outcome_.bar_reports.size(); ++i) {
    const BarReport& r = outcome_.bar_reports[i].report;
    const std::int64_t bar = r.from_beat / world.pulse.bar_length;
    EXPECT_EQ(r.window_id, sim::window_id(world.cluster.cluster_id, bar)) << "bar " << bar;
    if (i > 0) {
      EXPECT_EQ(r.from_beat, outcome_.bar_reports[i - 1].report.to_beat + 1);
    }
    if (i + 1 < outcome_.bar_reports.size()) {  // the last bar is cut by the end of the run
      EXPECT_EQ(r.to_beat - r.from_beat + 1, world.pulse.bar_length) << "bar " << bar;
    }
  }
  ASSERT_FALSE(outcome_.tempo.empty());
}

TEST_P(HarnessContract, BarsMatchTheSimulatedRunApartFromTimestamps) {
  std::map<std::int64_t, BarReport> sim_bars;
  for (const sim::BarReportRecord& r : simulated().bar_reports) {
    sim_bars[r.report.from_beat] = r.report;
  }
  int compared = 0;
  for (std::size_t i = 1; i + 1 < outcome_.bar_reports.size(); ++i) {  // whole bars
    const BarReport& r = outcome_.bar_reports[i].report;
    auto it = sim_bars.find(r.from_beat);
    if (it == sim_bars.end()) continue;
    EXPECT_EQ(r.window_id, it->second.window_id);
    EXPECT_EQ(r.to_beat, it->second.to_beat);
    EXPECT_LE(r.agents_reporting, 3);
    ++compared;
  }
  // 8 s at 120 BPM is 4 bars; the first and the last are cut by the run's start and end.
  EXPECT_GE(compared, 2);
}

TEST_P(HarnessContract, ReverbAccountsEveryClaimOnceAndNoneIsLost) {
  const sim::ClaimAccounting& c = outcome_.claims;
  EXPECT_GT(c.published, 0u);
  EXPECT_EQ(c.received, c.published);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.lost, 0u);
  EXPECT_EQ(c.nonconforming, 0u);
}

TEST_P(HarnessContract, WorkloadRunsTheSameOperationsOnTheSameAgentsAsTheSimulatedRun) {
  const std::vector<sim::OperationOutcome>& expected = simulated().operations;
  ASSERT_EQ(expected.size(), 8u);
  ASSERT_EQ(outcome_.operations.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const sim::OperationOutcome& op = outcome_.operations[i];
    EXPECT_EQ(op.id, expected[i].id);
    EXPECT_EQ(op.type, expected[i].type);
    EXPECT_EQ(op.agent, expected[i].agent) << op.id;
    EXPECT_EQ(op.result, sim::OperationOutcome::Result::kCompleted) << op.id;
  }
}

TEST_P(HarnessContract, AgentHostsReportTheSameAgentsAndComparableClaims) {
  const std::vector<sim::AgentOutcome>& expected = simulated().agents;
  ASSERT_EQ(outcome_.agents.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const sim::AgentOutcome& a = outcome_.agents[i];
    EXPECT_EQ(a.agent_id, expected[i].agent_id);
    EXPECT_TRUE(a.in_sync_at_end) << a.agent_id;
    EXPECT_TRUE(a.disconnect_windows.empty()) << a.agent_id;
    EXPECT_EQ(a.claims_failed, 0u) << a.agent_id;
    // One claim per active operation per beat plus a health claim every 8 beats: the wall clock
    // may put an operation's end on either side of a beat.
    const auto diff = static_cast<std::int64_t>(a.claims_published) -
                      static_cast<std::int64_t>(expected[i].claims_published);
    EXPECT_LE(std::llabs(diff), 4) << a.agent_id << ": " << a.claims_published << " vs "
                                   << expected[i].claims_published << " simulated";
  }
}

INSTANTIATE_TEST_SUITE_P(BothWorlds, HarnessContract,
                         ::testing::Values(Wiring::kSimulated, Wiring::kLive),
                         [](const ::testing::TestParamInfo<Wiring>& info) {
                           return info.param == Wiring::kSimulated ? std::string("Simulated")
                                                                   : std::string("LiveNats");
                         });

}  // namespace
}  // namespace backbeat::live
