#include "sim/cli/text_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/echo_text.h"
#include "reports/workflow_report.h"
#include "sim/scenario/admission_summary.h"
#include "sim/scenario/duration_text.h"

namespace backbeat::sim::cli {
namespace {

std::string number(double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v)) && std::abs(v) < 1e15) {
    return fmt::format("{}", static_cast<std::int64_t>(v));
  }
  return fmt::format("{:.4g}", v);
}

std::size_t passed_count(const scenario::RunReport& r) {
  return static_cast<std::size_t>(
      std::count_if(r.results.begin(), r.results.end(),
                    [](const scenario::AssertionResult& a) { return a.pass; }));
}

// Rows of cells as text columns under `indent`: each column as wide as its widest cell (header
// included), two spaces apart, the first left-aligned and the rest right-aligned, so every cell
// sits under its header whatever the names and numbers.
std::string aligned_table(const std::vector<std::vector<std::string>>& rows,
                          std::string_view indent) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      line += c == 0 ? fmt::format("{:<{}}", row[c], width[c])
                     : fmt::format("{:>{}}", row[c], width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// Admission per type and priority (sim/scenario/admission_summary.h); empty without a limit.
std::string admission_text(const WorldConfig& world, const RunOutcome& o) {
  std::vector<scenario::AdmissionRow> rows = scenario::summarize_admission(world, o);
  if (rows.empty()) return "";
  std::string out = fmt::format(
      "admission at most {} operation(s) per agent at once, {} waiting, shed after {} beat(s) "
      "waited (beats to complete count from admission)\n",
      world.admission.max_concurrent, world.admission.max_queue, world.admission.max_wait_beats);
  auto beats = [](const std::optional<std::int64_t>& v) {
    return v ? fmt::format("{}", *v) : std::string("-");
  };
  std::vector<std::vector<std::string>> table = {{"type", "priority", "requested", "at-once",
                                                  "waited", "wait-p50", "wait-p99", "shed",
                                                  "waiting", "completed", "over-budget", "p99"}};
  for (const scenario::AdmissionRow& r : rows) {
    table.push_back({r.type, r.priority, fmt::format("{}", r.requested),
                     fmt::format("{}", r.at_once), fmt::format("{}", r.waited), beats(r.waited_p50),
                     beats(r.waited_p99), fmt::format("{}", r.shed),
                     fmt::format("{}", r.still_waiting), fmt::format("{}", r.completed),
                     fmt::format("{}", r.over_budget), beats(r.p99)});
  }
  return out + aligned_table(table, "          ");
}

}  // namespace

