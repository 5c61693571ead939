#include "sim/cli/live/queue_commands.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <thread>

#include "core/nats/nats_transport.h"
#include "sim/batch/build_identity.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/live/live_commands.h"
#include "sim/cli/live/nats_flags.h"
#include "sim/cli/number_flags.h"
#include "sim/queue/coordinator.h"
#include "sim/queue/work_queue.h"
#include "sim/queue/worker.h"

namespace backbeat::sim::cli {
namespace {

constexpr const char* kWorkerExitCodesHelp =
    "Exit codes: 0 stopped (SIGTERM or Ctrl-C: the job in hand is given back to the queue), 2 bad "
    "flag, 3 internal error, 4 cannot connect or authenticate to NATS, or the connection was "
    "lost for good.";
constexpr const char* kQueueHelp =
    "The queue (JetStream, nats-server -js): stream BACKBEAT_JOBS (subjects "
    "backbeat.queue.jobs.RUN, work-queue retention), its durable pull consumer backbeat-workers, "
    "and stream BACKBEAT_RESULTS (backbeat.queue.results.RUN.INDEX, kept 7 days so the same "
    "command resumes).";

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}

struct WorkerArgs {
  NatsFlags nats;
  int jobs = 0;
  std::string name;
  std::uint64_t max_jobs = 0;  // 0: until stopped
};

struct CoordinatorFlags {
  NatsFlags nats;
  std::uint64_t job_size = queue::kDefaultJobSize;
  double ack_wait_s = 30;
};

std::string default_worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "worker");
  return fmt::format("{}-{}", host, ::getpid());
}

// Connects the queue for `command`; prints why not and sets `exit_code` otherwise.
std::unique_ptr<queue::WorkQueue> connect_queue(NatsFlags& flags, const std::string& name,
                                                const char* command, int& exit_code) {
  if (const std::string problem = flags.prepare(); !problem.empty()) {
    std::fprintf(stderr, "backbeat-sim: %s\n", problem.c_str());
    exit_code = kExitBadInput;
    return nullptr;
  }
  flags.warn_about_cleartext_credentials();
  Result<std::unique_ptr<queue::WorkQueue>> q = queue::WorkQueue::connect(flags.options(name));
  if (!q) {
    std::fprintf(stderr, "backbeat-sim: %s: %s\n", command, q.status().message().c_str());
    exit_code = connect_exit_code(q.status());
    return nullptr;
  }
  exit_code = kExitPass;
  return std::move(q).value();
}

