// The run driver's back half, one for `run` and `live`: the --out layout of a finished run, how
// its result is printed, and the exit code it gives. A live run directory has the same files as a
// simulated one, so `compare` and the reports take either.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/cli/text_report.h"
#include "sim/kernel/determinism.h"
#include "sim/scenario/run_summary.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::cli {

// Writes scenario.json (after --set), seed, report.json/md/html and, last, run.json (its presence
// means the directory is complete) into `dir`, each atomically.
Status write_run_directory(const std::string& dir, const scenario::Scenario& sc,
                           const nlohmann::json& summary, const scenario::RunReport& run);

struct ResultPrinting {
  bool json = false;   // only the summary, as one JSON object
  bool quiet = false;  // one line
  RunMode mode = RunMode::kSimulated;
  std::string quiet_suffix;              // appended to the one line (": claims ...")
  std::vector<std::string> extra_lines;  // after the text report or the one line
  bool text_to_stderr = false;           // standard output carries something else (--trace -)
};

// Prints the run's result in the form `printing` asks for; returns the exit code: 130 when
// interrupted, 3 when the determinism check found a divergence, else 0 pass / 1 fail.
int print_run_result(const scenario::RunReport& report, const DeterminismResult* determinism,
                     const nlohmann::json& summary, const ResultPrinting& printing);

}  // namespace backbeat::sim::cli
