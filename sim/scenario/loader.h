// The strict scenario loader: JSON with comments in, a checked Scenario or every problem out.
//
// Strict means: unknown keys are errors (with a did-you-mean), every value's type and range is
// checked against the format table (format_fields.h), cross-references are resolved (selectors
// must match at least one agent or server, depends_on and budgets must name workload types,
// faults must lie inside the run), and WorldConfig::first_problem() is the last guard. All
// problems are found, not only the first, each as a Diagnostic
// "file:line:column: /json/pointer: what was expected"; the first kMaxDiagnostics are kept.
//
// Bounded: a file is at most kMaxScenarioFileBytes (bounded_file.h), and every list that costs
// memory or time has a cap in the format table (format_fields.h), checked before its entries.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/diagnostic.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::scenario {

struct LoadResult {
  std::optional<Scenario> scenario;  // present iff `errors` is empty
  std::vector<Diagnostic> errors;    // the first kMaxDiagnostics problems (diagnostic.h)
  std::size_t unshown = 0;           // problems found beyond those, counted only
  std::size_t from_overrides = 0;    // problems blamed on a --set, shown or not

  bool ok() const { return scenario.has_value(); }
  std::size_t problem_count() const { return errors.size() + unshown; }
  // Every problem, shown or not, is blamed on a --set: the file itself is fine.
  bool only_overrides_wrong() const {
    return problem_count() > 0 && from_overrides == problem_count();
  }
  // Every kept problem, one a line, then "and K more problems not shown" if any were dropped.
  std::string problems_text() const { return format_diagnostics(errors, unshown); }
};

// Reads and loads `path`, applying `overrides` ("PATH=VALUE", see overrides.h) before checking.
// An unreadable file is one diagnostic located at "path".
LoadResult load_scenario_file(const std::string& path,
                              const std::vector<std::string>& overrides = {});

// Loads `text`; `source_name` stands for the file in diagnostics.
LoadResult load_scenario_text(std::string_view text, const std::string& source_name,
                              const std::vector<std::string>& overrides = {});

}  // namespace backbeat::sim::scenario
