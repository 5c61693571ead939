#include "sim/scenario/run_summary.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/trace.h"
#include "sim/scenario/admission_summary.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/percentile.h"

namespace backbeat::sim::scenario {

using json = nlohmann::json;

bool RunReport::passed() const {
  return std::all_of(results.begin(), results.end(),
                     [](const AssertionResult& r) { return r.pass; });
}

std::vector<std::string> expectation_mismatches(const RunReport& report) {
  const Scenario& sc = *report.scenario;
  std::vector<std::string> out;
  const Verdict verdict = report.passed() ? Verdict::kPass : Verdict::kFail;
  if (verdict != sc.expect) {
    out.push_back(
        fmt::format("verdict {}, expected {}", verdict_name(verdict), verdict_name(sc.expect)));
  }
  if (!sc.expect_failing) return out;
  const std::vector<std::string>& named = *sc.expect_failing;
  auto is_named = [&](const std::string& name) {
    return std::find(named.begin(), named.end(), name) != named.end();
  };
  for (const AssertionResult& r : report.results) {
    if (!r.pass && !is_named(r.name))
      out.push_back(fmt::format("'{}' failed unexpectedly", r.name));
    if (r.pass && is_named(r.name))
      out.push_back(fmt::format("'{}' passed, expected to fail", r.name));
  }
  for (const std::string& name : named) {
    bool found = std::any_of(report.results.begin(), report.results.end(),
                             [&](const AssertionResult& r) { return r.name == name; });
    if (!found)
      out.push_back(
          fmt::format("'{}' is expected to fail but the run has no such assertion", name));
  }
  return out;
}

std::vector<std::string> derived_options(const Scenario& scenario, const RunOutcome& outcome) {
  std::vector<std::string> out = outcome.derived_options;
  const WorldConfig& w = scenario.world;
  out.push_back(fmt::format("scenario.duration = {} ({:g} beats at {:g} BPM)",
                            format_duration(w.duration),
                            to_seconds(w.duration) * w.pulse.tempo_bpm / 60.0, w.pulse.tempo_bpm));
  for (const std::string& type : workload_types(w)) {
    out.push_back(fmt::format("budget[{}] = {} beats", type, budget_for(w, type)));
  }
  return out;
}

std::vector<TypeSummary> summarize_types(const WorldConfig& config, const RunOutcome& outcome) {
  std::vector<std::string> types = workload_types(config);
  for (const OperationOutcome& op : outcome.operations) {
    if (std::find(types.begin(), types.end(), op.type) == types.end()) types.push_back(op.type);
  }
  std::vector<TypeSummary> out;
  for (const std::string& type : types) {
    TypeSummary s;
    s.type = type;
    s.budget_beats = budget_for(config, type);
    std::vector<std::int64_t> beats;
    std::int64_t budget_total = 0;
    for (const OperationOutcome& op : outcome.operations) {
      if (op.type != type) continue;
      ++s.started;
      switch (op.result) {
        case OperationOutcome::Result::kCompleted:
          ++s.completed;
          beats.push_back(op.beats());
          if (op.over_budget()) ++s.over_budget;
          s.budget_warnings += op.budget_warned ? 1 : 0;
          s.false_alarms += op.budget_warned && !op.over_budget() ? 1 : 0;
          s.adapted += op.budget_beats != op.static_budget_beats ? 1 : 0;
          budget_total += op.budget_beats;
          break;
        case OperationOutcome::Result::kFailed:
          ++s.failed;
          break;
        case OperationOutcome::Result::kLost:
          ++s.lost;
          break;
        case OperationOutcome::Result::kUnfinished:
          ++s.unfinished;
          break;
        case OperationOutcome::Result::kCutOff:
          ++s.cut_off;
          ++s.over_budget;
          break;
        case OperationOutcome::Result::kShed:
          ++s.shed;
          break;
      }
    }
    std::sort(beats.begin(), beats.end());
    if (!beats.empty()) {
      s.mean_budget = static_cast<double>(budget_total) / static_cast<double>(beats.size());
      s.has_beats = true;
      s.p50 = *nearest_rank(beats, 50);
      s.p95 = *nearest_rank(beats, 95);
      s.p99 = *nearest_rank(beats, 99);
      s.max = beats.back();
    }
    out.push_back(s);
  }
  return out;
}

json run_summary_json(const RunReport& report) {
  const Scenario& sc = *report.scenario;
  const RunOutcome& o = *report.outcome;
  json j = json::object();
  j["scenario"] = sc.name;
  j["source"] = sc.source;
  j["description"] = sc.description;
  j["seed"] = o.seed;
  j["fingerprint"] = hex64(o.fingerprint);
  j["verdict"] = report.passed() ? "pass" : "fail";
  j["expected_verdict"] = verdict_name(sc.expect);
  j["expected_failing"] = sc.expect_failing ? json(*sc.expect_failing) : json(nullptr);
  std::vector<std::string> mismatches = expectation_mismatches(report);
  j["as_expected"] = mismatches.empty();
  j["expectation_mismatches"] = mismatches;
  j["interrupted"] = report.interrupted;
  json assertions = json::array();
  for (const AssertionResult& r : report.results) {
    assertions.push_back({{"name", r.name},
                          {"measured", r.measured ? json(*r.measured) : json(nullptr)},
                          {"bound", r.bound},
                          {"comparison", r.comparison},
                          {"unit", r.unit},
                          {"pass", r.pass},
                          {"detail", r.detail}});
  }
  j["assertions"] = assertions;
  j["sim_time_s"] = to_seconds(o.sim_time);
  j["wall_time_s"] = report.wall_time_s;
  j["events"] = o.events;
  j["trace_records"] = o.trace_records;
  j["derived_options"] = derived_options(sc, o);

  json ops = json::object();
  for (const TypeSummary& s : summarize_types(sc.world, o)) {
    json beats = s.has_beats
                     ? json{{"p50", s.p50}, {"p95", s.p95}, {"p99", s.p99}, {"max", s.max}}
                     : json{{"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}, {"max", nullptr}};
    ops[s.type] = {{"started", s.started},
                   {"completed", s.completed},
                   {"failed", s.failed},
                   {"lost", s.lost},
                   {"unfinished", s.unfinished},
                   {"over_budget", s.over_budget},
                   {"cut_off", s.cut_off},
                   {"shed", s.shed},
                   {"budget_beats", s.budget_beats},
                   {"beats", beats}};
    if (sc.world.adaptive_budgets.enabled || sc.world.budget_warnings.enabled) {
      ops[s.type]["budget_features"] = {{"budget_warnings", s.budget_warnings},
                                        {"false_alarms", s.false_alarms},
                                        {"adapted", s.adapted},
                                        {"mean_budget", s.mean_budget}};
    }
  }
  j["operations"] = ops;
  if (sc.world.admission.limited()) {
    j["admission"] = admission_summary_json(sc.world, summarize_admission(sc.world, o));
  }

  json lost_by_cause = json::object();
  for (const auto& [cause, n] : o.claims.lost_by_cause) lost_by_cause[cause] = n;
  j["claims"] = {{"published", o.claims.published},
                 {"received", o.claims.received},
                 {"duplicates", o.claims.duplicates},
                 {"in_flight", o.claims.in_flight},
                 {"lost", o.claims.lost},
                 {"nonconforming", o.claims.nonconforming},
                 {"lost_by_cause", lost_by_cause}};

  std::uint64_t reconnects = 0, crashes = 0, synthetic = 0, degraded_agents = 0, out_of_sync = 0;
  for (const AgentOutcome& a : o.agents) {
    reconnects += a.reconnects;
    crashes += a.crashes;
    synthetic += a.synthetic_beats;
    if (!a.degradation_windows.empty()) ++degraded_agents;
    if (!a.in_sync_at_end) ++out_of_sync;
  }
  j["agents"] = {{"count", o.agents.size()},
                 {"reconnects", reconnects},
                 {"crashes", crashes},
                 {"synthetic_beats", synthetic},
                 {"ever_degraded", degraded_agents},
                 {"out_of_sync_at_end", out_of_sync}};

  json messages = json::object();
  for (const auto& [kind, m] : o.messages) {
    json dropped = json::object();
    for (const auto& [reason, n] : m.dropped) dropped[reason] = n;
    messages[kind] = {{"published", m.published},
                      {"refused", m.refused},
                      {"delivered", m.delivered},
                      {"dropped", dropped}};
  }
  j["messages"] = messages;
  json faults = json::array();
  for (const FaultWindow& f : o.faults) {
    faults.push_back({{"kind", f.kind},
                      {"targets", f.targets},
                      {"start_s", to_seconds(f.start - o.start)},
                      {"end_s", to_seconds(f.end - o.start)}});
  }
  j["faults"] = faults;
  j["bar_reports"] = o.bar_reports.size();
  return j;
}

}  // namespace backbeat::sim::scenario
