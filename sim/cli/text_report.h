// The human-readable result of a run (TigerBeetle style: seed and every derived option first, so
// a failure can be reproduced from the log alone; then operations, the verdict with each
// assertion's measured value against its bound, and the fingerprint).
#pragma once

#include <string>

#include "sim/kernel/determinism.h"
#include "sim/scenario/run_summary.h"

namespace backbeat::sim::cli {

std::string text_report(const scenario::RunReport& report, const DeterminismResult* determinism);

// "PASS baseline seed=42 fingerprint=0123456789abcdef (5/5 assertions)"
std::string quiet_line(const scenario::RunReport& report);

// The description up to its first ". " (for `list`), at most ~100 characters.
std::string first_sentence(const std::string& text);

}  // namespace backbeat::sim::cli
