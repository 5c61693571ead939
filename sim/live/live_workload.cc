#include "sim/live/live_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backbeat::live {
namespace {

double draw_beats(const sim::DurationDistribution& d, sim::RandomStream& rng) {
  using Kind = sim::DurationDistribution::Kind;
  double beats = 0;
  switch (d.kind) {
    case Kind::kFixed:
      beats = d.value;
      break;
    case Kind::kUniform:
      beats = rng.uniform(d.min, d.max);
      break;
    case Kind::kNormal:
      beats = rng.normal(d.mean, d.stddev);
      break;
    case Kind::kLognormal:
      beats = rng.lognormal(std::log(d.median), d.sigma);
      break;
    case Kind::kExponential:
      beats = rng.exponential(d.mean);
      break;
  }
  return std::max(beats, 0.01);
}

}  // namespace

LiveWorkload::LiveWorkload(const sim::WorldConfig& config, Clock& clock,
                           std::vector<AgentHandle> agents, std::uint64_t seed)
    : config_(config),
      clock_(clock),
      agents_(std::move(agents)),
      seeds_(seed),
      rng_(seeds_.stream("workload")),
      nominal_beat_(beat_duration(config.pulse.tempo_bpm)),
      running_by_agent_(agents_.size()),
      waiting_by_agent_(agents_.size()) {}

LiveWorkload::~LiveWorkload() {
  stop();
}

std::vector<int> LiveWorkload::resolve(const sim::Selector& selector,
                                       sim::RandomStream& rng) const {
  using Kind = sim::Selector::Kind;
  std::vector<int> out;
  const int count = static_cast<int>(agents_.size());
  switch (selector.kind) {
    case Kind::kAll:
    case Kind::kServer:  // one shared connection: every agent is on "the" server
      for (int i = 0; i < count; ++i) out.push_back(i);
      break;
    case Kind::kAgentRange:
      for (int i = selector.first; i <= selector.last && i < count; ++i) out.push_back(i);
      break;
    case Kind::kGroup:
      for (int i = 0; i < count; ++i) {
        if (agents_[static_cast<std::size_t>(i)].group == selector.group) out.push_back(i);
      }
      break;
    case Kind::kRandomFraction: {
      std::vector<int> all(static_cast<std::size_t>(count));
      for (int i = 0; i < count; ++i) all[static_cast<std::size_t>(i)] = i;
      auto want = static_cast<std::size_t>(
          std::max(1.0, std::round(selector.fraction * static_cast<double>(count))));
      want = std::min(want, all.size());
      for (std::size_t i = 0; i < want; ++i) {
        std::swap(all[i], all[i + rng.uniform_u64(all.size() - i)]);
      }
      out.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(want));
      std::sort(out.begin(), out.end());
      break;
    }
  }
  return out;
}

Clock::TimerId LiveWorkload::after(Time at, std::function<void()> fn) {
  // Arrival timers remove themselves when they fire; stop() cancels the rest.
  auto id = std::make_shared<Clock::TimerId>(Clock::kNoTimer);
  *id = clock_.schedule_at(at, [this, id, fn = std::move(fn)] {
    arrival_timers_.erase(*id);
    fn();
  });
  arrival_timers_.insert(*id);
  return *id;
}

void LiveWorkload::start() {
  const sim::WorkloadConfig& w = config_.workload;
  sim::RandomStream selector_rng = seeds_.stream("workload-selectors");
  const Time begin = clock_.now() + w.start_after;
  const Duration span = (config_.duration - w.start_after) * 8 / 10;
  for (std::size_t i = 0; i < w.operations.size(); ++i) {
    const sim::OperationWorkload& op = w.operations[i];
    eligible_.push_back(resolve(op.agents, selector_rng));
    if (eligible_.back().empty()) continue;
    for (int k = 0; k < op.count; ++k) {
      after(begin + span * (2 * k + 1) / (2 * op.count), [this, i] { arrive(i); });
    }
    if (op.rate_per_beat > 0) after(begin, [this, i] { schedule_poisson(i); });
  }
}

void LiveWorkload::schedule_poisson(std::size_t i) {
  const double mean_beats = 1.0 / config_.workload.operations[i].rate_per_beat;
  const Duration gap = from_seconds(rng_.exponential(mean_beats) * to_seconds(nominal_beat_));
  after(clock_.now() + gap, [this, i] {
    arrive(i);
    schedule_poisson(i);
  });
}

void LiveWorkload::arrive(std::size_t i) {
  if (stopped_) return;
  const sim::OperationWorkload& spec = config_.workload.operations[i];
  const std::vector<int>& agents = eligible_[i];
  const int agent = agents[rng_.uniform_u64(agents.size())];
  Op op;
  op.outcome.id = fmt::format("{}-{:06d}", spec.type, ops_.size());
  op.outcome.type = spec.type;
  op.outcome.agent = agent;
  op.outcome.estimated_beats = spec.estimated_beats;
  auto budget = config_.budgets.find(spec.type);
  op.outcome.budget_beats = budget != config_.budgets.end() ? budget->second : spec.estimated_beats;
  const double beats = draw_beats(spec.duration, rng_);
  op.fail = spec.failure_probability > 0 && rng_.bernoulli(spec.failure_probability);
  const double stretch = agents_[static_cast<std::size_t>(agent)].slow_factor;
  op.length = from_seconds(beats * stretch * to_seconds(nominal_beat_));
  ops_.push_back(std::move(op));
  const std::size_t index = ops_.size() - 1;
  if (!spec.depends_on.empty() && agent_runs_type(agent, spec.depends_on)) {
    waiting_by_agent_[static_cast<std::size_t>(agent)].push_back(index);
    return;
  }
  begin(index);
}

