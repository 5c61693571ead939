#include "sim/cli/job_runner.h"

namespace backbeat::sim::cli {
namespace {

// The options' threads, progress and stop, as a job runs them (SweepOptions or TuneOptions).
template <typename Options>
batch::JobRunOptions job_run_options(const Options& options) {
  batch::JobRunOptions run;
  run.jobs = options.jobs;
  run.on_seed_done = options.on_seed_done;
  run.stop = options.stop;
  return run;
}

}  // namespace

Result<batch::SeedRun> run_sweep_job(const JobRunner& runner, const scenario::Scenario& sc,
                                     const batch::SweepOptions& options) {
  const batch::JobRunOptions run = job_run_options(options);
  Result<batch::JobResult> result = runner(
      batch::seed_job(batch::JobKind::kSweep, sc, options.first_seed, options.last_seed), run);
  if (!result) return result.status();
  Result<std::vector<batch::SeedRecord>> records = batch::sweep_records(*result);
  if (!records) return records.status();
  return batch::SeedRun{std::move(records).value(), result->interrupted};
}

Result<reports::TuneResult> run_tune_job(const JobRunner& runner, const scenario::Scenario& sc,
                                         const reports::TuneOptions& options) {
  const batch::JobRunOptions run = job_run_options(options);
  const std::uint64_t last = options.first_seed + static_cast<std::uint64_t>(options.seeds) - 1;
  Result<batch::JobResult> result =
      runner(batch::seed_job(batch::JobKind::kTune, sc, options.first_seed, last), run);
  if (!result) return result.status();
  Result<std::vector<batch::TuneRecord>> records = batch::tune_records(*result);
  if (!records) return records.status();
  return reports::aggregate_tune(sc, std::move(records).value(), options, result->interrupted);
}

}  // namespace backbeat::sim::cli
