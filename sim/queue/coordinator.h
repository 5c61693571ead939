// The coordinator side of the work queue: a SeedJob (one scenario, a range of seeds) cut into jobs
// of job_size seeds, run by workers (sim/queue/worker.h), gathered back into the JobResult that
// run_seed_job (sim/batch/seed_job.h) would return on this machine, so sweep and tune aggregate it
// exactly as they aggregate a local run.
//
// Resume: the run id (run_id.h) depends only on the job and job_size, so the same command finds
// the results already in the result stream and enqueues only the jobs without one; a job is
// counted once however many results it has (the first accepted one).
//
// Foreign results: a result whose scenario digest, kind, seed range or build identity differs from
// what this coordinator expects is rejected, never merged: `report` names the worker and what
// differs, and the job is queued again (a new message id) for a worker of this build. A job
// rejected kMaxJobRejections times in one run fails the run, naming each worker and what differed:
// without the limit, workers of another build alone would keep taking the job back for ever.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "sim/batch/seed_job.h"
#include "sim/queue/work_queue.h"

namespace backbeat::sim::queue {

inline constexpr std::uint64_t kDefaultJobSize = 10;  // seeds per job unless --job-size says

struct CoordinatorOptions {
  std::uint64_t job_size = kDefaultJobSize;
  Duration ack_wait = std::chrono::seconds(30);  // the worker consumer's (work_queue.h ensure())
  std::string build;                             // this binary's build_identity()
  // Polled between waits; true stops (Ctrl-C): the result is marked interrupted.
  std::function<bool()> stop;
  // After each accepted result: seeds done (resumed ones included) out of the total.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
  // One line for the user (resumed jobs, rejected results), without a trailing newline.
  std::function<void(const std::string& line)> report;
};

// `job` cut into consecutive jobs of at most job_size seeds, in seed order.
std::vector<batch::SeedJob> split_job(const batch::SeedJob& job, std::uint64_t job_size);

// A job that workers could not run (a failure message, queue_messages.h) is queued again; after
// this many failures the run fails, naming each worker and its reason.
inline constexpr std::uint64_t kMaxJobFailures = 3;
// A job whose results were rejected (another build, another scenario) this many times fails the
// run. Higher than kMaxJobFailures: in a fleet being upgraded, old workers may take a job a few
// times before a current one does (with half the workers old, one job in a thousand).
inline constexpr std::uint64_t kMaxJobRejections = 10;

// Runs `job` through the queue and returns its records for every seed, ascending, as
// run_seed_job would. Interrupted: the records of the jobs finished so far, interrupted = true.
// Errors: the queue's (no JetStream, permission denied) when it cannot even start; kInternal when
// a job failed kMaxJobFailures times or was rejected kMaxJobRejections times (results read back
// from an earlier run of the command count towards neither).
Result<batch::JobResult> run_on_queue(WorkQueue& queue, const batch::SeedJob& job,
                                      const CoordinatorOptions& options);

}  // namespace backbeat::sim::queue
