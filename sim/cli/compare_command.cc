// backbeat-sim compare A B: two run directories (or report.json / run.json files) side by side;
// with --fail-on-regression, exit 1 when B regressed from A (reports::regressions).
#include <cstdio>

#include "reports/compare.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {

int compare_command(const CompareArgs& args) {
  Result<reports::Tolerance> tolerance = reports::parse_tolerance(args.tolerance);
  if (!tolerance) {
    std::fprintf(stderr, "backbeat-sim: --tolerance %s: %s\n",
                 scenario::echo_text(args.tolerance).c_str(), tolerance.status().message().c_str());
    return kExitBadInput;
  }
  auto ja = reports::load_run_summary(args.a);
  auto jb = reports::load_run_summary(args.b);
  for (const auto* r : {&ja, &jb}) {
    if (!r->is_ok()) {
      std::fprintf(stderr, "backbeat-sim: compare: %s\n", r->status().message().c_str());
      return kExitBadInput;
    }
  }
  reports::Comparison c = reports::compare_runs(*ja, *jb, args.a, args.b);
  std::vector<std::string> regressed;
  if (args.fail_on_regression) regressed = reports::regressions(c, *tolerance);
  if (args.json) {
    nlohmann::json j = reports::comparison_json(c);
    if (args.fail_on_regression) {
      j["tolerance"] = tolerance->describe();
      j["regressions"] = regressed;
    }
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("%s", reports::comparison_text(c).c_str());
    if (args.fail_on_regression) {
      if (regressed.empty()) {
        std::printf("\nno regression from A to B (percentile tolerance %s)\n",
                    tolerance->describe().c_str());
      } else {
        std::printf("\nREGRESSED from A to B (percentile tolerance %s):\n",
                    tolerance->describe().c_str());
        for (const std::string& r : regressed) std::printf("  %s\n", r.c_str());
      }
    }
  }
  return regressed.empty() ? kExitPass : kExitFail;
}

}  // namespace backbeat::sim::cli
