// Live agents honour admission (core/operation_admission.h) against a real nats-server, as
// simulated agents do: above the per-agent limit operations wait by priority or are shed, the
// waiting and shed claims are contract-valid, and without a limit nothing waits.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "tests/live/live_fixture.h"
#include "tests/live/nats_server.h"
#include "tests/live/validated_live_run.h"

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;
using Outcome = sim::OperationOutcome::Result;
using testing::NatsServer;
using testing::validated_live_run;

// Two agents at 120 BPM (a beat every 0.5 s) for 8 s: 24 low-priority discoveries and 8
// high-priority elections of 2 beats each, all requested within the first 4 s, so one agent
// holding one operation at a time cannot start them all at once.
sim::WorldConfig contended(int max_concurrent) {
  sim::WorldConfig w;
  w.cluster.cluster_id = "live-admission";
  w.cluster.groups = {sim::AgentGroup{}};
  w.cluster.groups[0].count = 2;
  w.pulse.tempo_bpm = 120.0;
  w.duration = 8s;
  auto op = [](const char* type, int count, OperationPriority priority) {
    sim::OperationWorkload o;
    o.type = type;
    o.count = count;
    o.duration.kind = sim::DurationDistribution::Kind::kFixed;
    o.duration.value = 2;
    o.estimated_beats = 4;
    o.priority = priority;
    return o;
  };
  w.workload.operations = {op("peer_discovery", 24, OperationPriority::kLow),
                           op("election", 8, OperationPriority::kHigh)};
  w.workload.start_after = 1s;
  w.admission.max_concurrent = max_concurrent;
  w.admission.max_queue = 4;
  w.admission.max_wait_beats = 6;
  return w;
}

struct Counts {
  std::size_t waited = 0, shed = 0, completed = 0;
};

Counts count(const sim::RunOutcome& o, const std::string& type) {
  Counts c;
  for (const sim::OperationOutcome& op : o.operations) {
    if (op.type != type) continue;
    c.waited += op.waited ? 1 : 0;
    c.shed += op.result == Outcome::kShed ? 1 : 0;
    c.completed += op.result == Outcome::kCompleted ? 1 : 0;
  }
  return c;
}

TEST(LiveAdmission, AboveTheLimitOperationsWaitByPriorityOrAreShedWithValidClaims) {
  NatsServer server;
  ASSERT_SERVER(server);
  auto r = validated_live_run(contended(1), server);
  ASSERT_TRUE(r) << r.status().to_string();
  const sim::RunOutcome& o = r->outcome;
  const Counts low = count(o, "peer_discovery"), high = count(o, "election");
  std::cout << "[measured] live admission: discoveries waited=" << low.waited
            << " shed=" << low.shed << " completed=" << low.completed
            << "; elections waited=" << high.waited << " shed=" << high.shed
            << " completed=" << high.completed << "; claims received=" << o.claims.received
            << " nonconforming=" << o.claims.nonconforming << "\n";
  EXPECT_GT(low.waited + high.waited, 0u) << "nothing waited above a limit of one";
  EXPECT_GT(low.shed, 0u) << "a queue of 4 per agent cannot hold 32 requests";
  EXPECT_EQ(high.shed, 0u) << "a high-priority newcomer displaces a low one, never the reverse";
  EXPECT_GT(high.completed, 0u);
  // Waiting claims (`blocked` with metadata.admission) and shed claims (`failed`) are valid.
  EXPECT_EQ(o.claims.nonconforming, 0u);
  EXPECT_EQ(o.claims.lost, 0u);
  // At most one operation running per agent at any beat.
  for (int agent = 0; agent < 2; ++agent) {
    std::vector<std::pair<std::int64_t, std::int64_t>> ran;
    for (const sim::OperationOutcome& op : o.operations) {
      if (op.agent == agent && op.result == Outcome::kCompleted)
        ran.emplace_back(op.start_beat, op.end_beat);
    }
    std::sort(ran.begin(), ran.end());
    for (std::size_t i = 1; i < ran.size(); ++i) {
      EXPECT_GE(ran[i].first, ran[i - 1].second)
          << "agent " << agent << " ran two operations at once: beats " << ran[i - 1].first << ".."
          << ran[i - 1].second << " and " << ran[i].first << ".." << ran[i].second;
    }
  }

  // The same workload without a limit: every operation starts at once.
  auto unlimited = validated_live_run(contended(0), server);
  ASSERT_TRUE(unlimited) << unlimited.status().to_string();
  const Counts free_low = count(unlimited->outcome, "peer_discovery");
  const Counts free_high = count(unlimited->outcome, "election");
  EXPECT_EQ(free_low.waited + free_high.waited + free_low.shed + free_high.shed, 0u);
}

}  // namespace
}  // namespace backbeat::live