std::string text_report(const scenario::RunReport& report, const DeterminismResult* determinism,
                        RunMode mode) {
  const bool live = mode == RunMode::kLive;
  const scenario::Scenario& sc = *report.scenario;
  const RunOutcome& o = *report.outcome;
  std::string out;
  out += fmt::format("scenario  {} ({})\n", printable(sc.name), printable(sc.source));
  out += fmt::format("seed      {}\n", o.seed);
  out += "options   derived from the seed and the scenario:\n";
  for (const std::string& line : scenario::derived_options(sc, o))
    out += "          " + line + "\n";
  out += live ? fmt::format("ran       {:.1f} s on the wall clock against NATS\n",
                            to_seconds(o.sim_time))
              : fmt::format(
                    "simulated {} of virtual time in {:.3f} s wall ({} events, {} trace records)\n",
                    scenario::format_duration(o.sim_time), report.wall_time_s, o.events,
                    o.trace_records);
  std::vector<scenario::TypeSummary> types = scenario::summarize_types(sc.world, o);
  if (!types.empty()) {
    out += "operations (beats to complete: nearest-rank percentiles of completed operations)\n";
    std::vector<std::vector<std::string>> rows = {{"type", "started", "completed", "failed", "lost",
                                                   "unfinished", "over-budget", "budget", "p50",
                                                   "p95", "p99", "max"}};
    for (const scenario::TypeSummary& t : types) {
      auto beat = [&](std::int64_t v) { return t.has_beats ? fmt::format("{}", v) : "-"; };
      rows.push_back({t.type, fmt::format("{}", t.started), fmt::format("{}", t.completed),
                      fmt::format("{}", t.failed), fmt::format("{}", t.lost),
                      fmt::format("{}", t.unfinished), fmt::format("{}", t.over_budget),
                      fmt::format("{}", t.budget_beats), beat(t.p50), beat(t.p95), beat(t.p99),
                      beat(t.max)});
    }
    out += aligned_table(rows, "          ");
    for (const scenario::TypeSummary& t : types) {
      if (t.cut_off == 0) continue;
      out += fmt::format(
          "cut off   {}: {} of {} operation(s) cut off at their deadline beat (beat budget "
          "exceeded; counted in over)\n",
          t.type, t.cut_off, t.started);
    }
  }
  for (const reports::WorkflowTemplateReport& w : reports::workflow_report(o.operations)) {
    auto beats = [](const std::optional<std::int64_t>& v) {
      return v ? std::to_string(*v) : std::string("-");
    };
    out += fmt::format(
        "workflow  {}: {} started, {} completed, {} failed; beats p50 {} p95 {} p99 {} max {}; "
        "critical path {}\n",
        w.name, w.started, w.completed, w.failed, beats(w.p50), beats(w.p95), beats(w.p99),
        beats(w.max), reports::typical_path_text(w));
  }
  out += admission_text(sc.world, o);
  if (!live) {
    out += fmt::format(
        "claims    {} published, {} received, {} in flight at the end, {} lost, {} duplicates, "
        "{} nonconforming\n",
        o.claims.published, o.claims.received, o.claims.in_flight, o.claims.lost,
        o.claims.duplicates, o.claims.nonconforming);
  }
  if (!o.faults.empty()) {
    out += fmt::format("faults    {}\n", o.faults.size());
    for (const FaultWindow& f : o.faults) {
      out += fmt::format("          {:<20} {:>8.1f}s .. {:>8.1f}s  {}\n", f.kind,
                         to_seconds(f.start - o.start), to_seconds(f.end - o.start), f.targets);
    }
  }
  out += "assertions\n";
  if (report.results.empty()) out += "          (none: the verdict passes trivially)\n";
  std::size_t name_width = 44;  // wider when a name is: the values stay in one column
  for (const scenario::AssertionResult& r : report.results) {
    name_width = std::max(name_width, r.name.size());
  }
  for (const scenario::AssertionResult& r : report.results) {
    std::string measured = r.measured ? number(*r.measured) : "n/a";
    std::string unit = r.unit.empty() ? "" : " " + r.unit;
    out += fmt::format("          {}  {:<{}} {}{} {} {}{}{}\n", r.pass ? "PASS" : "FAIL", r.name,
                       name_width, measured, r.measured ? unit : "", r.comparison, number(r.bound),
                       unit, r.detail.empty() ? "" : "   (" + r.detail + ")");
  }
  out += fmt::format("verdict   {} ({}/{} assertions passed; scenario expects {}){}\n",
                     report.passed() ? "PASS" : "FAIL", passed_count(report), report.results.size(),
                     scenario::verdict_name(sc.expect),
                     report.interrupted ? " -- INTERRUPTED, partial run" : "");
  if (determinism) {
    out += determinism->deterministic
               ? fmt::format("determinism OK: two runs, same fingerprint, {} records\n",
                             determinism->records_a)
               : "determinism FAILED: " + determinism->describe() + "\n";
  }
  if (!live) out += fmt::format("fingerprint {}\n", hex64(o.fingerprint));
  return out;
}

std::string quiet_line(const scenario::RunReport& report, RunMode mode) {
  return fmt::format("{} {} seed={} {} ({}/{} assertions){}", report.passed() ? "PASS" : "FAIL",
                     report.scenario->name, report.outcome->seed,
                     mode == RunMode::kLive ? std::string("live")
                                            : "fingerprint=" + hex64(report.outcome->fingerprint),
                     passed_count(report), report.results.size(),
                     report.interrupted ? " INTERRUPTED" : "");
}

std::string first_sentence(const std::string& text) {
  std::size_t end = text.find(". ");
  std::string s = end == std::string::npos ? text : text.substr(0, end + 1);
  if (s.size() > 100) s = s.substr(0, 97) + "...";
  return s;
}

}  // namespace backbeat::sim::cli
