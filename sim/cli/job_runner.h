// How sweep and tune run their seeds when another engine computes them: a JobRunner turns a
// SeedJob (sim/batch/seed_job.h) into the JobResult run_seed_job would return here (the work
// queue: sweep/tune --nats, sim/cli/live/queue_commands.h). The commands aggregate what comes back
// with the same functions as a local run, so the output is the same.
#pragma once

#include <functional>

#include "core/status.h"
#include "reports/tuner.h"
#include "sim/batch/seed_job.h"
#include "sim/batch/sweep.h"

namespace backbeat::sim::cli {

using JobRunner =
    std::function<Result<batch::JobResult>(const batch::SeedJob&, const batch::JobRunOptions&)>;

// sweep's seeds of `sc` (options' range, progress and stop) through `runner`.
Result<batch::SeedRun> run_sweep_job(const JobRunner& runner, const scenario::Scenario& sc,
                                     const batch::SweepOptions& options);

// tune's seeds of `sc` through `runner`, aggregated as reports::tune aggregates them.
Result<reports::TuneResult> run_tune_job(const JobRunner& runner, const scenario::Scenario& sc,
                                         const reports::TuneOptions& options);

}  // namespace backbeat::sim::cli
