// sweep/tune --nats and `backbeat-sim worker` as processes of the real binary, against a real
// nats-server -js, under the faults issue 15 names: a worker SIGKILLed mid-job, the coordinator
// killed and restarted with the same command, the server killed and restarted on its store, and
// a result from another build. Each time the output must be byte-identical to a local run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "sim/batch/seed_job.h"
#include "sim/queue/queue_messages.h"
#include "sim/queue/work_queue.h"
#include "tests/live/nats_server.h"

namespace backbeat::sim::queue {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using live::testing::NatsServer;
using live::testing::NatsServerOptions;

const std::string kSim = BACKBEAT_SIM_BINARY;
// 60 seeds of the shipped swarm scenario in 6 jobs of 10 (about a second each on one thread).
const std::string kSweep = "sweep swarm --seeds 1..60 -q";
const std::string kQueueFlags = " --job-size 10 --ack-wait 2";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Everything but the wall time and the saved line (they name the machine's speed and folder).
std::string stable_lines(const std::string& text) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.rfind("time ", 0) == 0 || line.rfind("saved ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

// A child process running `command` through /bin/sh (exec'ed: the pid is the command's).
class Child {
 public:
  explicit Child(const std::string& command) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // The exit code (128 + signal when killed), or -1 after `timeout`.
  int wait(std::chrono::milliseconds timeout = 90s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

class QueueFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    NatsServerOptions o;
    o.jetstream = true;
    server_ = std::make_unique<NatsServer>(o);
    ASSERT_TRUE(server_->ok()) << server_->error();
    work_ = fs::temp_directory_path() /
            ("backbeat_queue_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(work_);
    fs::create_directories(work_);
    // The local twin every distributed output is compared with.
    ASSERT_EQ(std::system(
                  (kSim + " " + kSweep + " -j 2 --out " + path("local") + " > " + path("local.out"))
                      .c_str()),
              0);
  }
  void TearDown() override {
    workers_.clear();
    if (!HasFailure()) fs::remove_all(work_);
  }

  std::string path(const std::string& name) const { return (work_ / name).string(); }
  // The test's own connection to the queue (a forger, or a reader of results).
  Result<std::unique_ptr<WorkQueue>> connect_queue() const {
    live::NatsOptions o;
    o.servers = server_->url();
    return WorkQueue::connect(o);
  }

  void start_worker(const std::string& name, const std::string& extra = "") {
    workers_.push_back(std::make_unique<Child>(kSim + " worker --nats " + server_->url() +
                                               " -j 1 --name " + name + extra + " > " +
                                               path(name + ".log") + " 2>&1"));
  }
  std::unique_ptr<Child> coordinator(const std::string& out) {
    return std::make_unique<Child>(kSim + " " + kSweep + " --nats " + server_->url() + kQueueFlags +
                                   " --out " + path(out) + " > " + path(out + ".out") + " 2> " +
                                   path(out + ".err"));
  }
  // Waits until `file` contains `what` (10 s at most).
  bool wait_for(const std::string& file, const std::string& what) {
    return wait_until([&] { return read(work_ / file).find(what) != std::string::npos; });
  }
  // Waits until some worker's log contains `what` (10 s at most): which worker takes a job first
  // is up to the queue.
  bool wait_for_any_worker(const std::string& what) {
    return wait_until([&] { return all_worker_logs().find(what) != std::string::npos; });
  }
  template <typename Done>
  static bool wait_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  std::string all_worker_logs() const {
    std::string logs;
    for (const auto& entry : fs::directory_iterator(work_)) {
      if (entry.path().extension() == ".log") logs += read(entry.path());
    }
    return logs;
  }
  void expect_same_as_local(const std::string& out) {
    for (const char* file : {"sweep.json", "junit.xml"}) {
      EXPECT_EQ(read(work_ / out / file), read(work_ / "local" / file))
          << file << " differs from the local run's";
    }
    EXPECT_EQ(stable_lines(read(work_ / (out + ".out"))), stable_lines(read(work_ / "local.out")));
  }

  std::unique_ptr<NatsServer> server_;
  fs::path work_;
  std::vector<std::unique_ptr<Child>> workers_;
};

TEST_F(QueueFaults, AWorkerKilledMidJobLosesNothingAndTheOutputMatchesALocalRun) {
  // w1 alone first, so it is the one holding a job when it dies (with three workers started at
  // once, the other two may finish every job before w1 even finds the queue).
  start_worker("w1");
  auto sweep = coordinator("dist");
  ASSERT_TRUE(wait_for("w1.log", "took job")) << read(work_ / "w1.log");
  workers_[0]->signal(SIGKILL);  // mid-job: it never acks, never gives it back
  for (const char* name : {"w2", "w3"}) start_worker(name);
  ASSERT_EQ(sweep->wait(), 0) << read(work_ / "dist.err");
  expect_same_as_local("dist");
  const std::string logs = all_worker_logs();
  EXPECT_GE(count(logs, "(delivery 2)"), 1u) << "the killed worker's job came back\n" << logs;
}

TEST_F(QueueFaults, ASigtermedWorkerGivesItsJobBackAndExitsZero) {
  start_worker("w1");
  auto sweep = coordinator("dist");
  ASSERT_TRUE(wait_for("w1.log", "took job")) << read(work_ / "w1.log");
  workers_[0]->signal(SIGTERM);
  EXPECT_EQ(workers_[0]->wait(20s), 0) << read(work_ / "w1.log");
  const std::string log = read(work_ / "w1.log");
  EXPECT_NE(log.find("back (stopping)"), std::string::npos) << log;
  start_worker("w2");
  ASSERT_EQ(sweep->wait(), 0) << read(work_ / "dist.err");
  expect_same_as_local("dist");
}

TEST_F(QueueFaults, ACoordinatorRestartedWithTheSameCommandResumesWithoutRecomputing) {
  auto first = coordinator("dist");
  start_worker("w1", " --max-jobs 2");
  ASSERT_EQ(workers_[0]->wait(30s), 0) << read(work_ / "w1.log");
  first->signal(SIGKILL);
  first->wait();
  // The same command again, before any other worker runs: it finds the two results.
  auto second = coordinator("dist");
  ASSERT_TRUE(wait_for("dist.err", "2 of 6 jobs already have a result"))
      << read(work_ / "dist.err");
  for (const char* name : {"w2", "w3", "w4"}) start_worker(name);
  ASSERT_EQ(second->wait(), 0) << read(work_ / "dist.err");
  expect_same_as_local("dist");
  EXPECT_EQ(count(all_worker_logs(), "done job"), 6u) << "each job computed once\n"
                                                      << all_worker_logs();
}

TEST_F(QueueFaults, AServerKilledAndRestartedOnItsStoreLosesAndDoublesNothing) {
  for (const char* name : {"w1", "w2", "w3"}) start_worker(name);
  auto sweep = coordinator("dist");
  ASSERT_TRUE(wait_for_any_worker("done job")) << all_worker_logs();
  server_->kill();
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(server_->restart()) << server_->error();
  ASSERT_EQ(sweep->wait(), 0) << read(work_ / "dist.err");
  expect_same_as_local("dist");
}

TEST_F(QueueFaults, AResultOfAnotherBuildIsNamedAndNotMerged) {
  auto sweep = coordinator("dist");
  // A forger takes a job and answers it as a worker of another build would.
  Result<std::unique_ptr<WorkQueue>> q = connect_queue();
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  std::optional<std::unique_ptr<Delivery>> job;
  for (int i = 0; i < 50 && !job; ++i) {
    auto taken = (*q)->take(200ms);
    if (!taken.is_ok()) std::this_thread::sleep_for(200ms);  // no consumer yet
    if (taken.is_ok() && *taken) job = std::move(*taken);
  }
  ASSERT_TRUE(job) << "the coordinator queued no job";
  Result<JobMessage> message = parse_job_message((*job)->payload());
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  Result<batch::JobResult> result = batch::run_seed_job(message->job, {});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  result->build = "backbeat-sim 0.0.0; other compiler; commit 0000000; canary 0123456789abcdef";
  ASSERT_TRUE(
      (*q)->publish_result(message->run_id, message->index, (*job)->job_sequence(), result->build,
                           result_message_text(
                               {message->run_id, message->index, "forger", std::move(*result), {}}))
          .is_ok());
  ASSERT_TRUE((*job)->ack().is_ok());

  for (const char* name : {"w1", "w2"}) start_worker(name);
  ASSERT_EQ(sweep->wait(), 0) << read(work_ / "dist.err");
  const std::string err = read(work_ / "dist.err");
  EXPECT_NE(err.find("from worker 'forger': build 'backbeat-sim 0.0.0; other compiler"),
            std::string::npos)
      << err;
  expect_same_as_local("dist");
}

// Plays every worker of the fleet: takes each job the coordinator `sweep` queues and answers it
// with `answer(job, delivery, n)` (the n-th job taken), then acknowledges it, until the
// coordinator exits. Its exit code, or -1 when it did not exit.
int answer_every_job(Child& sweep, WorkQueue& q,
                     const std::function<void(const JobMessage&, Delivery&, int)>& answer) {
  int code = -1;
  for (int n = 0; n < 400 && code < 0; ++n) {
    auto taken = q.take(200ms);
    if (taken.is_ok() && *taken) {
      Result<JobMessage> message = parse_job_message((**taken)->payload());
      EXPECT_TRUE(message.is_ok()) << message.status().message();
      if (!message.is_ok()) return -1;
      answer(*message, ***taken, n);
      EXPECT_TRUE((**taken)->ack().is_ok());
    } else {
      std::this_thread::sleep_for(50ms);  // no consumer yet, or nothing queued right now
    }
    code = sweep.wait(1ms);
  }
  return code < 0 ? sweep.wait(20s) : code;
}

TEST_F(QueueFaults, AJobNoWorkerCanRunFailsTheCoordinatorNamingEachWorkersReason) {
  auto sweep = coordinator("dist");
  // Failing "workers": each takes a job and reports that it could not run it. The coordinator
  // queues a failed job again until it failed kMaxJobFailures times, then fails the run.
  Result<std::unique_ptr<WorkQueue>> q = connect_queue();
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  const int code = answer_every_job(*sweep, **q, [&](const JobMessage& m, Delivery& d, int n) {
    const std::string worker = "broken-" + std::to_string(n);
    ResultMessage failure{m.run_id, m.index, worker, {}, "no disk left"};
    EXPECT_TRUE((*q)->publish_failure(m.run_id, m.index, d.job_sequence(), worker,
                                      d.times_delivered(), result_message_text(failure))
                    .is_ok());
  });
  const std::string err = read(work_ / "dist.err");
  EXPECT_EQ(code, 3) << err;
  EXPECT_NE(err.find("failed 3 times: worker 'broken-"), std::string::npos) << err;
  EXPECT_NE(err.find("could not run job"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(work_ / "dist" / "sweep.json")) << "a failed run writes no result";
}

TEST_F(QueueFaults, OnlyWorkersOfAnotherBuildFailTheRunInsteadOfTakingTheJobBackForEver) {
  auto sweep = coordinator("dist");
  // A fleet of old workers: one of an old build (its results carry that build), one of an old
  // message format (its results cannot be read). Every answer is rejected and its job queued
  // again; after kMaxJobRejections of one job the coordinator gives up naming them, writing
  // nothing, instead of waiting for ever.
  Result<std::unique_ptr<WorkQueue>> q = connect_queue();
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  const std::string old_build = "backbeat-sim 0.0.1; gcc 9; commit 0000000; canary 00";
  std::map<std::uint64_t, int> answers;  // by job: each alternates old build, old format
  const int code = answer_every_job(*sweep, **q, [&](const JobMessage& m, Delivery& d, int) {
    if (answers[m.index]++ % 2 == 1) {  // (the same worker answering a job again counts again)
      EXPECT_TRUE((*q)->publish_failure(m.run_id, m.index, d.job_sequence(), "old-format",
                                        d.times_delivered(), R"({"v": 0, "outcome": "ok"})")
                      .is_ok());
      return;
    }
    batch::JobResult result;
    result.kind = m.job.kind;
    result.scenario_digest = m.job.scenario_digest;
    result.first_seed = m.job.first_seed;
    result.last_seed = m.job.last_seed;
    result.interrupted = true;  // no records needed to carry the old build
    result.build = old_build;
    EXPECT_TRUE(
        (*q)->publish_result(m.run_id, m.index, d.job_sequence(), old_build,
                             result_message_text({m.run_id, m.index, "old-build", result, {}}))
            .is_ok());
  });
  const std::string err = read(work_ / "dist.err");
  EXPECT_EQ(code, 3) << err;
  EXPECT_NE(err.find("sweep: the seeds could not all be run: job "), std::string::npos) << err;
  EXPECT_NE(err.find("10 results rejected, none usable (worker 'old-build': build '" + old_build),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("(5 times); worker '?': an unreadable result: "), std::string::npos)
      << "each reason once, with its count\n"
      << err;
  EXPECT_NE(err.find("stop the workers of other builds"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(work_ / "dist" / "sweep.json")) << "a failed run writes no result";
}

TEST_F(QueueFaults, AWorkerThatCannotRunAJobSaysSoInsteadOfDroppingIt) {
  Result<std::unique_ptr<WorkQueue>> q = connect_queue();
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  ASSERT_TRUE((*q)->ensure(2s).is_ok());
  // A job whose scenario (its digest intact) this build refuses to load.
  batch::SeedJob job;
  job.scenario_text = R"({"version": 1, "no_such_field": true})";
  job.scenario_digest = batch::scenario_digest(job.scenario_text);
  ASSERT_TRUE((*q)->publish_job("r0", 0, job_message_text({"r0", 0, job})).is_ok());
  start_worker("w1");
  std::unique_ptr<ResultReader> results = (*q)->results("r0");
  std::optional<ResultMessage> told;
  for (int i = 0; i < 100 && !told; ++i) {
    for (const StoredResult& stored : results->next(100ms)) {
      Result<ResultMessage> m = parse_result_message(stored.payload);
      ASSERT_TRUE(m.is_ok()) << m.status().message();
      told = std::move(m).value();
    }
  }
  ASSERT_TRUE(told) << all_worker_logs();
  EXPECT_EQ(told->worker, "w1");
  EXPECT_NE(told->error.find("no_such_field"), std::string::npos) << told->error;
  EXPECT_TRUE(told->result.records.empty());
}

TEST_F(QueueFaults, ADistributedTuneWritesTheSameBudgetsAndTablesAsALocalOne) {
  const std::string tune = kSim + " tune swarm --seeds 24 -q -j 1";
  ASSERT_EQ(
      std::system((tune + " --out " + path("tune_local") + " > " + path("tune_local.out")).c_str()),
      0);
  for (const char* name : {"w1", "w2"}) start_worker(name);
  Child distributed(tune + " --nats " + server_->url() + " --job-size 5 --ack-wait 2 --out " +
                    path("tune_dist") + " > " + path("tune_dist.out") + " 2> " +
                    path("tune_dist.err"));
  ASSERT_EQ(distributed.wait(), 0) << read(work_ / "tune_dist.err");
  for (const char* file : {"budgets.json", "scenario.tuned.json", "tune.txt"}) {
    EXPECT_EQ(stable_lines(read(work_ / "tune_dist" / file)),
              stable_lines(read(work_ / "tune_local" / file)))
        << file << " differs from the local tune's";
  }
  EXPECT_EQ(stable_lines(read(work_ / "tune_dist.out")),
            stable_lines(read(work_ / "tune_local.out")));
  EXPECT_GE(count(all_worker_logs(), "done job"), 5u);
}

TEST_F(QueueFaults, CtrlCOnTheCoordinatorWritesNothingAndExits130) {
  auto sweep = coordinator("dist");  // no worker: it waits
  std::this_thread::sleep_for(1500ms);
  sweep->signal(SIGINT);
  EXPECT_EQ(sweep->wait(20s), 130) << read(work_ / "dist.err");
  EXPECT_FALSE(fs::exists(work_ / "dist" / "sweep.json"));
}

}  // namespace
}  // namespace backbeat::sim::queue
