// The work queue's promises against a real nats-server -js: a job goes to one worker, comes back
// after AckWait when its worker vanishes, stays away while the worker says it is in progress;
// re-enqueueing and a redelivered job's second result are de-duplicated; results are read back
// (resume: exactly what the stream held, without waiting for quiet) and survive a server restart
// on the same store.
#include "sim/queue/work_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "sim/queue/queue_messages.h"
#include "sim/queue/run_id.h"
#include "tests/live/nats_server.h"

namespace backbeat::sim::queue {
namespace {

using namespace std::chrono_literals;
using live::testing::NatsServer;
using live::testing::NatsServerOptions;

NatsServerOptions jetstream() {
  NatsServerOptions o;
  o.jetstream = true;
  return o;
}

std::unique_ptr<WorkQueue> connect(const NatsServer& server) {
  live::NatsOptions o;
  o.servers = server.url();
  o.name = "work_queue_test";
  o.reconnect_wait = 100ms;
  Result<std::unique_ptr<WorkQueue>> q = WorkQueue::connect(o);
  EXPECT_TRUE(q.is_ok()) << q.status().message();
  return q.is_ok() ? std::move(q).value() : nullptr;
}

// Every result payload of `run` until `count` arrived or 10 s passed.
std::vector<std::string> read_results(WorkQueue& q, const std::string& run, std::size_t count) {
  auto reader = q.results(run);
  std::vector<std::string> all;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
    for (StoredResult& r : reader->next(200ms)) all.push_back(std::move(r.payload));
  }
  // Nothing more comes (no duplicate arrives late).
  for (StoredResult& r : reader->next(300ms)) all.push_back(std::move(r.payload));
  return all;
}

TEST(WorkQueueTest, RunIdDependsOnEveryPartAndNothingElse) {
  const std::string base = run_id("sweep", "00112233aabbccdd", 1, 100, 10);
  EXPECT_EQ(base, run_id("sweep", "00112233aabbccdd", 1, 100, 10));
  EXPECT_EQ(base.size(), 16u);
  EXPECT_NE(base, run_id("tune", "00112233aabbccdd", 1, 100, 10));
  EXPECT_NE(base, run_id("sweep", "00112233aabbccde", 1, 100, 10));
  EXPECT_NE(base, run_id("sweep", "00112233aabbccdd", 2, 100, 10));
  EXPECT_NE(base, run_id("sweep", "00112233aabbccdd", 1, 101, 10));
  EXPECT_NE(base, run_id("sweep", "00112233aabbccdd", 1, 100, 11));
}

// Messages come from other machines: nesting is refused before parsing, because copying or
// printing a deeply nested value recurses once per level (a crash, not an error).
TEST(WorkQueueTest, MessagesNestedTooDeepAreRefusedBeforeParsing) {
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  Result<ResultMessage> result = parse_result_message(
      R"({"run_id":"r","index":0,"worker":"w","result":{"records":[)" + deep + "]}}");
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().message(),
            "result message: arrays and objects nested deeper than 256 levels (at byte 311)");
  Result<JobMessage> job = parse_job_message(R"({"run_id":"r","index":0,"job":)" + deep + "}");
  ASSERT_FALSE(job.is_ok());
  EXPECT_NE(job.status().message().find("job message: arrays and objects nested deeper than"),
            std::string::npos)
      << job.status().message();
}

TEST(WorkQueueTest, WithoutJetStreamEnsureSaysSo) {
  NatsServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto q = connect(server);
  ASSERT_TRUE(q);
  Status s = q->ensure(2s);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.message();
  EXPECT_NE(s.message().find("nats-server -js"), std::string::npos) << s.message();
}

TEST(WorkQueueTest, WorkerBeforeAnyCoordinatorIsToldTheConsumerIsMissing) {
  NatsServer server(jetstream());
  ASSERT_TRUE(server.ok()) << server.error();
  auto q = connect(server);
  ASSERT_TRUE(q);
  Result<Duration> wait = q->ack_wait();
  EXPECT_EQ(wait.status().code(), StatusCode::kNotFound);
}

