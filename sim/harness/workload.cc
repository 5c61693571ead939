#include "sim/harness/workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/harness/agent_selection.h"

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

// Agents whose group runs the core: operations go only to them (an agent with BACKBEAT
// disabled tracks nothing).
std::vector<int> with_backbeat(const WorldConfig& config, std::vector<int> agents) {
  std::vector<bool> enabled;
  for (const AgentGroup& g : config.cluster.groups)
    enabled.insert(enabled.end(), g.count, g.backbeat_enabled);
  std::erase_if(agents, [&](int a) { return !enabled[static_cast<std::size_t>(a)]; });
  return agents;
}

}  // namespace

Workload::Workload(const WorldConfig& config, WorkloadHost& host, RandomStream rng,
                   RandomStream selector_rng)
    : config_(config),
      host_(host),
      rng_(rng),
      selector_rng_(selector_rng),
      poisson_timers_(config.workload.operations.size() + config.workload.workflows.size(),
                      Clock::kNoTimer),
      running_by_agent_(static_cast<std::size_t>(config.cluster.agent_count())),
      waiting_by_agent_(static_cast<std::size_t>(config.cluster.agent_count())),
      nominal_beat_(beat_duration(config.pulse.tempo_bpm)) {}

Workload::~Workload() {
  stop();
}

void Workload::start() {
  const WorkloadConfig& w = config_.workload;
  Clock& clock = host_.run_clock();
  Time begin = clock.now() + w.start_after;
  Duration span = (config_.duration - w.start_after) * 8 / 10;
  for (std::size_t i = 0; i < poisson_timers_.size(); ++i) {
    const bool flow = i >= w.operations.size();
    const Selector& agents =
        flow ? w.workflows[i - w.operations.size()].agents : w.operations[i].agents;
    const int count = flow ? w.workflows[i - w.operations.size()].count : w.operations[i].count;
    eligible_.push_back(with_backbeat(config_, select_agents(config_, agents, selector_rng_)));
    if (eligible_.back().empty()) continue;
    for (int k = 0; k < count; ++k) {
      Time at = begin + span * (2 * k + 1) / (2 * count);
      arrival_timers_.push_back(clock.schedule_at(at, [this, i] { arrive(i); }));
    }
    if (rate_per_beat(i) > 0) {
      poisson_timers_[i] = clock.schedule_at(begin, [this, i] { schedule_poisson(i); });
    }
  }
}

void Workload::stop() {
  if (stopped_) return;
  stopped_ = true;
  Clock& clock = host_.run_clock();
  for (Clock::TimerId id : arrival_timers_) clock.cancel(id);
  for (Clock::TimerId id : poisson_timers_) clock.cancel(id);
  arrival_timers_.clear();
  for (Op& op : ops_) {
    for (Clock::TimerId& t : op.timers) {
      if (t != Clock::kNoTimer) host_.agent_clock(op.outcome.agent).cancel(t);
      t = Clock::kNoTimer;
    }
  }
}

void Workload::schedule_poisson(std::size_t i) {
  double mean_beats = 1.0 / rate_per_beat(i);
  Duration gap = from_seconds(rng_.exponential(mean_beats) * to_seconds(nominal_beat_));
  Clock& clock = host_.run_clock();
  poisson_timers_[i] = clock.schedule_at(clock.now() + gap, [this, i] {
    arrive(i);
    schedule_poisson(i);
  });
}

double Workload::rate_per_beat(std::size_t source) const {
  const WorkloadConfig& w = config_.workload;
  return source < w.operations.size() ? w.operations[source].rate_per_beat
                                      : w.workflows[source - w.operations.size()].rate_per_beat;
}

void Workload::arrive(std::size_t i) {
  const std::vector<int>& agents = eligible_[i];
  int agent = agents[rng_.uniform_u64(agents.size())];
  if (i >= config_.workload.operations.size()) {
    arrive_workflow(i - config_.workload.operations.size(), agent);
    return;
  }
  const OperationWorkload& spec = config_.workload.operations[i];
  ops_.push_back(make_op(spec, agent));
  std::size_t index = ops_.size() - 1;
  if (!spec.depends_on.empty() && agent_runs_type(agent, spec.depends_on)) {
    waiting_by_agent_[static_cast<std::size_t>(agent)].push_back(index);
    return;
  }
  begin(index);
}

