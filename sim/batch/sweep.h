// The sweep engine: one scenario over a range of seeds, on worker threads (parallel_for.h), each
// seed one whole single-threaded simulation judged by the scenario's assertions and `expect`.
//
// Each seed's SeedRecord is stored by seed index and the records are aggregated by seed
// (sweep_result.h), so the result is identical for any number of jobs.
//
// Interruption: `stop` is polled before each seed and inside running simulations; a stopped sweep
// abandons its in-flight seeds (a partial run would be judged on part of its time) and returns
// the records of the seeds that finished, with interrupted = true.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/batch/seed_record.h"
#include "sim/scenario/scenario.h"
#include "sim/world/outcome.h"

namespace backbeat::sim::batch {

struct SweepOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 1;  // inclusive; last_seed - first_seed < 2^31 - 1
  int jobs = 1;
  // Called from worker threads (serialise yourself) after each finished seed: (done, total).
  std::function<void(int done, int total)> on_seed_done;
  // Polled by workers; returning true stops the sweep (Ctrl-C).
  std::function<bool()> stop;
};

struct SeedRun {
  std::vector<SeedRecord> records;  // ascending seeds, the seeds that finished
  bool interrupted = false;
};

// Runs seeds options.first_seed..last_seed of `world` on options.jobs threads and calls
// `finished(index, outcome)` (index = seed - first_seed) from the worker thread for every seed
// that ran to its end, then options.on_seed_done. Seeds abandoned by `stop` are not passed on.
// Returns true when stopped. The engine under sweep's and tune's per-seed records.
bool run_seed_outcomes(const WorldConfig& world, const SweepOptions& options,
                       const std::function<void(std::size_t index, const RunOutcome&)>& finished);

SeedRun run_seeds(const scenario::Scenario& sc, const SweepOptions& options);

}  // namespace backbeat::sim::batch
