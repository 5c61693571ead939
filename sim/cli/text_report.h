// The human-readable result of a run (TigerBeetle style: seed and every derived option first, so
// a failure can be reproduced from the log alone; then operations, the verdict with each
// assertion's measured value against its bound, and the fingerprint).
#pragma once

#include <string>

#include "sim/kernel/determinism.h"
#include "sim/scenario/run_summary.h"

namespace backbeat::sim::cli {

// A live run (backbeat-sim live) ran on the wall clock against NATS: it has no virtual time,
// event count or fingerprint, and its claim accounting is reported by the live command itself.
enum class RunMode { kSimulated, kLive };

std::string text_report(const scenario::RunReport& report, const DeterminismResult* determinism,
                        RunMode mode = RunMode::kSimulated);

// "PASS baseline seed=42 fingerprint=0123456789abcdef (5/5 assertions)"; live runs have no
// fingerprint: "PASS baseline seed=42 live (5/5 assertions)".
std::string quiet_line(const scenario::RunReport& report, RunMode mode = RunMode::kSimulated);

// The description up to its first ". " (for `list`), at most ~100 characters.
std::string first_sentence(const std::string& text);

}  // namespace backbeat::sim::cli
