// The worker side of the work queue: take a job, run its seeds (sim/batch/seed_job.h
// run_seed_job), publish one result, then acknowledge. While a job runs, a thread beside the
// simulation threads tells the server it is in progress every AckWait/3, so a long job is not
// redelivered while its worker lives; a worker that dies (SIGKILL) stops doing so and the job goes
// to another worker after AckWait. The result is published before the ack: a crash between the
// two makes a second result, which the result stream's message id (and the coordinator, by job
// index) counts once.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"
#include "sim/queue/work_queue.h"

namespace backbeat::sim::queue {

struct WorkerOptions {
  std::string name;   // in every result (the coordinator names it when it rejects one)
  std::string build;  // this binary's build_identity(), in every result
  int jobs = 1;       // simulation threads per job
  // Polled between and inside jobs: true stops the worker. A job it interrupts is given back
  // (nak) for another worker; the worker then returns OK.
  std::function<bool()> stop;
  std::FILE* log = stdout;                // one line per job taken, done or given back
  std::optional<std::uint64_t> max_jobs;  // return after this many (benchmarks, tests)
};

// Runs jobs until stop() (or max_jobs). Waits for a coordinator to create the consumer. Errors:
// the connection's, when it cannot recover.
Status run_worker(WorkQueue& queue, const WorkerOptions& options);

}  // namespace backbeat::sim::queue
