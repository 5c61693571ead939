// report.md: the verdict, the per-type table, failed assertions, accounting — short enough for a
// pull-request comment.
#include <fmt/format.h>

#include "reports/report.h"

namespace backbeat::reports {
namespace {

std::string opt_text(const std::optional<std::int64_t>& v) {
  return v ? std::to_string(*v) : "-";
}

std::string number(double v) {
  return fmt::format("{:g}", v);
}

}  // namespace

std::string report_markdown(const Report& r) {
  std::string md;
  auto out = std::back_inserter(md);
  fmt::format_to(out, "# {} — {}\n\n", r.scenario,
                 r.interrupted ? "INTERRUPTED" : (r.passed ? "PASS" : "FAIL"));
  fmt::format_to(out,
                 "seed `{}` · {} · {} agents · {:g} s {} time at {:g} BPM · "
                 "expected verdict: {}\n\n",
                 r.seed,
                 is_live(r) ? std::string("no fingerprint (live run)")
                            : fmt::format("fingerprint `{}`", r.fingerprint),
                 r.agent_count, r.sim_time_s, clock_name(r), r.tempo_bpm, r.expected_verdict);
  if (r.interrupted) md += "> Interrupted: the verdict covers only part of the run.\n\n";

  md += "## Beats to complete per operation type\n\n";
  md += "| type | budget | started | completed | p50 | p95 | p99 | max | over budget | verdict |\n";
  md += "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n";
  for (const TypeDistribution& t : r.types) {
    fmt::format_to(out, "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", t.type,
                   t.budget_beats, t.started, t.completed, opt_text(t.p50), opt_text(t.p95),
                   opt_text(t.p99), opt_text(t.max), t.over_budget, t.verdict);
  }
  if (r.budget_comparison) md += "\n" + budget_comparison_markdown(*r.budget_comparison);
  if (!r.analytics.empty()) md += "\n" + performance_analytics_markdown(r.analytics);
  if (!r.workflows.empty()) md += "\n" + workflow_report_markdown(r.workflows);
  if (!r.admission.empty()) {
    md +=
        "\n## Admission per type and priority\n\n"
        "| type | priority | requested | at once | waited | wait p50 | wait p99 | shed | still "
        "waiting | completed | over budget | p99 |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
    for (const sim::scenario::AdmissionRow& a : r.admission) {
      fmt::format_to(out, "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", a.type,
                     a.priority, a.requested, a.at_once, a.waited, opt_text(a.waited_p50),
                     opt_text(a.waited_p99), a.shed, a.still_waiting, a.completed, a.over_budget,
                     opt_text(a.p99));
    }
  }
  std::size_t passed = 0;
  for (const sim::scenario::AssertionResult& a : r.assertions) passed += a.pass ? 1 : 0;
  fmt::format_to(out, "\n## Assertions: {}/{} pass\n\n", passed, r.assertions.size());
  for (const sim::scenario::AssertionResult& a : r.assertions) {
    fmt::format_to(out, "- {} `{}`: {} {} {}{}{}\n", a.pass ? "✅" : "❌", a.name,
                   a.measured ? number(*a.measured) : "n/a", a.comparison, number(a.bound),
                   a.unit.empty() ? "" : " " + a.unit, a.detail.empty() ? "" : " — " + a.detail);
  }

  md += "\n## Claims and messages\n\n";
  fmt::format_to(out,
                 "claims: {} published, {} received, {} duplicates, {} in flight, {} lost, {} "
                 "nonconforming\n\n",
                 r.claims.published, r.claims.received, r.claims.duplicates, r.claims.in_flight,
                 r.claims.lost, r.claims.nonconforming);
  md += "| kind | published | refused | delivered | dropped |\n|---|--:|--:|--:|---|\n";
  for (const auto& [kind, m] : r.messages) {
    std::string dropped;
    for (const auto& [reason, n] : m.dropped) {
      dropped += fmt::format("{}{} {}", dropped.empty() ? "" : ", ", n, reason);
    }
    fmt::format_to(out, "| {} | {} | {} | {} | {} |\n", kind, m.published, m.refused, m.delivered,
                   dropped.empty() ? "0" : dropped);
  }

  std::size_t reconnects = 0, degraded = 0, out_of_sync = 0;
  double disconnected = 0;
  for (const AgentHealth& a : r.agents) {
    reconnects += a.reconnects;
    degraded += a.degradations > 0 ? 1 : 0;
    out_of_sync += a.in_sync_at_end ? 0 : 1;
    disconnected += a.disconnected_s;
  }
  fmt::format_to(out,
                 "\n## Agents and faults\n\n{} agents: {} reconnects, {:.1f} agent-seconds "
                 "disconnected, {} ever degraded, {} out of sync at the end; {} bar reports; {} "
                 "fault window(s)",
                 r.agent_count, reconnects, disconnected, degraded, out_of_sync, r.bars.size(),
                 r.faults.size());
  for (std::size_t i = 0; i < r.faults.size() && i < 10; ++i) {
    const Window& f = r.faults[i];
    fmt::format_to(out, "{}{} on {} ({:g}-{:g} s)", i == 0 ? ": " : "; ", f.kind, f.label,
                   f.start_s, f.end_s);
  }
  if (r.faults.size() > 10) fmt::format_to(out, "; ... {} more", r.faults.size() - 10);
  md += ".\n";
  return md;
}

}  // namespace backbeat::reports
