#include "sim/cli/run_driver.h"

#include <cstdio>
#include <filesystem>

#include "sim/cli/atomic_file.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/report_files.h"

namespace backbeat::sim::cli {

Status write_run_directory(const std::string& dir, const scenario::Scenario& sc,
                           const nlohmann::json& summary, const scenario::RunReport& run) {
  Status s = make_directories(dir);
  if (!s.is_ok()) return s;
  std::filesystem::path d(dir);
  s = write_file_atomically((d / "scenario.json").string(), sc.document.dump(2) + "\n");
  if (s.is_ok()) {
    s = write_file_atomically((d / "seed").string(),
                              std::to_string(summary["seed"].get<std::uint64_t>()) + "\n");
  }
  if (s.is_ok()) s = write_report_files(dir, run, summary);
  // run.json last: its presence means the directory is complete.
  if (s.is_ok()) s = write_file_atomically((d / "run.json").string(), summary.dump(2) + "\n");
  return s;
}

int print_run_result(const scenario::RunReport& report, const DeterminismResult* determinism,
                     const nlohmann::json& summary, const ResultPrinting& printing) {
  if (printing.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::FILE* text = printing.text_to_stderr ? stderr : stdout;
    if (printing.quiet) {
      std::fprintf(text, "%s%s\n", quiet_line(report, printing.mode).c_str(),
                   printing.quiet_suffix.c_str());
    } else {
      std::fprintf(text, "%s", text_report(report, determinism, printing.mode).c_str());
    }
    for (const std::string& line : printing.extra_lines) std::fprintf(text, "%s\n", line.c_str());
  }
  std::fflush(stdout);
  if (report.interrupted) {
    std::fprintf(stderr, "backbeat-sim: interrupted: the verdict covers only %.0f s of %s time\n",
                 to_seconds(report.outcome->sim_time),
                 printing.mode == RunMode::kLive ? "wall-clock" : "virtual");
    return kExitInterrupted;
  }
  if (determinism != nullptr && !determinism->deterministic) {
    std::fprintf(stderr, "backbeat-sim: NONDETERMINISM: %s\n", determinism->describe().c_str());
    return kExitInternal;
  }
  return report.passed() ? kExitPass : kExitFail;
}

}  // namespace backbeat::sim::cli
