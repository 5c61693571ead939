// WorkQueue: sweeps and tunes spread over machines through a NATS JetStream work queue. Jobs and
// results are opaque bytes here (sim/batch's SeedJob and JobResult as JSON); this file knows only
// where they live and how they move.
//
// Layout on the server (created by ensure() when missing, file storage, one replica):
//   stream  BACKBEAT_JOBS     subjects backbeat.queue.jobs.RUN          retention: work queue
//     A job stays until one worker acknowledges it; unacknowledged after the consumer's AckWait,
//     it is delivered again (to any worker). Message id RUN.INDEX: publishing a job twice within
//     the de-duplication window (1 h) stores it once, so re-enqueueing is idempotent.
//   consumer backbeat-workers  durable pull consumer on BACKBEAT_JOBS, explicit acknowledgement,
//     AckWait set by the coordinator (ensure()); every worker of every run shares it.
//   stream  BACKBEAT_RESULTS  subjects backbeat.queue.results.RUN.INDEX retention: limits
//     One message per finished job, kept (7 days) so a coordinator restarted with the same command
//     reads back what is done. Message id RUN.INDEX.jSEQ.BUILD, SEQ the job message's sequence in
//     BACKBEAT_JOBS: a redelivered job's second result from the same build is stored once (and
//     the coordinator keeps one result per index anyway), while the answer to a job queued again
//     (a new job message) is always stored, or a coordinator waiting for it would wait for ever.
// RUN is a run id (run_id.h): a digest of what the jobs compute, so the same command resumes.
//
// Threading: one WorkQueue per thread, except that Delivery::in_progress() may be called from
// another thread while the owner runs the job (nats.c publishes are thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/nats/nats_transport.h"
#include "core/status.h"
#include "core/time.h"

typedef struct __jsCtx jsCtx;      // NOLINT
typedef struct __natsMsg natsMsg;  // NOLINT

namespace backbeat::sim::queue {

inline constexpr const char* kJobStream = "BACKBEAT_JOBS";
inline constexpr const char* kJobSubjectPrefix = "backbeat.queue.jobs.";
inline constexpr const char* kWorkerConsumer = "backbeat-workers";
inline constexpr const char* kResultStream = "BACKBEAT_RESULTS";
inline constexpr const char* kResultSubjectPrefix = "backbeat.queue.results.";

// One job taken from the queue. Destroying it without ack() or nak() leaves the job to be
// redelivered after AckWait (what a killed worker does).
class Delivery {
 public:
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  ~Delivery();

  std::string_view payload() const;
  std::uint64_t times_delivered() const { return times_delivered_; }  // 1 the first time
  // The job message's sequence in BACKBEAT_JOBS: the same for every delivery of this message,
  // different for the same job queued again. Answers name it (publish_result, publish_failure).
  std::uint64_t job_sequence() const { return job_sequence_; }
  // "Still working": restarts the job's AckWait. Any thread.
  Status in_progress();
  // Done: the job leaves the queue (waits for the server's confirmation).
  Status ack();
  // Given back: delivered again at once, to any worker.
  Status nak();

 private:
  friend class WorkQueue;
  explicit Delivery(natsMsg* msg);
  natsMsg* msg_;
  std::uint64_t times_delivered_ = 1;
  std::uint64_t job_sequence_ = 0;
};

// One message of the result stream: its payload and the job index its subject names
// (backbeat.queue.results.RUN.INDEX), which stays readable when the payload is not.
struct StoredResult {
  std::optional<std::uint64_t> index;  // nullopt: the subject's last token is not a number
  std::string payload;
  bool operator==(const StoredResult&) const = default;
};

// The result messages of one run, read from the start of the result stream and then as they
// arrive. Survives a server restart: after an error it resubscribes after the last message read.
class ResultReader {
 public:
  ResultReader(const ResultReader&) = delete;
  ResultReader& operator=(const ResultReader&) = delete;
  ~ResultReader();

  // Every message the stream held for the run when this reader subscribed (in stream order),
  // without waiting for the stream to fall quiet: the consumer's pending count says how many
  // there are. Call it first. An error when no server answered within `patience` (each attempt
  // may take the JetStream timeout, 5 s).
  Result<std::vector<StoredResult>> backlog(Duration patience);
  // The messages not read yet (in stream order), waiting up to `wait` for the first one; empty
  // on timeout. Errors are retried on the next call (the connection reconnects by itself).
  std::vector<StoredResult> next(Duration wait);

 private:
  friend class WorkQueue;
  ResultReader(live::NatsTransport& transport, jsCtx* js, std::string subject);
  bool subscribe();

  live::NatsTransport& transport_;  // the queue's: outlives every reader it hands out
  jsCtx* js_;
  std::string subject_;
  struct Subscription;
  std::unique_ptr<Subscription> sub_;
  std::uint64_t last_sequence_ = 0;  // stream sequence of the last message read
};

class WorkQueue {
 public:
  // Connects with the live mode's options (security included) and opens JetStream. Errors as
  // live::NatsTransport::connect.
  static Result<std::unique_ptr<WorkQueue>> connect(const live::NatsOptions& options);
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;
  ~WorkQueue();

  // Creates the two streams and the worker consumer if missing, and sets the consumer's AckWait.
  // kFailedPrecondition when the server has no JetStream (nats-server -js).
  Status ensure(Duration ack_wait);
  // The worker consumer's AckWait (workers signal progress at a third of it); kNotFound when no
  // coordinator created the consumer yet.
  Result<Duration> ack_wait();

  // `attempt` > 0 queues the job again on purpose (a new message id: RUN.INDEX.rATTEMPT), e.g.
  // after its result was rejected.
  Status publish_job(std::string_view run_id, std::uint64_t index, std::string_view payload,
                     std::uint64_t attempt = 0);
  // The answer to the job message `job_sequence` (Delivery::job_sequence()). `build` (any text)
  // is part of the message id: results of different builds are both kept.
  Status publish_result(std::string_view run_id, std::uint64_t index, std::uint64_t job_sequence,
                        std::string_view build, std::string_view payload);
  // A worker's "could not run this job": on the result subject, with a message id of its own
  // (job message, worker and delivery), so it never de-duplicates a result, nor another
  // worker's failure, nor this worker's failure of the job queued again.
  Status publish_failure(std::string_view run_id, std::uint64_t index, std::uint64_t job_sequence,
                         std::string_view worker, std::uint64_t delivery, std::string_view payload);

  // Waits up to `wait` for a job; nullopt when none came.
  Result<std::optional<std::unique_ptr<Delivery>>> take(Duration wait);

  std::unique_ptr<ResultReader> results(std::string_view run_id);

 private:
  WorkQueue() = default;
  Status publish(const std::string& subject, const std::string& msg_id, std::string_view payload);

  live::EventLoop loop_;  // the transport's; never run (nothing here subscribes through it)
  std::unique_ptr<live::NatsTransport> transport_;
  jsCtx* js_ = nullptr;
  struct Puller;
  std::unique_ptr<Puller> puller_;
};

}  // namespace backbeat::sim::queue
