// The live-mode subcommands of backbeat-sim: `live`, `pulse` and `observe` (sim/live).
//
// Registered on the CLI11 app by add_live_commands() before parsing; after parsing,
// LiveCommands::run() executes whichever was selected. Kept out of the simulator's commands so the
// tool builds without nats.c (BACKBEAT_BUILD_LIVE=OFF).
//
// Exit codes (the simulator's, plus one): 0 pass, 1 an assertion failed (observe: non-conforming
// messages seen), 2 bad input (scenario, flag, a scenario part that needs the simulator),
// 3 internal error, 4 cannot connect or authenticate to NATS (no server, wrong credentials, TLS
// mismatch, unreadable credentials/key file), 5 permission denied (the server refused a publish or
// a subscription the command needs; the subject is named), 130 interrupted (`live` only; `pulse`
// and `observe` end normally on Ctrl-C).
#pragma once

#include <memory>

namespace CLI {
class App;
}

namespace backbeat::sim::cli {

inline constexpr int kExitNatsConnection = 4;
inline constexpr int kExitNatsPermission = 5;

// The live commands' own exit codes, for the top-level --help.
inline constexpr const char* kLiveExitCodesNote =
    "live, pulse and observe also exit 4 (cannot connect or authenticate to NATS) and 5 (the NATS "
    "server denied a publish or subscription the command needs).";

class LiveCommands {
 public:
  virtual ~LiveCommands() = default;
  // True when one of the live subcommands was selected on the command line.
  virtual bool selected() const = 0;
  // Runs the selected subcommand; returns its exit code.
  virtual int run() = 0;
};

std::unique_ptr<LiveCommands> add_live_commands(CLI::App& app);

}  // namespace backbeat::sim::cli