Workload::Op Workload::make_op(const OperationWorkload& spec, int agent) {
  Op op;
  op.outcome.id = fmt::format("{}-{:06d}", spec.type, ops_.size());
  op.outcome.type = spec.type;
  op.outcome.agent = agent;
  op.outcome.estimated_beats = spec.estimated_beats;
  auto budget = config_.budgets.find(spec.type);
  op.outcome.budget_beats = budget != config_.budgets.end() ? budget->second : spec.estimated_beats;
  op.outcome.static_budget_beats = op.outcome.budget_beats;
  double beats = draw_beats(spec.duration, rng_);
  op.fail = spec.failure_probability > 0 && rng_.bernoulli(spec.failure_probability);
  double stretch = host_.slow_factor(agent);
  op.length = from_seconds(beats * stretch * to_seconds(nominal_beat_));
  op.phases = spec.phases;
  op.cut_off = spec.cut_off;
  op.priority = spec.priority.value_or(default_operation_priority(spec.type));
  op.outcome.priority = operation_priority_name(op.priority);
  return op;
}

void Workload::arrive_workflow(std::size_t w, int agent) {
  const WorkflowWorkload& spec = config_.workload.workflows[w];
  Flow flow;
  flow.spec = w;
  flow.agent = agent;
  flow.id = fmt::format("{}-{:06d}", spec.name, flows_.size());
  flow.op_of_step.assign(spec.steps.size(), kNotStarted);
  flows_.push_back(std::move(flow));
  start_ready_steps(flows_.size() - 1);
}

void Workload::start_ready_steps(std::size_t f) {
  const WorkflowWorkload& spec = config_.workload.workflows[flows_[f].spec];
  for (std::size_t s = 0; s < spec.steps.size(); ++s) {
    if (stopped_ || flows_[f].failed) return;
    if (flows_[f].op_of_step[s] != kNotStarted) continue;
    const WorkflowStep& step = spec.steps[s];
    std::vector<std::string> parents;
    for (const std::string& name : step.after) {
      auto p = std::find_if(spec.steps.begin(), spec.steps.end(),
                            [&](const WorkflowStep& x) { return x.name == name; });
      std::size_t op = flows_[f].op_of_step[static_cast<std::size_t>(p - spec.steps.begin())];
      if (op == kNotStarted || ops_[op].running ||
          ops_[op].outcome.result != OperationOutcome::Result::kCompleted) {
        break;
      }
      parents.push_back(ops_[op].outcome.id);
    }
    if (parents.size() != step.after.size()) continue;
    const auto& types = config_.workload.operations;
    auto type = std::find_if(types.begin(), types.end(),
                             [&](const OperationWorkload& o) { return o.type == step.type; });
    Op op = make_op(*type, flows_[f].agent);
    op.flow = static_cast<int>(f);
    op.step = s;
    op.outcome.id = fmt::format("{}-{:06d}", step.name, ops_.size());
    op.outcome.workflow_id = flows_[f].id;
    op.outcome.workflow = spec.name;
    op.outcome.step = step.name;
    op.outcome.parents = std::move(parents);
    op.outcome.workflow_steps = static_cast<int>(spec.steps.size());
    ops_.push_back(std::move(op));
    flows_[f].op_of_step[s] = ops_.size() - 1;
    begin(ops_.size() - 1);
  }
}

bool Workload::agent_runs_type(int agent, const std::string& type) const {
  for (std::size_t op : running_by_agent_[static_cast<std::size_t>(agent)]) {
    if (ops_[op].outcome.type == type) return true;
  }
  return false;
}

