// The work-queue side of backbeat-sim (sim/queue): the `worker` subcommand, and --nats on `sweep`
// and `tune`, which makes them coordinators that run their seeds through the queue (a JobRunner,
// sim/cli/job_runner.h) and aggregate exactly as a local run. Built with the live adapters only
// (BACKBEAT_BUILD_LIVE).
//
// Exit codes besides the simulator's: 4 cannot connect or authenticate to NATS, or the server has
// no JetStream (nats-server -js); 5 the server refused an operation (the subject is named).
// `worker` exits 0 on SIGTERM or Ctrl-C (its current job is given back to the queue).
#pragma once

#include <memory>

#include "sim/cli/job_runner.h"

namespace CLI {
class App;
}

namespace backbeat::sim::cli {

class QueueCommands {
 public:
  virtual ~QueueCommands() = default;
  // True when `worker` was selected.
  virtual bool selected() const = 0;
  // Runs `worker`; its exit code.
  virtual int run() = 0;
  // For sweep/tune (`cmd`): with --nats, connects and sets `runner` to the queue; without it,
  // leaves `runner` empty. Returns 0, or the exit code of a failure (printed).
  virtual int prepare_runner(const CLI::App* cmd, JobRunner& runner) = 0;
};

// Adds `worker` to `app` and --nats (with the security flags), --job-size and --ack-wait to each
// of `coordinators` (sweep, tune).
std::unique_ptr<QueueCommands> add_queue_commands(CLI::App& app,
                                                  std::initializer_list<CLI::App*> coordinators);

}  // namespace backbeat::sim::cli
