#include "sim/scenario/assertion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/scenario/percentile.h"
#include "sim/world/workflow_instances.h"

namespace backbeat::sim::scenario {
namespace {

using Kind = AssertionSpec::Kind;
using Op = OperationOutcome;

constexpr const char* kKindNames[] = {
    "beats_within_budget",   "failure_rate_at_most",      "no_claim_lost",
    "agents_in_sync_within", "degradation_at_most",       "bar_reports",
    "completed_at_least",    "over_budget_share_at_most", "nonconforming_claims_at_most",
    "workflow_beats_within"};

double to_beats(Duration d, double tempo_bpm) {
  return to_seconds(d) * tempo_bpm / 60.0;
}

struct TypeCounts {
  std::size_t started = 0, completed = 0, failed = 0, lost = 0, over_budget = 0;
  std::vector<std::int64_t> beats;  // of completed operations, sorted
};

TypeCounts count_type(const RunOutcome& outcome, const std::string& type) {
  TypeCounts c;
  for (const Op& op : outcome.operations) {
    if (op.type != type) continue;
    ++c.started;
    switch (op.result) {
      case Op::Result::kCompleted:
        ++c.completed;
        c.beats.push_back(op.beats());
        if (op.over_budget()) ++c.over_budget;
        break;
      case Op::Result::kFailed:
        ++c.failed;
        break;
      case Op::Result::kLost:
        ++c.lost;
        break;
      case Op::Result::kUnfinished:
        break;
      case Op::Result::kCutOff:  // overran: still running past its budget
        ++c.over_budget;
        break;
      case Op::Result::kShed:  // never ran: no beats to judge
        break;
    }
  }
  std::sort(c.beats.begin(), c.beats.end());
  return c;
}

TypeCounts count_types(const RunOutcome& outcome, const std::vector<std::string>& types) {
  TypeCounts total;
  for (const std::string& t : types) {
    TypeCounts c = count_type(outcome, t);
    total.started += c.started;
    total.completed += c.completed;
    total.failed += c.failed;
    total.lost += c.lost;
    total.over_budget += c.over_budget;
  }
  return total;
}

std::string type_suffix(const AssertionSpec& spec) {
  if (spec.types.empty()) return "";
  std::string joined;
  for (const std::string& t : spec.types) joined += (joined.empty() ? "" : ",") + t;
  return "[" + joined + "]";
}

std::string name_or(const AssertionSpec& spec, std::string generated) {
  return spec.name.empty() ? std::move(generated) : spec.name;
}

AssertionResult at_most(std::string name, std::optional<double> measured, double bound,
                        std::string unit = "") {
  AssertionResult r{std::move(name), measured, bound, "<=", std::move(unit), false, ""};
  r.pass = measured.has_value() && *measured <= bound + 1e-12;
  return r;
}

AssertionResult at_least(std::string name, std::optional<double> measured, double bound,
                         std::string unit = "") {
  AssertionResult r{std::move(name), measured, bound, ">=", std::move(unit), false, ""};
  r.pass = measured.has_value() && *measured >= bound - 1e-12;
  return r;
}

void evaluate_one(const AssertionSpec& spec, const WorldConfig& config, const RunOutcome& outcome,
                  std::vector<AssertionResult>& out) {
  const double tempo = config.pulse.tempo_bpm;
  std::vector<std::string> types = spec.types.empty() ? workload_types(config) : spec.types;
  switch (spec.kind) {
    case Kind::kBeatsWithinBudget: {
      for (const std::string& type : types) {
        TypeCounts c = count_type(outcome, type);
        auto p = nearest_rank(c.beats, spec.percentile);
        double bound = spec.beats.value_or(budget_for(config, type));
        std::string generated = fmt::format("p{:g}_beats[{}] <= {}", spec.percentile, type,
                                            spec.beats ? "bound" : "budget");
        AssertionResult r = at_most(
            spec.name.empty() ? generated : spec.name + "[" + type + "]",
            p ? std::optional<double>(static_cast<double>(*p)) : std::nullopt, bound, "beats");
        r.detail =
            p ? fmt::format("{} completed of {} started", c.completed, c.started)
              : fmt::format("no completed {} operation to measure ({} started)", type, c.started);
        out.push_back(std::move(r));
      }
      break;
    }
    case Kind::kFailureRateAtMost: {
      TypeCounts c = count_types(outcome, types);
      std::size_t finished = c.completed + c.failed + c.lost;
      std::optional<double> rate;
      if (finished > 0)
        rate = static_cast<double>(c.failed + c.lost) / static_cast<double>(finished);
      AssertionResult r =
          at_most(name_or(spec, "failure_rate" + type_suffix(spec)), rate, spec.max);
      r.detail = finished > 0
                     ? fmt::format("{} failed + {} lost of {} finished", c.failed, c.lost, finished)
                     : "no operation finished";
      out.push_back(std::move(r));
      break;
    }
    case Kind::kNoClaimLost: {
      AssertionResult r = at_most(name_or(spec, "claims_lost"),
                                  static_cast<double>(outcome.claims.lost), 0, "claims");
      if (outcome.claims.lost > 0) {
        std::string causes;
        for (const auto& [cause, n] : outcome.claims.lost_by_cause) {
          causes += fmt::format("{}{} {}", causes.empty() ? "" : ", ", n, cause);
        }
        r.detail = fmt::format("{} of {} published claims never reached the reverb ({})",
                               outcome.claims.lost, outcome.claims.published, causes);
      } else {
        r.detail = fmt::format("{} claims published, {} received", outcome.claims.published,
                               outcome.claims.received);
      }
      out.push_back(std::move(r));
      break;
    }
    case Kind::kAgentsInSyncWithin: {
      double longest = 0;
      std::string worst;
      int out_of_sync = 0;
      std::string first_out;
      for (const AgentOutcome& a : outcome.agents) {
        if (a.longest_resync) {
          double b = to_beats(*a.longest_resync, tempo);
          if (b > longest) {
            longest = b;
            worst = a.agent_id;
          }
        }
        if (!a.in_sync_at_end) {
          if (out_of_sync++ == 0) first_out = a.agent_id;
        }
      }
      double bound = spec.beats.value_or(0);
      AssertionResult r = at_most(name_or(spec, "longest_resync"), longest, bound, "beats");
      r.detail = worst.empty() ? "no agent needed to resynchronise" : "slowest: " + worst;
      out.push_back(std::move(r));
      // A pulse silent for more than the agents' one beat of slack at the end is the cause.
      const Time run_end = outcome.start + outcome.sim_time;
      if (outcome.pulse_silent_since &&
          to_beats(run_end - *outcome.pulse_silent_since, tempo) > 1.0) {
        AssertionResult pulse =
            at_most(spec.name.empty() ? "pulse_silent_at_end" : spec.name + "[pulse]",
                    to_beats(run_end - *outcome.pulse_silent_since, tempo), 1.0, "beats");
        pulse.detail = fmt::format("no pulse from t = {:.1f} s ({}); {} agents out of sync follow",
                                   to_seconds(*outcome.pulse_silent_since - outcome.start),
                                   outcome.pulse_silence_cause, out_of_sync);
        out.push_back(std::move(pulse));
        break;
      }
      AssertionResult end =
          at_most(spec.name.empty() ? "agents_out_of_sync_at_end" : spec.name + "[at_end]",
                  out_of_sync, 0, "agents");
      if (out_of_sync > 0) end.detail = "first: " + first_out;
      out.push_back(std::move(end));
      break;
    }
    case Kind::kDegradationAtMost: {
      double longest = 0;
      std::string worst;
      for (const AgentOutcome& a : outcome.agents) {
        for (const TimeWindow& w : a.degradation_windows) {
          double b = to_beats(w.end - w.start, tempo);
          if (b > longest) {
            longest = b;
            worst = a.agent_id;
          }
        }
      }
      AssertionResult r =
          at_most(name_or(spec, "longest_degradation"), longest, spec.beats.value_or(0), "beats");
      r.detail = worst.empty() ? "no agent degraded" : "longest: " + worst;
      out.push_back(std::move(r));
      break;
    }
    case Kind::kBarReports: {
      std::size_t skip = static_cast<std::size_t>(std::max(0, spec.skip_first_bars));
      std::vector<const BarReportRecord*> reports;
      for (std::size_t i = skip; i < outcome.bar_reports.size(); ++i) {
        reports.push_back(&outcome.bar_reports[i]);
      }
      std::string prefix = spec.name.empty() ? "bar_reports" : spec.name;
      if (spec.min_reports) {
        out.push_back(at_least(prefix + ".count", static_cast<double>(outcome.bar_reports.size()),
                               *spec.min_reports, "reports"));
      }
      if (spec.min_agents_reporting) {
        int agents = config.cluster.agent_count();
        std::optional<double> worst;
        std::int64_t worst_bar = 0;
        for (const BarReportRecord* r : reports) {
          double f = agents > 0 ? static_cast<double>(r->report.agents_reporting) / agents : 0;
          if (!worst || f < *worst) {
            worst = f;
            worst_bar = r->report.from_beat;
          }
        }
        AssertionResult r = at_least(prefix + ".min_agents_reporting", worst,
                                     *spec.min_agents_reporting, "of agents");
        r.detail = worst ? fmt::format("worst bar starts at beat {}", worst_bar)
                         : "no bar report to measure";
        out.push_back(std::move(r));
      }
      if (spec.max_abs_tempo_drift_ms) {
        std::optional<double> worst;
        for (const BarReportRecord* r : reports) {
          double d = std::fabs(r->report.tempo_drift_ms);
          if (!worst || d > *worst) worst = d;
        }
        AssertionResult r =
            at_most(prefix + ".max_abs_tempo_drift", worst, *spec.max_abs_tempo_drift_ms, "ms");
        if (!worst) r.detail = "no bar report to measure";
        out.push_back(std::move(r));
      }
      break;
    }
    case Kind::kCompletedAtLeast: {
      TypeCounts c = count_types(outcome, types);
      if (spec.count) {
        AssertionResult r = at_least(name_or(spec, "completed" + type_suffix(spec)),
                                     static_cast<double>(c.completed), *spec.count, "operations");
        r.detail = fmt::format("{} started", c.started);
        out.push_back(std::move(r));
      }
      if (spec.fraction) {
        std::optional<double> f;
        if (c.started > 0) f = static_cast<double>(c.completed) / static_cast<double>(c.started);
        AssertionResult r = at_least(
            spec.name.empty() ? "completed_fraction" + type_suffix(spec) : spec.name + ".fraction",
            f, *spec.fraction);
        r.detail = fmt::format("{} completed of {} started", c.completed, c.started);
        out.push_back(std::move(r));
      }
      break;
    }
    case Kind::kWorkflowBeatsWithin: {
      // Per template: beats from an instance's first step's start to its last step's end, over
      // the completed instances (sim/world/workflow_instances.h, the report's own reading).
      std::vector<std::string> names = spec.workflows;
      if (names.empty()) {
        for (const WorkflowWorkload& w : config.workload.workflows) names.push_back(w.name);
      }
      const std::vector<WorkflowInstanceOutcome> instances = workflow_instances(outcome.operations);
      for (const std::string& name : names) {
        std::vector<std::int64_t> beats;
        std::size_t started = 0, failed = 0;
        for (const WorkflowInstanceOutcome& i : instances) {
          if (i.workflow != name) continue;
          ++started;
          if (i.state == WorkflowInstanceOutcome::State::kCompleted) beats.push_back(i.beats);
          if (i.state == WorkflowInstanceOutcome::State::kFailed) ++failed;
        }
        std::sort(beats.begin(), beats.end());
        const auto p = nearest_rank(beats, spec.percentile);
        AssertionResult r = at_most(
            spec.name.empty() ? fmt::format("p{:g}_workflow_beats[{}]", spec.percentile, name)
                              : spec.name + "[" + name + "]",
            p ? std::optional<double>(static_cast<double>(*p)) : std::nullopt,
            spec.beats.value_or(0), "beats");
        r.detail =
            p ? fmt::format("{} completed of {} started, {} failed", beats.size(), started, failed)
              : fmt::format("no completed {} instance to measure ({} started, {} failed)", name,
                            started, failed);
        out.push_back(std::move(r));
      }
      break;
    }
    case Kind::kOverBudgetShareAtMost: {
      TypeCounts c = count_types(outcome, types);
      std::optional<double> share;
      if (c.completed > 0) {
        share = static_cast<double>(c.over_budget) / static_cast<double>(c.completed);
      }
      AssertionResult r =
          at_most(name_or(spec, "over_budget_share" + type_suffix(spec)), share, spec.max);
      r.detail = c.completed > 0
                     ? fmt::format("{} of {} completed over budget", c.over_budget, c.completed)
                     : "no completed operation to measure";
      out.push_back(std::move(r));
      break;
    }
    case Kind::kNonconformingClaimsAtMost: {
      out.push_back(at_most(name_or(spec, "nonconforming_claims"),
                            static_cast<double>(outcome.claims.nonconforming), spec.max, "claims"));
      break;
    }
  }
}

}  // namespace

const char* assertion_kind_name(AssertionSpec::Kind kind) {
  return kKindNames[static_cast<int>(kind)];
}

std::optional<AssertionSpec::Kind> parse_assertion_kind(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kKindNames)); ++i) {
    if (name == kKindNames[i]) return static_cast<AssertionSpec::Kind>(i);
  }
  return std::nullopt;
}

std::vector<std::string> assertion_kind_names() {
  return std::vector<std::string>(std::begin(kKindNames), std::end(kKindNames));
}

int budget_for(const WorldConfig& config, const std::string& type) {
  auto it = config.budgets.find(type);
  if (it != config.budgets.end()) return it->second;
  for (const OperationWorkload& w : config.workload.operations) {
    if (w.type == type) return w.estimated_beats;
  }
  return 0;
}

std::vector<std::string> workload_types(const WorldConfig& config) {
  std::vector<std::string> types;
  for (const OperationWorkload& w : config.workload.operations) {
    if (std::find(types.begin(), types.end(), w.type) == types.end()) types.push_back(w.type);
  }
  return types;
}

std::vector<AssertionResult> evaluate_assertions(const std::vector<AssertionSpec>& specs,
                                                 const WorldConfig& config,
                                                 const RunOutcome& outcome) {
  std::vector<AssertionResult> results;
  for (const AssertionSpec& spec : specs) evaluate_one(spec, config, outcome, results);
  return results;
}

}  // namespace backbeat::sim::scenario
