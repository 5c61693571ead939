// How sweep and tune run a SeedJob (sim/batch/seed_job.h) when another engine computes it: a
// JobRunner returns the JobResult run_seed_job would return on this machine (the work queue:
// sweep/tune --nats, sim/cli/live/queue_commands.h); empty, the seeds run on local threads. The
// commands aggregate whatever comes back with the same functions, so the output is the same.
#pragma once

#include <functional>

#include "core/status.h"
#include "sim/batch/seed_job.h"

namespace backbeat::sim::cli {

using JobRunner =
    std::function<Result<batch::JobResult>(const batch::SeedJob&, const batch::JobRunOptions&)>;

}  // namespace backbeat::sim::cli
