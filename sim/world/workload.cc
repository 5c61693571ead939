#include "sim/world/workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/kernel/hash.h"
#include "sim/world/sim_agent.h"

namespace backbeat::sim {
namespace {

double draw_beats(const DurationDistribution& d, RandomStream& rng) {
  double beats = 0;
  switch (d.kind) {
    case DurationDistribution::Kind::kFixed:
      beats = d.value;
      break;
    case DurationDistribution::Kind::kUniform:
      beats = rng.uniform(d.min, d.max);
      break;
    case DurationDistribution::Kind::kNormal:
      beats = rng.normal(d.mean, d.stddev);
      break;
    case DurationDistribution::Kind::kLognormal:
      beats = rng.lognormal(std::log(d.median), d.sigma);
      break;
    case DurationDistribution::Kind::kExponential:
      beats = rng.exponential(d.mean);
      break;
  }
  return std::max(beats, 0.01);  // an operation takes some time
}

}  // namespace

Workload::Workload(WorldContext& world, RandomStream rng)
    : world_(world),
      rng_(rng),
      running_by_agent_(world.agents.size()),
      waiting_by_agent_(world.agents.size()),
      nominal_beat_(beat_duration(world.config.pulse.tempo_bpm)),
      kind_op_(world.trace.kind("workload.op")) {}

void Workload::start() {
  const WorkloadConfig& w = world_.config.workload;
  RandomStream selector_rng = world_.seeds.stream("workload-selectors");
  Time begin = world_.kernel.now() + w.start_after;
  Duration span = (world_.config.duration - w.start_after) * 8 / 10;
  for (std::size_t i = 0; i < w.operations.size(); ++i) {
    const OperationWorkload& op = w.operations[i];
    eligible_.push_back(world_.resolve(op.agents, selector_rng));
    if (eligible_.back().empty()) continue;
    for (int k = 0; k < op.count; ++k) {
      Time at = begin + span * (2 * k + 1) / (2 * op.count);
      world_.kernel.schedule_at(at, [this, i] { arrive(i); });
    }
    if (op.rate_per_beat > 0) {
      world_.kernel.schedule_at(begin, [this, i] { schedule_poisson(i); });
    }
  }
}

void Workload::schedule_poisson(std::size_t i) {
  double mean_beats = 1.0 / world_.config.workload.operations[i].rate_per_beat;
  Duration gap = from_seconds(rng_.exponential(mean_beats) * to_seconds(nominal_beat_));
  world_.kernel.schedule_after(gap, [this, i] {
    arrive(i);
    schedule_poisson(i);
  });
}

void Workload::arrive(std::size_t i) {
  const OperationWorkload& spec = world_.config.workload.operations[i];
  const std::vector<int>& agents = eligible_[i];
  int agent = agents[rng_.uniform_u64(agents.size())];
  Op op;
  op.outcome.id = fmt::format("{}-{:06d}", spec.type, ops_.size());
  op.outcome.type = spec.type;
  op.outcome.agent = agent;
  op.outcome.estimated_beats = spec.estimated_beats;
  auto budget = world_.config.budgets.find(spec.type);
  op.outcome.budget_beats =
      budget != world_.config.budgets.end() ? budget->second : spec.estimated_beats;
  double beats = draw_beats(spec.duration, rng_);
  op.fail = spec.failure_probability > 0 && rng_.bernoulli(spec.failure_probability);
  double stretch = world_.agents[static_cast<std::size_t>(agent)]->slow_factor();
  op.length = from_seconds(beats * stretch * to_seconds(nominal_beat_));
  op.phases = spec.phases;
  ops_.push_back(std::move(op));
  std::size_t index = ops_.size() - 1;
  if (!spec.depends_on.empty() && agent_runs_type(agent, spec.depends_on)) {
    waiting_by_agent_[static_cast<std::size_t>(agent)].push_back(index);
    return;
  }
  begin(index);
}

bool Workload::agent_runs_type(int agent, const std::string& type) const {
  for (std::size_t op : running_by_agent_[static_cast<std::size_t>(agent)]) {
    if (ops_[op].outcome.type == type) return true;
  }
  return false;
}

void Workload::begin(std::size_t index) {
  Op& op = ops_[index];
  SimAgent& agent = *world_.agents[static_cast<std::size_t>(op.outcome.agent)];
  op.started_at = world_.kernel.now();
  Integration* integration = agent.integration();
  if (integration == nullptr) {
    end(index, OperationOutcome::Result::kLost);
    return;
  }
  op.outcome.start_beat = integration->beat_client().current_beat();
  op.outcome.end_beat = op.outcome.start_beat;
  Status s =
      integration->start_p2p_operation(op.outcome.id, op.outcome.type, op.outcome.estimated_beats);
  // A claim that could not be published still registers the operation (as in the seed); only
  // a refusal to register counts as lost.
  if (!s && !integration->active_operations().contains(op.outcome.id)) {
    end(index, OperationOutcome::Result::kLost);
    return;
  }
  op.running = true;
  ++running_;
  running_by_agent_[static_cast<std::size_t>(op.outcome.agent)].push_back(index);
  world_.trace.record(world_.kernel.now(), agent.node(), kind_op_,
                      digest_combine(fnv1a64(op.outcome.id), 0));
  // Phases on the agent's own clock at the workload's fractions of the duration, then the end.
  const std::array<double, 3>& phases = op.phases;
  Time local_start = agent.clock().now();
  for (int stage = 0; stage < 4; ++stage) {
    double fraction = stage < 3 ? phases[static_cast<std::size_t>(stage)] : 1.0;
    Time due = local_start + Duration(static_cast<std::int64_t>(
                                 std::llround(static_cast<double>(op.length.count()) * fraction)));
    op.timers[static_cast<std::size_t>(stage)] =
        agent.clock().schedule_at(due, [this, index, stage] { step(index, stage); });
  }
}

void Workload::step(std::size_t index, int stage) {
  Op& op = ops_[index];
  if (!op.running) return;
  SimAgent& agent = *world_.agents[static_cast<std::size_t>(op.outcome.agent)];
  Integration* integration = agent.integration();
  if (integration == nullptr) return;  // on_agent_crash handles it
  op.timers[static_cast<std::size_t>(stage)] = Clock::kNoTimer;
  if (stage < 3) {
    static constexpr OperationPhase kPhases[3] = {
        OperationPhase::kConnecting, OperationPhase::kNegotiating, OperationPhase::kExecuting};
    int peers = 1 + static_cast<int>(rng_.uniform_u64(8));
    (void)integration->update_p2p_operation_phase(op.outcome.id, kPhases[stage], peers);
    return;
  }
  op.outcome.end_beat = integration->beat_client().current_beat();
  if (op.fail) {
    (void)integration->fail_p2p_operation(op.outcome.id, "simulated failure");
    end(index, OperationOutcome::Result::kFailed);
  } else {
    (void)integration->complete_p2p_operation(op.outcome.id,
                                              1 + static_cast<int>(rng_.uniform_u64(8)));
    end(index, OperationOutcome::Result::kCompleted);
  }
}

void Workload::end(std::size_t index, OperationOutcome::Result result) {
  Op& op = ops_[index];
  op.outcome.result = result;
  op.outcome.elapsed = world_.kernel.now() - op.started_at;
  int agent = op.outcome.agent;
  SimAgent& a = *world_.agents[static_cast<std::size_t>(agent)];
  world_.trace.record(
      world_.kernel.now(), a.node(), kind_op_,
      digest_combine(fnv1a64(op.outcome.id), (static_cast<std::uint64_t>(result) << 32) |
                                                 static_cast<std::uint32_t>(op.outcome.beats())));
  if (op.running) {
    op.running = false;
    --running_;
    std::erase(running_by_agent_[static_cast<std::size_t>(agent)], index);
    for (Clock::TimerId& t : op.timers) {
      if (t != Clock::kNoTimer) a.clock().cancel(t);
      t = Clock::kNoTimer;
    }
    release_waiting(agent, op.outcome.type);
  }
}

void Workload::release_waiting(int agent, const std::string& finished_type) {
  auto& waiting = waiting_by_agent_[static_cast<std::size_t>(agent)];
  std::deque<std::size_t> still;
  std::vector<std::size_t> ready;
  for (std::size_t op : waiting) {
    const OperationWorkload* spec = nullptr;
    for (const auto& w : world_.config.workload.operations) {
      if (w.type == ops_[op].outcome.type) spec = &w;
    }
    bool blocked =
        spec && spec->depends_on == finished_type && agent_runs_type(agent, finished_type);
    (blocked ? still.push_back(op) : ready.push_back(op));
  }
  waiting.swap(still);
  for (std::size_t op : ready) begin(op);
}

void Workload::on_agent_crash(int agent) {
  std::vector<std::size_t> running = running_by_agent_[static_cast<std::size_t>(agent)];
  for (std::size_t op : running) end(op, OperationOutcome::Result::kLost);
}

std::vector<OperationOutcome> Workload::finish() {
  std::vector<OperationOutcome> out;
  out.reserve(ops_.size());
  for (Op& op : ops_) {
    if (op.running) {
      op.outcome.result = OperationOutcome::Result::kUnfinished;
      SimAgent& agent = *world_.agents[static_cast<std::size_t>(op.outcome.agent)];
      if (agent.integration() != nullptr) {
        op.outcome.end_beat = agent.integration()->beat_client().current_beat();
      }
      op.outcome.elapsed = world_.kernel.now() - op.started_at;
    }
    out.push_back(op.outcome);
  }
  return out;
}

}  // namespace backbeat::sim