TEST(WorkQueueTest, EachJobGoesToOneWorkerAndReenqueueingStoresItOnce) {
  NatsServer server(jetstream());
  ASSERT_TRUE(server.ok()) << server.error();
  auto coordinator = connect(server);
  ASSERT_TRUE(coordinator);
  ASSERT_TRUE(coordinator->ensure(2s).is_ok());
  ASSERT_TRUE(coordinator->ensure(2s).is_ok()) << "ensure is idempotent";
  Result<Duration> wait = coordinator->ack_wait();
  ASSERT_TRUE(wait.is_ok());
  EXPECT_EQ(*wait, std::chrono::duration_cast<Duration>(2s));
  for (int round = 0; round < 2; ++round) {
    for (std::uint64_t i = 0; i < 4; ++i) {
      ASSERT_TRUE(coordinator->publish_job("run1", i, "job " + std::to_string(i)).is_ok());
    }
  }
  auto a = connect(server);
  auto b = connect(server);
  ASSERT_TRUE(a && b);
  std::multiset<std::string> taken;
  for (int i = 0; i < 6; ++i) {
    WorkQueue& w = i % 2 ? *a : *b;
    auto job = w.take(300ms);
    ASSERT_TRUE(job.is_ok()) << job.status().message();
    if (!*job) continue;
    taken.insert(std::string((**job)->payload()));
    EXPECT_TRUE((**job)->ack().is_ok());
  }
  EXPECT_EQ(taken, (std::multiset<std::string>{"job 0", "job 1", "job 2", "job 3"}));
}

TEST(WorkQueueTest, AJobNotAcknowledgedComesBackAfterAckWaitUnlessInProgress) {
  NatsServer server(jetstream());
  ASSERT_TRUE(server.ok()) << server.error();
  auto q = connect(server);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->ensure(1s).is_ok());
  ASSERT_TRUE(q->publish_job("run2", 0, "slow").is_ok());
  ASSERT_TRUE(q->publish_job("run2", 1, "lost").is_ok());

  auto slow = q->take(1s);
  auto lost = q->take(1s);
  ASSERT_TRUE(slow.is_ok() && *slow && lost.is_ok() && *lost);
  lost->reset();  // its worker died: no ack, no nak
  auto other = connect(server);
  ASSERT_TRUE(other);
  // The slow job is kept alive for 3 AckWaits; only the lost one comes back, once.
  std::vector<std::string> redelivered;
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE((**slow)->in_progress().is_ok());
    auto again = other->take(300ms);
    ASSERT_TRUE(again.is_ok());
    if (*again) {
      redelivered.emplace_back((**again)->payload());
      EXPECT_EQ((**again)->times_delivered(), 2u);
      EXPECT_TRUE((**again)->ack().is_ok());
    }
  }
  EXPECT_EQ(redelivered, std::vector<std::string>{"lost"});
  EXPECT_TRUE((**slow)->nak().is_ok());
  // Taken on the first connection: `other` may still have a timed-out pull request open on the
  // server, which would swallow the redelivery until AckWait.
  auto back = q->take(1s);
  ASSERT_TRUE(back.is_ok() && *back) << "a nak'ed job is delivered again before AckWait";
  EXPECT_EQ((**back)->payload(), "slow");
}

