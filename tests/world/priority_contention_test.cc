// The proof of issue 16's priorities under contention: scenarios/priorities_under_contention.json
// run with its admission limit and without it (the same workload, every operation at once), over
// several seeds: with the limit, high-priority elections stay within budget while low-priority
// discoveries wait or are shed; without it, contention makes elections overrun.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/admission_summary.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"

namespace backbeat::sim {
namespace {

constexpr std::uint64_t kSeeds[] = {1, 2, 3, 4};

scenario::Scenario shipped() {
  auto loaded = scenario::load_scenario_file(std::string(BACKBEAT_SCENARIOS_DIR) +
                                             "/priorities_under_contention.json");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  return *loaded.scenario;
}

struct Tally {
  std::size_t completed = 0, over_budget = 0, shed = 0, waited = 0, requested = 0;
};

Tally tally(const RunOutcome& run, const std::string& type) {
  Tally t;
  for (const OperationOutcome& op : run.operations) {
    if (op.type != type) continue;
    ++t.requested;
    t.completed += op.result == OperationOutcome::Result::kCompleted;
    t.over_budget += op.over_budget();
    t.shed += op.result == OperationOutcome::Result::kShed;
    t.waited += op.waited;
  }
  return t;
}

TEST(PriorityContention, HighPriorityStaysWithinBudgetWhileLowWaitsOrIsShed) {
  scenario::Scenario sc = shipped();
  ASSERT_TRUE(sc.world.admission.limited());
  WorldConfig unlimited = sc.world;
  unlimited.admission.max_concurrent = 0;
  for (std::uint64_t seed : kSeeds) {
    RunOutcome limited_run = run_world(sc.world, seed);
    RunOutcome unlimited_run = run_world(unlimited, seed);
    Tally elections = tally(limited_run, "election");
    Tally discoveries = tally(limited_run, "peer_discovery");
    Tally free_elections = tally(unlimited_run, "election");
    ASSERT_GT(elections.completed, 100u) << "seed " << seed;
    // With the limit: elections (high) within budget, none shed; discoveries (low) pay.
    EXPECT_LE(elections.over_budget * 100, elections.completed) << "seed " << seed;
    EXPECT_EQ(elections.shed, 0u) << "seed " << seed;
    EXPECT_GT(discoveries.shed, 0u) << "seed " << seed;
    EXPECT_GT(discoveries.waited, discoveries.requested / 4) << "seed " << seed;
    // Without it: nothing waits or is shed, and contention makes elections overrun.
    EXPECT_EQ(tally(unlimited_run, "peer_discovery").shed, 0u) << "seed " << seed;
    EXPECT_EQ(free_elections.waited, 0u) << "seed " << seed;
    EXPECT_GT(free_elections.over_budget * 4, free_elections.completed) << "seed " << seed;
  }
}

TEST(PriorityContention, AdmissionRowsAgreeWithTheOperations) {
  scenario::Scenario sc = shipped();
  RunOutcome run = run_world(sc.world, kSeeds[0]);
  std::vector<scenario::AdmissionRow> rows = scenario::summarize_admission(sc.world, run);
  ASSERT_EQ(rows.size(), 3u);  // one priority per type: the types' defaults
  for (const scenario::AdmissionRow& r : rows) {
    Tally t = tally(run, r.type);
    EXPECT_EQ(r.requested, t.requested) << r.type;
    EXPECT_EQ(r.at_once + r.waited + r.shed + r.still_waiting, r.requested) << r.type;
    EXPECT_EQ(r.shed, t.shed) << r.type;
  }
  EXPECT_EQ(rows[0].priority, "high");
  EXPECT_EQ(rows[2].priority, "low");
  // The unlimited run has no admission rows: its reports stay as they were.
  WorldConfig unlimited = sc.world;
  unlimited.admission.max_concurrent = 0;
  EXPECT_TRUE(scenario::summarize_admission(unlimited, run_world(unlimited, 1)).empty());
}

}  // namespace
}  // namespace backbeat::sim