bool LiveWorkload::agent_runs_type(int agent, const std::string& type) const {
  for (std::size_t op : running_by_agent_[static_cast<std::size_t>(agent)]) {
    if (ops_[op].outcome.type == type) return true;
  }
  return false;
}

void LiveWorkload::begin(std::size_t index) {
  Op& op = ops_[index];
  Integration* integration = agents_[static_cast<std::size_t>(op.outcome.agent)].integration;
  op.started_at = clock_.now();
  op.outcome.start_beat = integration->beat_client().current_beat();
  op.outcome.end_beat = op.outcome.start_beat;
  Status s =
      integration->start_p2p_operation(op.outcome.id, op.outcome.type, op.outcome.estimated_beats);
  if (!s && !integration->active_operations().contains(op.outcome.id)) {
    end(index, sim::OperationOutcome::Result::kLost);
    return;
  }
  op.running = true;
  ++running_;
  running_by_agent_[static_cast<std::size_t>(op.outcome.agent)].push_back(index);
  static constexpr int kPercent[4] = {10, 30, 50, 100};
  for (int stage = 0; stage < 4; ++stage) {
    op.timers[stage] = clock_.schedule_at(op.started_at + op.length * kPercent[stage] / 100,
                                          [this, index, stage] { step(index, stage); });
  }
}

void LiveWorkload::step(std::size_t index, int stage) {
  Op& op = ops_[index];
  op.timers[stage] = Clock::kNoTimer;
  if (!op.running) return;
  Integration* integration = agents_[static_cast<std::size_t>(op.outcome.agent)].integration;
  if (stage < 3) {
    static constexpr OperationPhase kPhases[3] = {
        OperationPhase::kConnecting, OperationPhase::kNegotiating, OperationPhase::kExecuting};
    const int peers = 1 + static_cast<int>(rng_.uniform_u64(8));
    (void)integration->update_p2p_operation_phase(op.outcome.id, kPhases[stage], peers);
    return;
  }
  op.outcome.end_beat = integration->beat_client().current_beat();
  if (op.fail) {
    (void)integration->fail_p2p_operation(op.outcome.id, "live workload failure");
    end(index, sim::OperationOutcome::Result::kFailed);
  } else {
    (void)integration->complete_p2p_operation(op.outcome.id,
                                              1 + static_cast<int>(rng_.uniform_u64(8)));
    end(index, sim::OperationOutcome::Result::kCompleted);
  }
}

void LiveWorkload::end(std::size_t index, sim::OperationOutcome::Result result) {
  Op& op = ops_[index];
  op.outcome.result = result;
  op.outcome.elapsed = clock_.now() - op.started_at;
  const int agent = op.outcome.agent;
  if (op.running) {
    op.running = false;
    --running_;
    std::erase(running_by_agent_[static_cast<std::size_t>(agent)], index);
    for (Clock::TimerId& t : op.timers) {
      if (t != Clock::kNoTimer) clock_.cancel(t);
      t = Clock::kNoTimer;
    }
    release_waiting(agent, op.outcome.type);
  }
}

void LiveWorkload::release_waiting(int agent, const std::string& finished_type) {
  if (stopped_) return;
  auto& waiting = waiting_by_agent_[static_cast<std::size_t>(agent)];
  std::deque<std::size_t> still;
  std::vector<std::size_t> ready;
  for (std::size_t op : waiting) {
    const sim::OperationWorkload* spec = nullptr;
    for (const auto& w : config_.workload.operations) {
      if (w.type == ops_[op].outcome.type) spec = &w;
    }
    const bool blocked =
        spec && spec->depends_on == finished_type && agent_runs_type(agent, finished_type);
    (blocked ? still.push_back(op) : ready.push_back(op));
  }
  waiting.swap(still);
  for (std::size_t op : ready) begin(op);
}

void LiveWorkload::stop() {
  stopped_ = true;
  for (Clock::TimerId id : arrival_timers_) clock_.cancel(id);
  arrival_timers_.clear();
  for (Op& op : ops_) {
    for (Clock::TimerId& t : op.timers) {
      if (t != Clock::kNoTimer) clock_.cancel(t);
      t = Clock::kNoTimer;
    }
  }
}

std::vector<sim::OperationOutcome> LiveWorkload::finish() {
  std::vector<sim::OperationOutcome> out;
  out.reserve(ops_.size());
  const Time now = clock_.now();
  for (Op& op : ops_) {
    if (op.running) {
      op.outcome.result = sim::OperationOutcome::Result::kUnfinished;
      Integration* integration = agents_[static_cast<std::size_t>(op.outcome.agent)].integration;
      if (integration != nullptr) op.outcome.end_beat = integration->beat_client().current_beat();
      op.outcome.elapsed = now - op.started_at;
    }
    out.push_back(op.outcome);
  }
  return out;
}

}  // namespace backbeat::live
