// LiveRun: a scenario's workload on N in-process agents (each the unchanged core: Integration +
// BeatClient) against a real NATS server, judged like a simulated run.
//
// Shape of a run:
//   - one NatsTransport (one connection for the whole process, see the trade-off in
//     reliable_claims_transport.h) wrapped in a ReliableClaimsTransport;
//   - a ClaimAccountant on the same connection counting every claim by (agent, seq);
//   - optionally a built-in LivePulse (otherwise the agents follow whatever pulse publishes on
//     the cluster's beat subject);
//   - N agent hosts and the workload (sim/harness, as in the simulator) on one EventLoop (the
//     calling thread runs it);
//   - after `duration`: the workload and agents stop, the claim window is drained (reconnects are
//     still handled), and the accountant gets `settle_timeout` to see every claim.
// The result is a sim::RunOutcome (operations, agents with reconnects and degradation windows,
// claim accounting, messages, tempo samples, bar reports), so the verdict, JSON summary and report
// code of the simulator work unchanged, plus what only live mode knows (gaps with causes,
// counters).
//
// Scenario fields that need the simulator are refused by check_live_config(), naming the field and
// why (sim/live/live_fields.h: faults, swarm, drift models, tempo changes, several pulse nodes,
// simulated clocks and links, ...); every other field is honoured, cluster.nats's reconnect
// settings by the real connection. Wall clock is used throughout (live mode is not a
// simulation): fingerprint is 0 and runs are not reproducible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/nats/event_loop.h"
#include "core/nats/nats_transport.h"
#include "sim/live/claim_accountant.h"
#include "sim/live/reliable_claims_transport.h"
#include "sim/world/outcome.h"
#include "sim/world/world_config.h"

namespace backbeat::live {

struct LiveRunOptions {
  NatsOptions nats;
  bool builtin_pulse = false;  // run a LivePulse in this process
  std::uint64_t seed = 1;      // workload draws (live runs are not reproducible anyway)
  ReliableClaimsOptions claims;
  bool validate_claims = true;  // the accountant decodes every claim against the contract
  Duration settle_timeout = std::chrono::seconds(5);
  Duration progress_interval = std::chrono::milliseconds(200);
  // Called on the loop thread every progress_interval with the fraction of the duration done;
  // returning false ends the run early (interrupted).
  std::function<bool(double)> progress;
  // Called on the loop thread as the shared connection is lost, comes back or closes, so the
  // command can say so when it happens (the result only counts them).
  Transport::ConnectionListener on_connection;
  // Called on the loop thread for each operation the server refuses, as it happens.
  NatsTransport::PermissionListener on_permission_violation;
  // Every agent's log lines (prefixed with its id), on the loop thread; null discards them.
  Logger* agent_log = nullptr;
};

struct LiveRunResult {
  sim::RunOutcome outcome;
  std::vector<ClaimGap> gaps;  // every claim never received, with its cause
  ReliableClaimsCounters claim_counters;
  std::uint64_t disconnects = 0;  // of the shared connection
  std::uint64_t reconnects = 0;
  std::uint64_t slow_consumer_drops = 0;
  std::uint64_t pulse_frames = 0;  // published by the built-in pulse
  // Frames of another cluster the agents received on their beat subject (and dropped), summed.
  std::uint64_t frames_foreign = 0;
  std::string servers;  // redacted
  // Why the connection closed before the end (nats.c gave up: e.g. the credentials stopped
  // working); empty when it stayed up. Claims refused after it are claims_failed, not lost.
  std::string closed_cause;
  // Every (operation, subject) the server refused, with counts. Claims published on a refused
  // subject are lost with the cause "permission denied on SUBJECT".
  std::vector<PermissionViolation> permission_violations;
  bool interrupted = false;
};

// OK when `config` can run live; kInvalidArgument naming the first refused field (and the others)
// otherwise.
Status check_live_config(const sim::WorldConfig& config);

// Runs `config` live. Errors: check_live_config's; NatsTransport::connect's (one line naming the
// cause); kUnavailable when subscribing fails; kFailedPrecondition naming the subject when the
// server refuses a subscription the run needs (the claims, the beat frames, the confirmations:
// on_permission_violation hears it first). The loop is run on the calling thread.
Result<LiveRunResult> run_live(const sim::WorldConfig& config, const LiveRunOptions& options,
                               EventLoop& loop);

}  // namespace backbeat::live
