#include "sim/batch/sweep.h"

#include <atomic>
#include <optional>

#include "sim/batch/parallel_for.h"
#include "sim/world/world.h"

namespace backbeat::sim::batch {

bool run_seed_outcomes(const WorldConfig& world, const SweepOptions& options,
                       const std::function<void(std::size_t index, const RunOutcome&)>& finished) {
  const int n = static_cast<int>(options.last_seed - options.first_seed + 1);
  std::atomic<bool> stopped{false};
  std::atomic<int> done{0};
  auto should_stop = [&] {
    if (stopped.load()) return true;
    if (options.stop && options.stop()) stopped.store(true);
    return stopped.load();
  };
  parallel_for(
      n, options.jobs,
      [&](int i) {
        RunOptions run_options;
        run_options.progress = [&](double) { return !should_stop(); };
        RunOutcome outcome =
            run_world(world, options.first_seed + static_cast<std::uint64_t>(i), run_options);
        if (should_stop()) return;  // abandoned: judged on part of its time, it would mislead
        finished(static_cast<std::size_t>(i), outcome);
        const int d = done.fetch_add(1) + 1;
        if (options.on_seed_done) options.on_seed_done(d, n);
      },
      should_stop);
  return stopped.load();
}

SeedRun run_seeds(const scenario::Scenario& sc, const SweepOptions& options) {
  std::vector<std::optional<SeedRecord>> records(
      static_cast<std::size_t>(options.last_seed - options.first_seed + 1));
  SeedRun run;
  run.interrupted =
      run_seed_outcomes(sc.world, options, [&](std::size_t i, const RunOutcome& outcome) {
        scenario::RunReport report;
        report.scenario = &sc;
        report.outcome = &outcome;
        report.results = scenario::evaluate_assertions(sc.assertions, sc.world, outcome);
        records[i] = seed_record(report);
      });
  for (std::optional<SeedRecord>& r : records) {
    if (r) run.records.push_back(std::move(*r));
  }
  return run;
}

}  // namespace backbeat::sim::batch
