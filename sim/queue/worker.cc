#include "sim/queue/worker.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sim/queue/queue_messages.h"

namespace backbeat::sim::queue {
namespace {

using namespace std::chrono_literals;

// Sends "in progress" for `delivery` every `period` until destroyed.
class Heartbeat {
 public:
  Heartbeat(Delivery& delivery, Duration period)
      : thread_([this, &delivery, period] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, period, [this] { return done_; })) {
            lock.unlock();
            (void)delivery.in_progress();  // a lost one is retried next period
            lock.lock();
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

void say(const WorkerOptions& o, const std::string& line) {
  if (o.log == nullptr) return;
  std::fprintf(o.log, "worker %s: %s\n", o.name.c_str(), line.c_str());
  std::fflush(o.log);
}

bool stopped(const WorkerOptions& o) {
  return o.stop && o.stop();
}

}  // namespace

Status run_worker(WorkQueue& queue, const WorkerOptions& options) {
  // The consumer's AckWait, once a coordinator has created it.
  Duration ack_wait{};
  bool told_waiting = false;
  for (;;) {
    if (stopped(options)) return Status::ok();
    Result<Duration> wait = queue.ack_wait();
    if (wait) {
      ack_wait = *wait;
      break;
    }
    if (wait.status().code() != StatusCode::kNotFound) return wait.status();
    if (!told_waiting)
      say(options, "waiting for a coordinator (sweep/tune --nats) to create the queue");
    told_waiting = true;
    std::this_thread::sleep_for(500ms);
  }
  const Duration heartbeat = std::max<Duration>(ack_wait / 3, std::chrono::milliseconds(50));

  std::uint64_t taken = 0;
  while (!stopped(options) && (!options.max_jobs || taken < *options.max_jobs)) {
    Result<std::optional<std::unique_ptr<Delivery>>> next = queue.take(500ms);
    if (!next) {  // the server may be restarting: the connection reconnects by itself
      std::this_thread::sleep_for(200ms);
      continue;
    }
    if (!*next) continue;
    Delivery& delivery = ***next;
    Result<JobMessage> message = parse_job_message(delivery.payload());
    if (!message) {
      say(options, "dropped a job it cannot read: " + message.status().message());
      (void)delivery.ack();  // redelivering it would fail the same way on every worker
      continue;
    }
    ++taken;
    const batch::SeedJob& job = message->job;
    say(options, fmt::format("took job {} of run {}: seeds {}..{}{}", message->index,
                             message->run_id, job.first_seed, job.last_seed,
                             delivery.times_delivered() > 1
                                 ? fmt::format(" (delivery {})", delivery.times_delivered())
                                 : std::string()));
    const auto start = std::chrono::steady_clock::now();
    Result<batch::JobResult> result = Status::internal("not run");
    {
      Heartbeat alive(delivery, heartbeat);
      batch::JobRunOptions run;
      run.jobs = options.jobs;
      run.stop = options.stop;
      result = batch::run_seed_job(job, run);
    }
    if (!result) {
      // Tell the coordinator (it queues the job again, then gives up naming the reasons), rather
      // than leaving it waiting for a result that never comes.
      say(options,
          fmt::format("could not run job {}: {}", message->index, result.status().message()));
      ResultMessage failure{
          message->run_id, message->index, options.name, {}, result.status().message()};
      Status told = queue.publish_failure(message->run_id, message->index, delivery.job_sequence(),
                                          options.name, delivery.times_delivered(),
                                          result_message_text(failure));
      if (!told) say(options, "could not report it: " + told.message());
      (void)delivery.ack();
      continue;
    }
    if (result->interrupted || stopped(options)) {
      (void)delivery.nak();
      say(options, fmt::format("gave job {} back (stopping)", message->index));
      break;
    }
    result->build = options.build;
    const std::string text = result_message_text(
        {message->run_id, message->index, options.name, std::move(*result), {}});
    auto publish = [&] {
      return queue.publish_result(message->run_id, message->index, delivery.job_sequence(),
                                  options.build, text);
    };
    Status published = publish();
    while (!published && !stopped(options)) {  // keep the job (in progress) until it is out
      (void)delivery.in_progress();
      std::this_thread::sleep_for(200ms);
      published = publish();
    }
    if (!published) {
      (void)delivery.nak();
      say(options,
          fmt::format("gave job {} back (stopping before its result was sent)", message->index));
      break;
    }
    (void)delivery.ack();  // lost: the job comes back, its second result is counted once
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    say(options, fmt::format("done job {}: {} seeds in {:.2f} s ({:.2f} seeds/s)", message->index,
                             job.seed_count(), seconds,
                             seconds > 0 ? static_cast<double>(job.seed_count()) / seconds : 0.0));
  }
  return Status::ok();
}

}  // namespace backbeat::sim::queue
