#include "sim/queue/coordinator.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "sim/queue/queue_messages.h"
#include "sim/queue/run_id.h"

namespace backbeat::sim::queue {
namespace {

using namespace std::chrono_literals;

// Why `m` cannot stand for job `index` of the run (`expected`), or "" when it can.
std::string mismatch(const ResultMessage& m, const batch::SeedJob& expected,
                     const std::string& build) {
  const batch::JobResult& r = m.result;
  if (r.kind != expected.kind) {
    return fmt::format("it is a {} result, this run is a {}", batch::job_kind_name(r.kind),
                       batch::job_kind_name(expected.kind));
  }
  if (r.scenario_digest != expected.scenario_digest) {
    return fmt::format("scenario digest {} differs from this run's {}", r.scenario_digest,
                       expected.scenario_digest);
  }
  if (r.build != build) {
    return fmt::format("build '{}' differs from this coordinator's '{}'", r.build, build);
  }
  if (r.first_seed != expected.first_seed || r.last_seed != expected.last_seed) {
    return fmt::format("seeds {}..{} are not the job's {}..{}", r.first_seed, r.last_seed,
                       expected.first_seed, expected.last_seed);
  }
  if (r.interrupted) return "the worker was interrupted before every seed finished";
  return {};
}

}  // namespace

std::vector<batch::SeedJob> split_job(const batch::SeedJob& job, std::uint64_t job_size) {
  std::vector<batch::SeedJob> jobs;
  const std::uint64_t size = std::max<std::uint64_t>(1, job_size);
  for (std::uint64_t first = job.first_seed;; first += size) {
    batch::SeedJob part = job;
    part.first_seed = first;
    part.last_seed = job.last_seed - first < size ? job.last_seed : first + size - 1;
    jobs.push_back(std::move(part));
    if (jobs.back().last_seed == job.last_seed) break;
  }
  return jobs;
}

Result<batch::JobResult> run_on_queue(WorkQueue& queue, const batch::SeedJob& job,
                                      const CoordinatorOptions& options) {
  auto report = [&](const std::string& line) {
    if (options.report) options.report(line);
  };
  if (Status s = queue.ensure(options.ack_wait); !s) return s;
  const std::vector<batch::SeedJob> jobs = split_job(job, options.job_size);
  const std::string run = run_id(batch::job_kind_name(job.kind), job.scenario_digest,
                                 job.first_seed, job.last_seed, options.job_size);

  std::map<std::uint64_t, batch::JobResult> done;   // by job index
  std::map<std::uint64_t, std::uint64_t> attempts;  // re-queued jobs: each needs a new message id
  std::map<std::uint64_t, std::vector<std::string>> failures;  // by job index: worker: why
  std::optional<Status> failed;                                // a job failed too often
  // While reading back what the stream holds, failures of an earlier run of the command are
  // only counted for fresh message ids: the workers may have been fixed since.
  bool resuming = true;
  std::uint64_t seeds_done = 0;
  auto take = [&](const std::string& text) {
    Result<ResultMessage> m = parse_result_message(text);
    if (!m) {
      report(fmt::format("ignored a malformed result of run {}: {}", run, m.status().message()));
      return;
    }
    if (m->run_id != run || m->index >= jobs.size()) {
      report(
          fmt::format("ignored a result for job {} of run {} from worker '{}': not a job of "
                      "run {} ({} jobs)",
                      m->index, m->run_id, m->worker, run, jobs.size()));
      return;
    }
    if (done.count(m->index) != 0) return;  // a redelivered job's second result: counted once
    const batch::SeedJob& expected = jobs[m->index];
    if (!m->error.empty()) {
      if (resuming) {
        ++attempts[m->index];
        return;
      }
      std::vector<std::string>& why = failures[m->index];
      why.push_back(fmt::format("worker '{}': {}", m->worker, m->error));
      report(fmt::format("worker '{}' could not run job {} (seeds {}..{}): {}", m->worker, m->index,
                         expected.first_seed, expected.last_seed, m->error));
      if (why.size() >= kMaxJobFailures) {
        std::string all;
        for (const std::string& w : why) all += (all.empty() ? "" : "; ") + w;
        failed = Status::internal(fmt::format("job {} (seeds {}..{}) of run {} failed {} times: {}",
                                              m->index, expected.first_seed, expected.last_seed,
                                              run, why.size(), all));
        return;
      }
      Status s = queue.publish_job(run, m->index, job_message_text({run, m->index, expected}),
                                   ++attempts[m->index]);
      if (!s) report(fmt::format("could not queue job {} again: {}", m->index, s.message()));
      return;
    }
    if (std::string why = mismatch(*m, expected, options.build); !why.empty()) {
      const std::uint64_t attempt = ++attempts[m->index];
      report(
          fmt::format("rejected the result of job {} (seeds {}..{}) from worker '{}': {}; the "
                      "job is queued again",
                      m->index, expected.first_seed, expected.last_seed, m->worker, why));
      Status s =
          queue.publish_job(run, m->index, job_message_text({run, m->index, expected}), attempt);
      if (!s) report(fmt::format("could not queue job {} again: {}", m->index, s.message()));
      return;
    }
    seeds_done += expected.seed_count();
    done.emplace(m->index, std::move(m->result));
    if (options.on_progress) options.on_progress(seeds_done, job.seed_count());
  };

  // Resume: what the result stream already holds for this run.
  std::unique_ptr<ResultReader> reader = queue.results(run);
  Result<std::vector<std::string>> stored = reader->backlog(10s);
  if (!stored) return stored.status();
  for (const std::string& text : *stored) take(text);
  if (!done.empty()) {
    report(fmt::format("run {}: {} of {} jobs already have a result; queueing the other {}", run,
                       done.size(), jobs.size(), jobs.size() - done.size()));
  }
  resuming = false;
  for (std::uint64_t i = 0; i < jobs.size(); ++i) {
    if (done.count(i) != 0) continue;
    const std::string text = job_message_text({run, i, jobs[i]});
    // A job that failed before is queued under a message id not used yet (the server would
    // drop a repeat within its de-duplication window).
    const std::uint64_t attempt = attempts.count(i) != 0 ? attempts[i] : 0;
    Status s = queue.publish_job(run, i, text, attempt);
    for (int retry = 0; !s && retry < 50 && !(options.stop && options.stop()); ++retry) {
      std::this_thread::sleep_for(200ms);  // the connection may be coming back
      s = queue.publish_job(run, i, text, attempt);
    }
    if (!s) return s;
  }

  bool interrupted = false;
  while (done.size() < jobs.size()) {
    if (failed) return *failed;
    if (options.stop && options.stop()) {
      interrupted = true;
      break;
    }
    for (const std::string& text : reader->next(200ms)) take(text);
  }

  batch::JobResult out;
  out.kind = job.kind;
  out.scenario_digest = job.scenario_digest;
  out.build = options.build;
  out.first_seed = job.first_seed;
  out.last_seed = job.last_seed;
  out.interrupted = interrupted;
  for (auto& [index, result] : done) {
    for (nlohmann::json& record : result.records) out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace backbeat::sim::queue