TEST(WorkQueueTest, ResultsAreReadBackOncePerBuildAndSurviveAServerRestart) {
  NatsServer server(jetstream());
  ASSERT_TRUE(server.ok()) << server.error();
  auto q = connect(server);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->ensure(2s).is_ok());
  ASSERT_TRUE(q->publish_result("run3", 0, 1, "build A", "r0").is_ok());
  ASSERT_TRUE(q->publish_result("run3", 0, 1, "build A", "r0 again").is_ok());  // de-duplicated
  ASSERT_TRUE(
      q->publish_result("run3", 0, 1, "build B", "r0 by B").is_ok());  // another build: kept
  ASSERT_TRUE(q->publish_result("run4", 0, 1, "build A", "other run").is_ok());
  EXPECT_EQ(read_results(*q, "run3", 2), (std::vector<std::string>{"r0", "r0 by B"}));

  auto reader = q->results("run3");
  std::vector<std::string> seen;
  for (int i = 0; i < 10 && seen.size() < 2; ++i) {
    for (StoredResult& r : reader->next(200ms)) seen.push_back(std::move(r.payload));
  }
  ASSERT_EQ(seen.size(), 2u);
  server.kill();
  ASSERT_TRUE(server.restart()) << server.error();
  // Publishing may fail while the client reconnects: retry as the worker does.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!q->publish_result("run3", 1, 2, "build A", "r1").is_ok() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (seen.size() < 3 && std::chrono::steady_clock::now() < until) {
    for (StoredResult& r : reader->next(200ms)) seen.push_back(std::move(r.payload));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"r0", "r0 by B", "r1"}));
  for (StoredResult& r : reader->next(300ms)) seen.push_back(std::move(r.payload));
  EXPECT_EQ(seen.size(), 3u) << "nothing read twice after the restart";
}

TEST(WorkQueueTest, TheBacklogIsEveryStoredResultOfTheRunInOrderThenNextReadsOnlyNewOnes) {
  NatsServer server(jetstream());
  ASSERT_TRUE(server.ok()) << server.error();
  auto q = connect(server);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->ensure(2s).is_ok());
  // More than one fetch holds (256), interleaved with a run whose id extends this one's.
  std::vector<StoredResult> stored;
  for (std::uint64_t i = 0; i < 300; ++i) {
    stored.push_back({i, "r" + std::to_string(i)});
    ASSERT_TRUE(q->publish_result("run5", i, i + 1, "build A", stored.back().payload).is_ok());
    if (i % 100 == 0) {
      ASSERT_TRUE(q->publish_result("run50", i, i + 1, "build A", "other").is_ok());
    }
  }
  auto reader = q->results("run5");
  Result<std::vector<StoredResult>> backlog = reader->backlog(5s);
  ASSERT_TRUE(backlog.is_ok()) << backlog.status().message();
  EXPECT_EQ(*backlog, stored) << "each payload with the job index its subject names";
  ASSERT_TRUE(q->publish_result("run5", 300, 301, "build A", "late").is_ok());
  std::vector<StoredResult> later;
  for (int i = 0; i < 10 && later.empty(); ++i) later = reader->next(200ms);
  EXPECT_EQ(later, (std::vector<StoredResult>{{300, "late"}}));

  auto empty = q->results("run6");
  Result<std::vector<StoredResult>> none = empty->backlog(5s);
  ASSERT_TRUE(none.is_ok()) << none.status().message();
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(q->publish_failure("run6", 7, 1, "w", 1, "first").is_ok());
  for (int i = 0; i < 10 && later.size() < 2; ++i) {
    for (StoredResult& r : empty->next(200ms)) later.push_back(std::move(r));
  }
  EXPECT_EQ(later, (std::vector<StoredResult>{{300, "late"}, {7, "first"}}));
}

TEST(WorkQueueTest, TheBacklogWithoutAServerIsAnErrorNotAnEmptyRun) {
  NatsServer server(jetstream());
  ASSERT_TRUE(server.ok()) << server.error();
  auto q = connect(server);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->ensure(2s).is_ok());
  ASSERT_TRUE(q->publish_result("run7", 0, 1, "build A", "r0").is_ok());
  server.kill();
  Result<std::vector<StoredResult>> backlog = q->results("run7")->backlog(1s);
  EXPECT_FALSE(backlog.is_ok()) << "an unreachable server read as a run with no results";
}

}  // namespace
}  // namespace backbeat::sim::queue
