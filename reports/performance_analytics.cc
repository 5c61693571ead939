#include "reports/performance_analytics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/nearest_rank.h"

namespace backbeat::reports {
namespace {

struct Span {
  Time start{};
  Time end{};
};

bool overlaps(const Span& op, Time start, Time end, Time run_end) {
  if (end <= start) end = run_end;  // still open at the end of the run
  return start < op.end && op.start < end;
}

}  // namespace

std::vector<TypeAnalytics> performance_analytics(const sim::WorldConfig& config,
                                                 const sim::RunOutcome& o) {
  std::map<std::int64_t, Time> beat_start;
  for (const sim::TempoSample& t : o.tempo) beat_start.emplace(t.beat_index, t.at);
  const Time run_end = o.start + o.sim_time;
  auto time_of = [&](std::int64_t beat) -> std::optional<Time> {
    auto it = beat_start.find(beat);
    if (it == beat_start.end()) return std::nullopt;
    return it->second;
  };

  std::map<std::string, std::vector<const sim::OperationOutcome*>> by_type;
  for (const sim::OperationOutcome& op : o.operations) {
    if (op.result == sim::OperationOutcome::Result::kCompleted) by_type[op.type].push_back(&op);
  }
  std::vector<TypeAnalytics> out;
  for (const auto& [type, ops] : by_type) {
    TypeAnalytics a;
    a.type = type;
    a.completed = ops.size();
    a.table_budget = ops.front()->static_budget_beats;
    auto table = config.budgets.find(type);
    if (table != config.budgets.end()) a.table_budget = table->second;
    std::vector<std::int64_t> beats;
    std::int64_t budget_total = 0;
    for (const sim::OperationOutcome* op : ops) {
      beats.push_back(op->beats());
      budget_total += op->budget_beats;
      if (!op->over_budget()) continue;
      ++a.overruns;
      std::optional<Time> start = time_of(op->start_beat);
      std::optional<Time> end = time_of(op->end_beat + 1);
      const sim::AgentOutcome* agent = nullptr;
      for (const sim::AgentOutcome& ag : o.agents) {
        if (ag.index == op->agent) agent = &ag;
      }
      if (!start || agent == nullptr) {
        ++a.causes.unexplained;
        continue;
      }
      Span span{*start, end.value_or(run_end)};
      bool slow = false, disconnect = false, degradation = false;
      for (const sim::FaultWindow& f : o.faults) {
        // The agents the fault acted on as the plan resolved them: random fractions and server
        // selectors included, never re-read from the text.
        const bool hit =
            std::binary_search(f.target_agents.begin(), f.target_agents.end(), agent->index);
        slow = slow || (f.kind == "slow_peers" && hit && overlaps(span, f.start, f.end, run_end));
      }
      for (const sim::TimeWindow& w : agent->disconnect_windows) {
        disconnect = disconnect || overlaps(span, w.start, w.end, run_end);
      }
      for (const sim::TimeWindow& w : agent->degradation_windows) {
        degradation = degradation || overlaps(span, w.start, w.end, run_end);
      }
      a.causes.slow_peers += slow ? 1 : 0;
      a.causes.disconnect += disconnect ? 1 : 0;
      a.causes.degradation += degradation ? 1 : 0;
      a.causes.unexplained += !slow && !disconnect && !degradation ? 1 : 0;
    }
    std::sort(beats.begin(), beats.end());
    a.p50 = nearest_rank(beats, 50);
    a.p95 = nearest_rank(beats, 95);
    a.p99 = nearest_rank(beats, 99);
    a.mean_budget = static_cast<double>(budget_total) / static_cast<double>(ops.size());
    a.within_budget = 1.0 - static_cast<double>(a.overruns) / static_cast<double>(ops.size());
    out.push_back(std::move(a));
  }
  return out;
}

nlohmann::json performance_analytics_json(const std::vector<TypeAnalytics>& analytics) {
  auto opt = [](const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json out = nlohmann::json::array();
  for (const TypeAnalytics& a : analytics) {
    out.push_back({{"type", a.type},
                   {"completed", a.completed},
                   {"table_budget", a.table_budget},
                   {"mean_budget", a.mean_budget},
                   {"p50", opt(a.p50)},
                   {"p95", opt(a.p95)},
                   {"p99", opt(a.p99)},
                   {"within_budget", a.within_budget},
                   {"overruns", a.overruns},
                   {"overrun_causes",
                    {{"slow_peers", a.causes.slow_peers},
                     {"disconnect", a.causes.disconnect},
                     {"degradation", a.causes.degradation},
                     {"unexplained", a.causes.unexplained}}}});
  }
  return out;
}

std::string performance_analytics_markdown(const std::vector<TypeAnalytics>& analytics) {
  std::string md =
      "## Performance analytics\n\n"
      "Budget against beats to complete, and what overlapped each overrun on its agent (an "
      "overrun counts under every cause that overlapped it).\n\n"
      "| type | table budget | mean budget | p50 | p95 | p99 | within budget | overruns | slow "
      "peers | disconnect | degradation | unexplained |\n"
      "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  auto out = std::back_inserter(md);
  auto text = [](const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string("-");
  };
  for (const TypeAnalytics& a : analytics) {
    fmt::format_to(out, "| {} | {} | {:.2f} | {} | {} | {} | {:.1f}% | {} | {} | {} | {} | {} |\n",
                   a.type, a.table_budget, a.mean_budget, text(a.p50), text(a.p95), text(a.p99),
                   a.within_budget * 100, a.overruns, a.causes.slow_peers, a.causes.disconnect,
                   a.causes.degradation, a.causes.unexplained);
  }
  return md;
}

}  // namespace backbeat::reports
