#include "sim/queue/coordinator.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "core/echo_text.h"
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
    return fmt::format("scenario digest {} differs from this run's {}",
                       echo_text(r.scenario_digest), expected.scenario_digest);
  }
  if (r.build != build) {
    return fmt::format("build '{}' differs from this coordinator's '{}'", echo_text(r.build),
                       build);
  }
  if (r.first_seed != expected.first_seed || r.last_seed != expected.last_seed) {
    return fmt::format("seeds {}..{} are not the job's {}..{}", r.first_seed, r.last_seed,
                       expected.first_seed, expected.last_seed);
  }
  if (r.interrupted) return "the worker was interrupted before every seed finished";
  return {};
}

// "a; b (3 times)": each reason once, in first-seen order, with how often it came.
std::string distinct_reasons(const std::vector<std::string>& reasons) {
  std::vector<std::pair<std::string, int>> seen;
  for (const std::string& r : reasons) {
    auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == r; });
    if (it == seen.end()) {
      seen.emplace_back(r, 1);
    } else {
      ++it->second;
    }
  }
  std::string out;
  for (const auto& [reason, times] : seen) {
    out += (out.empty() ? "" : "; ") + reason;
    if (times > 1) out += fmt::format(" ({} times)", times);
  }
  return out;
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
  std::map<std::uint64_t, std::vector<std::string>> failures;    // by job index: worker: why
  std::map<std::uint64_t, std::vector<std::string>> rejections;  // by job index: worker: why
  std::optional<Status> failed;  // a job failed or was rejected too often
  // While reading back what the stream holds, failures and rejections of an earlier run of the
  // command only move the job to a fresh message id (queued once the read-back is over): the
  // workers may have been fixed since, and a later message may hold a usable result.
  bool resuming = true;
  std::uint64_t seeds_done = 0;

  auto queue_again = [&](std::uint64_t index) {
    const std::uint64_t attempt = ++attempts[index];
    if (resuming) return;
    Status s = queue.publish_job(run, index, job_message_text({run, index, jobs[index]}), attempt);
    if (!s) report(fmt::format("could not queue job {} again: {}", index, s.message()));
  };
  // Job `index` answered with a result it cannot use (`why`, from `worker`).
  auto reject = [&](std::uint64_t index, const std::string& worker, const std::string& why) {
    const batch::SeedJob& expected = jobs[index];
    report(
        fmt::format("rejected the result of job {} (seeds {}..{}) from worker '{}': {}; the job "
                    "is queued again",
                    index, expected.first_seed, expected.last_seed, worker, why));
    if (!resuming) {
      std::vector<std::string>& all = rejections[index];
      all.push_back(fmt::format("worker '{}': {}", worker, why));
      if (all.size() >= kMaxJobRejections) {
        failed = Status::internal(fmt::format(
            "job {} (seeds {}..{}) of run {}: {} results rejected, none usable ({}); stop the "
            "workers of other builds or scenarios, or start workers of this build ({})",
            index, expected.first_seed, expected.last_seed, run, all.size(), distinct_reasons(all),
            options.build));
        return;
      }
    }
    queue_again(index);
  };
  auto take = [&](const StoredResult& stored) {
    // The subject says which job this answers, even when the payload cannot be read: an
    // unreadable answer still has to send its job back to the queue, or the run waits for ever.
    if (!stored.index || *stored.index >= jobs.size()) {
      report(
          fmt::format("ignored a result of run {} on a subject that names no job of it ({} jobs)",
                      run, jobs.size()));
      return;
    }
    const std::uint64_t index = *stored.index;
    if (done.count(index) != 0) return;  // a redelivered job's second result: counted once
    Result<ResultMessage> m = parse_result_message(stored.payload);
    if (!m) {
      reject(index, "?", "an unreadable result: " + m.status().message());
      return;
    }
    if (m->run_id != run || m->index != index) {
      reject(index, m->worker,
             fmt::format("it answers job {} of run {}, not job {} of run {}", m->index, m->run_id,
                         index, run));
      return;
    }
    const batch::SeedJob& expected = jobs[index];
    if (!m->error.empty()) {
      if (resuming) {
        queue_again(index);
        return;
      }
      std::vector<std::string>& why = failures[index];
      why.push_back(fmt::format("worker '{}': {}", m->worker, m->error));
      report(fmt::format("worker '{}' could not run job {} (seeds {}..{}): {}", m->worker, index,
                         expected.first_seed, expected.last_seed, m->error));
      if (why.size() >= kMaxJobFailures) {
        failed = Status::internal(fmt::format("job {} (seeds {}..{}) of run {} failed {} times: {}",
                                              index, expected.first_seed, expected.last_seed, run,
                                              why.size(), distinct_reasons(why)));
        return;
      }
      queue_again(index);
      return;
    }
    if (std::string why = mismatch(*m, expected, options.build); !why.empty()) {
      reject(index, m->worker, why);
      return;
    }
    seeds_done += expected.seed_count();
    done.emplace(index, std::move(m->result));
    if (options.on_progress) options.on_progress(seeds_done, job.seed_count());
  };

  // Resume: what the result stream already holds for this run.
  std::unique_ptr<ResultReader> reader = queue.results(run);
  Result<std::vector<StoredResult>> stored = reader->backlog(10s);
  if (!stored) return stored.status();
  for (const StoredResult& r : *stored) take(r);
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
    for (const StoredResult& r : reader->next(200ms)) take(r);
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
