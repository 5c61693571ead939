// Live agents honour the budget features (core/operation_budgets.h) against a real nats-server,
// as simulated agents do: budget warnings go out as contract-valid claims before an overrun, and
// adaptive budgets shrink a too-generous static budget once enough operations completed.
#include <gtest/gtest.h>

#include <iostream>

#include "tests/live/live_fixture.h"
#include "tests/live/nats_server.h"
#include "tests/live/validated_live_run.h"

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;
using testing::NatsServer;
using testing::validated_live_run;

// Four agents at 120 BPM (a beat every 0.5 s) for 8 s, 40 dht_store operations of 1.5 beats.
sim::WorldConfig world(int static_budget) {
  sim::WorldConfig w;
  w.cluster.cluster_id = "live-budget";
  w.cluster.groups = {sim::AgentGroup{}};
  w.cluster.groups[0].count = 4;
  w.pulse.tempo_bpm = 120.0;
  w.duration = 8s;
  sim::OperationWorkload op;
  op.type = "dht_store";
  op.count = 40;
  op.duration.kind = sim::DurationDistribution::Kind::kFixed;
  op.duration.value = 1.5;
  op.estimated_beats = 3;
  w.workload.operations = {op};
  w.workload.start_after = 1s;
  w.budgets["dht_store"] = static_budget;
  return w;
}

TEST(LiveBudget, WarningsGoOutAsContractValidClaimsBeforeTheBudget) {
  NatsServer server;
  ASSERT_SERVER(server);
  sim::WorldConfig w = world(4);
  w.budget_warnings.enabled = true;
  w.budget_warnings.share = 0.25;  // warned on beat 1 of 4: every completed operation
  auto r = validated_live_run(w, server);
  ASSERT_TRUE(r) << r.status().to_string();
  const sim::RunOutcome& o = r->outcome;
  std::size_t completed = 0, warned = 0;
  for (const sim::OperationOutcome& op : o.operations) {
    if (op.result != sim::OperationOutcome::Result::kCompleted) continue;
    ++completed;
    warned += op.budget_warned ? 1 : 0;
  }
  std::cout << "[measured] live warnings: completed=" << completed << " warned=" << warned
            << " claims received=" << o.claims.received
            << " nonconforming=" << o.claims.nonconforming << "\n";
  ASSERT_GT(completed, 20u);
  EXPECT_EQ(warned, completed);
  EXPECT_EQ(o.claims.nonconforming, 0u);
  EXPECT_EQ(o.claims.lost, 0u);

  // The same run without warnings warns nothing (the feature, not the workload, warns).
  sim::WorldConfig off = world(4);
  auto plain = validated_live_run(off, server);
  ASSERT_TRUE(plain) << plain.status().to_string();
  for (const sim::OperationOutcome& op : plain->outcome.operations) EXPECT_FALSE(op.budget_warned);
}

TEST(LiveBudget, AdaptiveBudgetsShrinkAGenerousBudgetAfterEnoughCompletions) {
  NatsServer server;
  ASSERT_SERVER(server);
  sim::WorldConfig w = world(12);
  w.adaptive_budgets.enabled = true;
  w.adaptive_budgets.min_samples = 3;
  w.adaptive_budgets.window = 8;
  auto r = validated_live_run(w, server);
  ASSERT_TRUE(r) << r.status().to_string();
  std::size_t started = 0, adapted = 0;
  int smallest = 12;
  for (const sim::OperationOutcome& op : r->outcome.operations) {
    ++started;
    EXPECT_EQ(op.static_budget_beats, 12);
    if (op.budget_beats < op.static_budget_beats) ++adapted;
    smallest = std::min(smallest, op.budget_beats);
  }
  std::cout << "[measured] live adaptive: started=" << started << " adapted=" << adapted
            << " smallest budget=" << smallest << " (static 12)\n";
  // The first min_samples completions per agent run on the static budget; later ones adapt:
  // about 2 beats each (p95 of 1.5-beat operations) + 1 margin, floored at half of 12.
  EXPECT_GT(adapted, 0u);
  EXPECT_LT(adapted, started);
  EXPECT_EQ(smallest, 6);
  EXPECT_EQ(r->outcome.claims.nonconforming, 0u);
}

}  // namespace
}  // namespace backbeat::live
