// backbeat-sim compare A B: two run directories (or report.json / run.json files) side by side.
#include <cstdio>

#include "reports/compare.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"

namespace backbeat::sim::cli {

int compare_command(const std::string& a, const std::string& b, bool json) {
  auto ja = reports::load_run_summary(a);
  auto jb = reports::load_run_summary(b);
  for (const auto* r : {&ja, &jb}) {
    if (!r->is_ok()) {
      std::fprintf(stderr, "backbeat-sim: compare: %s\n", r->status().message().c_str());
      return kExitBadInput;
    }
  }
  reports::Comparison c = reports::compare_runs(*ja, *jb, a, b);
  if (json) {
    std::printf("%s\n", reports::comparison_json(c).dump().c_str());
  } else {
    std::printf("%s", reports::comparison_text(c).c_str());
  }
  return kExitPass;
}

}  // namespace backbeat::sim::cli
