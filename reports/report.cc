#include "reports/report.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/scenario/assertion.h"
#include "sim/scenario/percentile.h"

namespace backbeat::reports {

using json = nlohmann::json;
using sim::OperationOutcome;
using sim::RunOutcome;

namespace {

double since_start(const RunOutcome& o, Time t) {
  return to_seconds(t - o.start);
}

// The window's end, closing windows still open at the end of the run.
double window_end(const RunOutcome& o, const sim::TimeWindow& w) {
  if (w.end <= w.start) return to_seconds(o.sim_time);
  return since_start(o, w.end);
}

// The percentile of the first beats_within_budget assertion covering `type` (95 if none).
double verdict_percentile(const scenario::Scenario& sc, const std::string& type) {
  for (const scenario::AssertionSpec& spec : sc.assertions) {
    if (spec.kind != scenario::AssertionSpec::Kind::kBeatsWithinBudget) continue;
    if (spec.types.empty() ||
        std::find(spec.types.begin(), spec.types.end(), type) != spec.types.end()) {
      return spec.percentile;
    }
  }
  return 95;
}

// "pass"/"fail" from the assertion results naming "[type]", "none" when none does.
std::string type_verdict(const std::vector<scenario::AssertionResult>& results,
                         const std::string& type) {
  std::string needle = "[" + type + "]";
  std::string verdict = "none";
  for (const scenario::AssertionResult& r : results) {
    if (r.name.find(needle) == std::string::npos) continue;
    if (!r.pass) return "fail";
    verdict = "pass";
  }
  return verdict;
}

json opt(const std::optional<std::int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}
json opt(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

std::vector<Window> merge_windows(std::vector<Window> windows) {
  std::stable_sort(windows.begin(), windows.end(),
                   [](const Window& a, const Window& b) { return a.start_s < b.start_s; });
  std::vector<Window> out;
  for (Window& w : windows) {
    if (!out.empty() && w.start_s <= out.back().end_s) {
      out.back().end_s = std::max(out.back().end_s, w.end_s);
      out.back().agents += std::max<std::size_t>(w.agents, 1);
      continue;
    }
    w.agents = std::max<std::size_t>(w.agents, 1);
    out.push_back(std::move(w));
  }
  return out;
}

bool is_live(const Report& report) {
  const nlohmann::json& s = report.summary;
  return s.is_object() && s.contains("mode") && s["mode"] == "live";
}

const char* clock_name(const Report& report) {
  return is_live(report) ? "wall-clock" : "virtual";
}

Report build_report(const scenario::RunReport& run) {
  const scenario::Scenario& sc = *run.scenario;
  const RunOutcome& o = *run.outcome;
  Report r;
  r.summary = scenario::run_summary_json(run);
  r.scenario = sc.name;
  r.description = sc.description;
  r.seed = o.seed;
  r.fingerprint = r.summary.value("fingerprint", "");
  r.passed = run.passed();
  r.interrupted = run.interrupted;
  r.expected_verdict = scenario::verdict_name(sc.expect);
  r.tempo_bpm = sc.world.pulse.tempo_bpm;
  r.sim_time_s = to_seconds(o.sim_time);
  r.agent_count = o.agents.size();
  r.assertions = run.results;
  if (run.timeline_window != nullptr) r.timeline_window = *run.timeline_window;

  for (const scenario::TypeSummary& s : scenario::summarize_types(sc.world, o)) {
    TypeDistribution t;
    t.type = s.type;
    t.budget_beats = s.budget_beats;
    t.started = s.started;
    t.completed = s.completed;
    t.failed = s.failed;
    t.lost = s.lost;
    t.unfinished = s.unfinished;
    t.over_budget = s.over_budget;
    t.budget_warnings = s.budget_warnings;
    t.false_alarms = s.false_alarms;
    t.mean_budget = s.mean_budget;
    std::vector<std::int64_t> beats;
    for (const OperationOutcome& op : o.operations) {
      if (op.type != s.type || op.result != OperationOutcome::Result::kCompleted) continue;
      beats.push_back(op.beats());
      ++t.histogram[op.beats()];
    }
    std::sort(beats.begin(), beats.end());
    if (!beats.empty()) {
      t.p50 = *scenario::nearest_rank(beats, 50);
      t.p95 = *scenario::nearest_rank(beats, 95);
      t.p99 = *scenario::nearest_rank(beats, 99);
      t.max = beats.back();
    }
    t.verdict_percentile = verdict_percentile(sc, s.type);
    t.verdict_measured = scenario::nearest_rank(beats, t.verdict_percentile);
    t.verdict = type_verdict(run.results, s.type);
    r.types.push_back(std::move(t));
  }

  std::vector<Window> disconnects, degradations;
  for (const sim::AgentOutcome& a : o.agents) {
    AgentHealth h;
    h.index = a.index;
    h.agent_id = a.agent_id;
    h.group = a.group;
    h.disconnects = a.disconnect_windows.size();
    for (const sim::TimeWindow& w : a.disconnect_windows) {
      double s = since_start(o, w.start), e = window_end(o, w);
      h.disconnected_s += e - s;
      disconnects.push_back({"disconnect", "connection down", s, e, 1});
    }
    h.degradations = a.degradation_windows.size();
    for (const sim::TimeWindow& w : a.degradation_windows) {
      double s = since_start(o, w.start), e = window_end(o, w);
      h.degraded_s += e - s;
      degradations.push_back({"degradation", "degraded", s, e, 1});
    }
    h.reconnects = a.reconnects;
    h.crashes = a.crashes;
    h.errors = a.errors;
    h.frames_accepted = a.frames_accepted;
    h.synthetic_beats = a.synthetic_beats;
    h.skipped_beats = a.skipped_beats;
    h.claims_published = a.claims_published;
    h.claims_failed = a.claims_failed;
    h.final_beat = a.final_beat;
    h.measured_bpm = a.measured_bpm;
    h.tempo_drift = a.tempo_drift;
    h.in_sync_at_end = a.in_sync_at_end;
    if (a.longest_resync) h.longest_resync_s = to_seconds(*a.longest_resync);
    r.agents.push_back(std::move(h));
  }
  r.disconnects = merge_windows(std::move(disconnects));
  r.degradations = merge_windows(std::move(degradations));
  for (const sim::FaultWindow& f : o.faults) {
    double s = since_start(o, f.start);
    double e = f.end <= f.start ? r.sim_time_s : since_start(o, f.end);
    r.faults.push_back({f.kind, f.targets, s, e, 0});
  }
  r.messages = o.messages;
  r.claims = o.claims;
  for (const sim::BarReportRecord& b : o.bar_reports) {
    BarRow row;
    row.at_s = since_start(o, b.at);
    row.from_beat = b.report.from_beat;
    row.to_beat = b.report.to_beat;
    row.agents_reporting = b.report.agents_reporting;
    row.on_time_reviews = b.report.on_time_reviews;
    row.tempo_drift_ms = b.report.tempo_drift_ms;
    for (const BarReportIssue& issue : b.report.issues) {
      row.issues += issue.count;
      row.issue_text += fmt::format("{}{} {} ({})", row.issue_text.empty() ? "" : ", ", issue.count,
                                    issue.category, issue.severity);
    }
    r.bars.push_back(row);
  }
  r.budget_comparison = compare_budgets(sc.world, o.operations);
  r.analytics = performance_analytics(sc.world, o);
  r.workflows = workflow_report(o.operations);
  r.admission = scenario::summarize_admission(sc.world, o);
  for (const sim::TempoSample& t : o.tempo) {
    r.tempo.push_back(
        {since_start(o, t.at), t.beat_index, t.advertised_bpm, t.measured_bpm, t.drift_ms});
  }
  return r;
}

json report_json(const Report& r) {
  json j = json::object();
  j["format"] = "backbeat.report.v1";
  j["summary"] = r.summary;
  json types = json::array();
  for (const TypeDistribution& t : r.types) {
    json hist = json::array();
    for (const auto& [beats, count] : t.histogram) {
      hist.push_back({{"beats", beats}, {"count", count}});
    }
    types.push_back({{"type", t.type},
                     {"budget_beats", t.budget_beats},
                     {"started", t.started},
                     {"completed", t.completed},
                     {"failed", t.failed},
                     {"lost", t.lost},
                     {"unfinished", t.unfinished},
                     {"over_budget", t.over_budget},
                     {"p50", opt(t.p50)},
                     {"p95", opt(t.p95)},
                     {"p99", opt(t.p99)},
                     {"max", opt(t.max)},
                     {"verdict_percentile", t.verdict_percentile},
                     {"verdict_measured", opt(t.verdict_measured)},
                     {"verdict", t.verdict},
                     {"budget_warnings", t.budget_warnings},
                     {"false_alarms", t.false_alarms},
                     {"mean_budget", t.mean_budget},
                     {"histogram", hist}});
  }
  j["types"] = types;
  json agents = json::array();
  for (const AgentHealth& a : r.agents) {
    agents.push_back({{"index", a.index},
                      {"agent_id", a.agent_id},
                      {"group", a.group},
                      {"disconnects", a.disconnects},
                      {"disconnected_s", a.disconnected_s},
                      {"degradations", a.degradations},
                      {"degraded_s", a.degraded_s},
                      {"reconnects", a.reconnects},
                      {"crashes", a.crashes},
                      {"errors", a.errors},
                      {"frames_accepted", a.frames_accepted},
                      {"synthetic_beats", a.synthetic_beats},
                      {"skipped_beats", a.skipped_beats},
                      {"claims_published", a.claims_published},
                      {"claims_failed", a.claims_failed},
                      {"final_beat", a.final_beat},
                      {"measured_bpm", a.measured_bpm},
                      {"tempo_drift", a.tempo_drift},
                      {"in_sync_at_end", a.in_sync_at_end},
                      {"longest_resync_s", opt(a.longest_resync_s)}});
  }
  j["agents"] = agents;
  j["messages"] = r.summary.value("messages", json::object());
  j["claims"] = r.summary.value("claims", json::object());
  json bars = json::array();
  for (const BarRow& b : r.bars) {
    bars.push_back({{"at_s", b.at_s},
                    {"from_beat", b.from_beat},
                    {"to_beat", b.to_beat},
                    {"agents_reporting", b.agents_reporting},
                    {"on_time_reviews", b.on_time_reviews},
                    {"tempo_drift_ms", b.tempo_drift_ms},
                    {"issues", b.issues}});
  }
  j["bar_reports"] = bars;
  auto windows = [](const std::vector<Window>& ws) {
    json a = json::array();
    for (const Window& w : ws) {
      a.push_back({{"kind", w.kind},
                   {"label", w.label},
                   {"start_s", w.start_s},
                   {"end_s", w.end_s},
                   {"agents", w.agents}});
    }
    return a;
  };
  j["fault_windows"] = windows(r.faults);
  j["disconnect_windows"] = windows(r.disconnects);
  j["degradation_windows"] = windows(r.degradations);
  json tempo = json::array();
  for (const TempoPoint& t : r.tempo) {
    tempo.push_back({{"at_s", t.at_s},
                     {"beat_index", t.beat_index},
                     {"advertised_bpm", t.advertised_bpm},
                     {"measured_bpm", t.measured_bpm},
                     {"drift_ms", t.drift_ms}});
  }
  j["tempo"] = tempo;
  if (r.budget_comparison) j["budget_comparison"] = budget_comparison_json(*r.budget_comparison);
  j["performance"] = performance_analytics_json(r.analytics);
  if (!r.workflows.empty()) j["workflows"] = workflow_report_json(r.workflows);
  return j;
}

}  // namespace backbeat::reports