class QueueCommandsImpl final : public QueueCommands {
 public:
  QueueCommandsImpl(CLI::App& app, std::initializer_list<CLI::App*> coordinators) {
    worker_cmd_ = app.add_subcommand(
        "worker",
        "Take sweep/tune jobs from a NATS JetStream work queue, run them and publish their "
        "results (the coordinator is sweep/tune --nats)");
    add_nats_flags(worker_cmd_, worker_.nats, /*required=*/true);
    worker_cmd_
        ->add_option("--jobs,-j", worker_.jobs,
                     "Parallel simulations per job (default: every hardware thread)")
        ->type_name("J");
    worker_cmd_
        ->add_option("--name", worker_.name, "Name in results and messages (default: HOST-PID)")
        ->type_name("NAME");
    worker_cmd_
        ->add_option("--max-jobs", worker_.max_jobs, "Stop after N jobs (default: when stopped)")
        ->type_name("N");
    worker_cmd_->footer(std::string(kQueueHelp) + "\n" + kWorkerExitCodesHelp + "\n" +
                        kSecurityHelp);

    for (CLI::App* cmd : coordinators) {
      CoordinatorFlags& f = coordinators_[cmd];
      add_nats_flags(cmd, f.nats, /*required=*/false);
      // Only from the command line: BACKBEAT_NATS_URL (for the live commands) must not send a
      // sweep off this machine by surprise.
      cmd->get_option("--nats")->envname("")->description(
          "Run the seeds through the JetStream work queue on this server: workers "
          "(backbeat-sim worker) compute them, this command aggregates; the output is the "
          "same as a local run's, and the same command resumes");
      cmd->add_option(
             "--job-size", f.job_size,
             fmt::format("Seeds per queued job, with --nats (default {})", queue::kDefaultJobSize))
          ->type_name("N")
          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}));
      cmd->add_option("--ack-wait", f.ack_wait_s,
                      "Seconds a worker may stay silent before its job goes to another, with "
                      "--nats (default 30; workers report progress every third of it)")
          ->type_name("S")
          ->check(seconds_flag(0.1, 3600.0));
    }
  }

  bool selected() const override { return worker_cmd_->parsed(); }

  int run() override {
    live::NatsLibraryGuard nats_library;
    if (worker_.name.empty()) worker_.name = default_worker_name();
    int code = kExitPass;
    std::unique_ptr<queue::WorkQueue> q =
        connect_queue(worker_.nats, "backbeat-worker " + worker_.name, "worker", code);
    if (!q) return code;
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGINT, on_stop_signal);
    queue::WorkerOptions o;
    o.name = worker_.name;
    o.build = batch::build_identity();
    o.jobs = worker_.jobs > 0 ? worker_.jobs
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    o.stop = [] { return g_stop.load(); };
    if (worker_.max_jobs > 0) o.max_jobs = worker_.max_jobs;
    std::printf("worker %s: connected; build %s; %d job(s) per seed batch\n", o.name.c_str(),
                o.build.c_str(), o.jobs);
    std::fflush(stdout);
    Status s = queue::run_worker(*q, o);
    if (!s) {
      std::fprintf(stderr, "backbeat-sim: worker: %s\n", s.message().c_str());
      return kExitNatsConnection;
    }
    std::printf("worker %s: stopped\n", o.name.c_str());
    return kExitPass;
  }

  int prepare_runner(const CLI::App* cmd, JobRunner& runner) override {
    auto it = coordinators_.find(cmd);
    if (it == coordinators_.end() || it->second.nats.servers.empty()) return kExitPass;
    CoordinatorFlags& f = it->second;
    library_ = std::make_unique<live::NatsLibraryGuard>();
    int code = kExitPass;
    const std::string command = cmd->get_name();
    queue_ = connect_queue(f.nats, "backbeat-" + command, command.c_str(), code);
    if (!queue_) return code;
    const Duration ack_wait =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(f.ack_wait_s));
    if (Status s = queue_->ensure(ack_wait); !s) {
      std::fprintf(stderr, "backbeat-sim: %s --nats: %s\n", command.c_str(), s.message().c_str());
      return kExitNatsConnection;
    }
    runner = [q = queue_.get(), job_size = f.job_size, ack_wait, command](
                 const batch::SeedJob& job, const batch::JobRunOptions& run) {
      queue::CoordinatorOptions o;
      o.job_size = job_size;
      o.ack_wait = ack_wait;
      o.build = batch::build_identity();
      o.stop = run.stop;
      o.on_progress = [&run](std::uint64_t done, std::uint64_t total) {
        if (run.on_seed_done) run.on_seed_done(static_cast<int>(done), static_cast<int>(total));
      };
      o.report = [&command](const std::string& line) {
        std::fprintf(stderr, "backbeat-sim: %s: %s\n", command.c_str(), line.c_str());
      };
      return queue::run_on_queue(*q, job, o);
    };
    return kExitPass;
  }

 private:
  CLI::App* worker_cmd_ = nullptr;
  WorkerArgs worker_;
  std::map<const CLI::App*, CoordinatorFlags> coordinators_;
  std::unique_ptr<live::NatsLibraryGuard> library_;  // before queue_: destroyed after it
  std::unique_ptr<queue::WorkQueue> queue_;
};

}  // namespace

std::unique_ptr<QueueCommands> add_queue_commands(CLI::App& app,
                                                  std::initializer_list<CLI::App*> coordinators) {
  return std::make_unique<QueueCommandsImpl>(app, coordinators);
}

}  // namespace backbeat::sim::cli
