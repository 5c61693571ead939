// What travels on the work queue (sim/queue/work_queue.h), as JSON: a job message (a SeedJob and
// where its result belongs) and a result message (the JobResult, with who computed it).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "sim/batch/seed_job.h"

namespace backbeat::sim::queue {

struct JobMessage {
  std::string run_id;       // run_id.h
  std::uint64_t index = 0;  // the job's place in its run, 0-based, in seed order
  batch::SeedJob job;
};

struct ResultMessage {
  std::string run_id;
  std::uint64_t index = 0;
  std::string worker;  // the worker's --name, for messages about the result
  batch::JobResult result;
  // Non-empty: the worker could not run the job (its scenario does not load there, ...) and says
  // why; `result` is then empty. The coordinator queues the job again a few times, then fails.
  std::string error;
};

// {run_id, index, job: seed_job_json}; the parse functions name the field that is wrong
// (kInvalidArgument), including the job's own fields and records.
std::string job_message_text(const JobMessage& m);
Result<JobMessage> parse_job_message(std::string_view text);

// {run_id, index, worker, result: job_result_json}, or {run_id, index, worker, error} when the
// worker could not run the job.
std::string result_message_text(const ResultMessage& m);
Result<ResultMessage> parse_result_message(std::string_view text);

}  // namespace backbeat::sim::queue
