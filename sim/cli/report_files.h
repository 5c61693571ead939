// The report files of a run directory: report.json, report.md and report.html (reports/), each
// written atomically.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "sim/scenario/run_summary.h"

namespace backbeat::sim::cli {

// `summary` is the run summary as run.json stores it (it becomes report.json's "summary").
Status write_report_files(const std::string& dir, const scenario::RunReport& report,
                          const nlohmann::json& summary);

}  // namespace backbeat::sim::cli