void Workload::begin(std::size_t index) {
  Op& op = ops_[index];
  const int agent = op.outcome.agent;
  op.started_at = host_.run_clock().now();
  Integration* integration = host_.integration(agent);
  if (integration == nullptr) {
    end(index, OperationOutcome::Result::kLost);
    return;
  }
  op.outcome.start_beat = integration->beat_client().current_beat();
  op.outcome.end_beat = op.outcome.start_beat;
  // Admission takes plain operations; a workflow's steps start when their parents complete
  // (the workflow is the unit the host admitted).
  if (config_.admission.limited() && op.flow < 0) {
    request_admission(index, *integration);
    return;
  }
  Status s = op.flow < 0 ? integration->start_p2p_operation(op.outcome.id, op.outcome.type,
                                                            op.outcome.estimated_beats)
                         : integration->start_workflow_operation(
                               op.outcome.id, op.outcome.type, op.outcome.estimated_beats,
                               {op.outcome.workflow_id, op.outcome.parents});
  // A claim that could not be published still registers the operation (as in the seed); only
  // a refusal to register counts as lost.
  if (!s && !integration->active_operations().contains(op.outcome.id)) {
    end(index, OperationOutcome::Result::kLost);
    return;
  }
  run(index, *integration);
}

void Workload::request_admission(std::size_t index, Integration& integration) {
  Op& op = ops_[index];
  auto verdict = integration.request_p2p_operation(
      op.outcome.id, op.outcome.type, op.outcome.estimated_beats, op.priority,
      [this, index](const AdmissionNotice& notice) { on_admission(index, notice); });
  if (!verdict) {
    end(index, OperationOutcome::Result::kLost);
    return;
  }
  switch (*verdict) {
    case OperationAdmission::Verdict::kAdmit:
      run(index, integration);
      return;
    case OperationAdmission::Verdict::kShed:
      end(index, OperationOutcome::Result::kShed);
      return;
    case OperationAdmission::Verdict::kQueue:
      op.queued = true;
      op.outcome.waited = true;
      return;
  }
}

void Workload::on_admission(std::size_t index, const AdmissionNotice& notice) {
  Op& op = ops_[index];
  if (!op.queued) return;  // its agent crashed meanwhile: already lost
  op.queued = false;
  op.outcome.waited_beats = notice.waited_beats;
  Integration* integration = host_.integration(op.outcome.agent);
  if (!notice.admitted) {
    op.outcome.end_beat = op.outcome.start_beat + notice.waited_beats;
    end(index, OperationOutcome::Result::kShed);
    return;
  }
  if (integration == nullptr || !integration->active_operations().contains(op.outcome.id)) {
    end(index, OperationOutcome::Result::kLost);  // a restarted core never knew it
    return;
  }
  // Waiting does not count against the budget: the operation starts now.
  op.started_at = host_.run_clock().now();
  op.outcome.start_beat = integration->active_operations().at(op.outcome.id).start_beat;
  op.outcome.end_beat = op.outcome.start_beat;
  run(index, *integration);
}

void Workload::run(std::size_t index, Integration& integration) {
  Op& op = ops_[index];
  const int agent = op.outcome.agent;
  take_agent_budget(op.outcome, integration);
  auto& running_here = running_by_agent_[static_cast<std::size_t>(agent)];
  if (const int capacity = config_.workload.capacity_per_agent; capacity > 0) {
    const double load = static_cast<double>(running_here.size() + 1) / capacity;
    if (load > 1) op.length = from_seconds(to_seconds(op.length) * load);
  }
  op.running = true;
  ++running_;
  running_here.push_back(index);
  host_.on_operation_started(op.outcome);
  if (op.cut_off) begin_under_budget(index, integration);
  // Phases on the agent's own clock at the operation's fractions of the duration, then the end.
  Clock& clock = host_.agent_clock(agent);
  Time local_start = clock.now();
  for (int stage = 0; stage < 4; ++stage) {
    double fraction = stage < 3 ? op.phases[static_cast<std::size_t>(stage)] : 1.0;
    Time due = local_start + Duration(static_cast<std::int64_t>(
                                 std::llround(static_cast<double>(op.length.count()) * fraction)));
    op.timers[static_cast<std::size_t>(stage)] =
        clock.schedule_at(due, [this, index, stage] { step(index, stage); });
  }
}

