// check_determinism: runs a simulation twice and names the first record where the runs diverge.
//
// `run` must build a fresh simulation from scratch (same scenario, same seed) and record its trace
// into the TraceRecorder it is given. Method, with memory of 8 bytes per record:
//   run A keeps the hash of every record;
//   run B compares each record's hash with A's on the fly and captures the first mismatch (and the
//     `context` records just before it, which both runs share);
//   only on a mismatch inside A's length, run C replays up to that index to capture A's side of it;
//     `a_confirmed` says whether C reproduced A's hash there (if not, the simulation is so
//     nondeterministic that C differs from A too, and the A side shown is C's).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/trace.h"

namespace backbeat::sim {

using SimulationFn = std::function<void(TraceRecorder&)>;

// One record with its names resolved, for reports.
struct CapturedRecord {
  std::uint64_t index = 0;
  TraceRecord record;
  std::string kind;
  std::string node_name;
  std::string detail;

  // "#12 t=1767225600.000000123 node=3(agent-3) kind=frame.rx digest=... detail"
  std::string to_string() const;
};

struct DeterminismResult {
  bool deterministic = true;
  std::uint64_t fingerprint_a = 0, fingerprint_b = 0;
  std::uint64_t records_a = 0, records_b = 0;
  // Index of the first differing record (or where the shorter run ended), if the runs differ.
  std::optional<std::uint64_t> first_divergence;
  // Each side's record at that index; absent where that run had ended.
  std::optional<CapturedRecord> a, b;
  bool a_confirmed = false;
  // The records just before the divergence (identical in both runs), oldest first.
  std::vector<CapturedRecord> context;

  // Human-readable summary naming the divergence.
  std::string describe() const;
};

struct DeterminismOptions {
  // Records of shared context to capture before the divergence.
  std::size_t context = 3;
};

DeterminismResult check_determinism(const SimulationFn& run, DeterminismOptions options = {});

}  // namespace backbeat::sim
