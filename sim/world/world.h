// World: one simulated BACKBEAT cluster run, from a WorldConfig and a seed to a RunOutcome.
//
// It builds the kernel, the simulated NATS (servers, routes, connections), the pulse nodes, the
// reverb and N agents, each an unchanged core (BeatClient + Integration) on its own NodeClock and
// simulated connection; drives the workload; applies the faults; and records the trace whose
// fingerprint identifies the run. Same config + same seed => same fingerprint and outcome.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/logger.h"
#include "sim/kernel/trace.h"
#include "sim/world/outcome.h"
#include "sim/world/timeline.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

struct RunOptions {
  TraceSink* trace_sink = nullptr;  // optional: receives every trace record (e.g. JSONL writer)
  // Optional: receives the run's timeline (sim/world/timeline.h); without one the world's parts
  // skip every timeline hook on a null check.
  TimelineSink* timeline_sink = nullptr;
  // Called now and then with the fraction of virtual time done (0..1); return false to stop
  // early (the outcome then covers the time simulated so far).
  std::function<bool(double fraction)> progress;
  // Receives every agent's log lines (the integration's beat, downbeat and cleanup lines among
  // them), prefixed with the agent id; null discards them. Output only: never in the trace.
  Logger* agent_log = nullptr;
};

// Runs `config` with `seed`. `config` must have passed validate().
RunOutcome run_world(const WorldConfig& config, std::uint64_t seed, const RunOptions& options = {});

}  // namespace backbeat::sim