void Workload::take_agent_budget(OperationOutcome& outcome, const Integration& integration) const {
  // Only adaptive budgets differ from the table; live agents keep the seed's default policy.
  if (!config_.adaptive_budgets.enabled) return;
  if (const OperationBudget* b = integration.budgets().find(outcome.id)) {
    outcome.budget_beats = b->budget_beats;
  }
}

void Workload::begin_under_budget(std::size_t index, Integration& integration) {
  integration.execute_with_beat_budget_async(
      ops_[index].outcome.budget_beats,
      [this, index](std::stop_token token, BeatBudgets::Done done) {
        ops_[index].budget_token = std::move(token);
        ops_[index].budget_done = std::move(done);
      },
      [this, index](const Status& result) { on_budget_result(index, result); });
}

void Workload::on_budget_result(std::size_t index, const Status& result) {
  Op& op = ops_[index];
  // The operation's own outcome came back (it already ended), or it ended otherwise (lost).
  if (!op.running || result.code() != StatusCode::kDeadlineExceeded) return;
  Integration* integration = host_.integration(op.outcome.agent);
  if (integration == nullptr) return;  // on_agent_crash handles it
  op.outcome.end_beat = integration->beat_client().current_beat();
  (void)integration->fail_p2p_operation(op.outcome.id, result.message());
  end(index, OperationOutcome::Result::kCutOff);
}

void Workload::step(std::size_t index, int stage) {
  Op& op = ops_[index];
  if (!op.running || op.budget_token.stop_requested()) return;
  Integration* integration = host_.integration(op.outcome.agent);
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
  if (const OperationBudget* b = integration->budgets().find(op.outcome.id)) {
    op.outcome.budget_warned = b->warned;
  }
  if (op.budget_done)
    op.budget_done(op.fail ? Status::internal("simulated failure") : Status::ok());
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
  op.outcome.elapsed = host_.run_clock().now() - op.started_at;
  const int agent = op.outcome.agent;
  host_.on_operation_ended(op.outcome);
  if (op.running) {
    op.running = false;
    --running_;
    std::erase(running_by_agent_[static_cast<std::size_t>(agent)], index);
    Clock& clock = host_.agent_clock(agent);
    for (Clock::TimerId& t : op.timers) {
      if (t != Clock::kNoTimer) clock.cancel(t);
      t = Clock::kNoTimer;
    }
    release_waiting(agent, op.outcome.type);
  }
  // ops_[index], not op: starting the next steps grows ops_.
  if (const int flow = ops_[index].flow; flow >= 0) {
    if (result != OperationOutcome::Result::kCompleted) {
      flows_[static_cast<std::size_t>(flow)].failed = true;
    } else {
      start_ready_steps(static_cast<std::size_t>(flow));
    }
  }
}

void Workload::release_waiting(int agent, const std::string& finished_type) {
  if (stopped_) return;
  auto& waiting = waiting_by_agent_[static_cast<std::size_t>(agent)];
  std::deque<std::size_t> still;
  std::vector<std::size_t> ready;
  for (std::size_t op : waiting) {
    const OperationWorkload* spec = nullptr;
    for (const auto& w : config_.workload.operations) {
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
  // Operations waiting for the crashed core's admission are lost with it.
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i].queued && ops_[i].outcome.agent == agent) {
      ops_[i].queued = false;
      end(i, OperationOutcome::Result::kLost);
    }
  }
}

std::vector<OperationOutcome> Workload::finish() {
  std::vector<OperationOutcome> out;
  out.reserve(ops_.size());
  const Time now = host_.run_clock().now();
  for (Op& op : ops_) {
    if (op.running) {
      op.outcome.result = OperationOutcome::Result::kUnfinished;
      if (Integration* integration = host_.integration(op.outcome.agent)) {
        op.outcome.end_beat = integration->beat_client().current_beat();
      }
      op.outcome.elapsed = now - op.started_at;
    } else if (op.queued) {  // still waiting for admission: unfinished, waited until now
      op.outcome.waiting_at_end = true;
      if (Integration* integration = host_.integration(op.outcome.agent)) {
        op.outcome.waited_beats = integration->beat_client().current_beat() - op.outcome.start_beat;
      }
    }
    out.push_back(op.outcome);
  }
  return out;
}

}  // namespace backbeat::sim
