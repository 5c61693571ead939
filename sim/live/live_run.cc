#include "sim/live/live_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>

#include "core/integration.h"
#include "core/logger.h"
#include "core/subject.h"
#include "sim/harness/agent_host.h"
#include "sim/harness/workload.h"
#include "sim/kernel/hash.h"
#include "sim/kernel/random.h"
#include "sim/live/live_fields.h"
#include "sim/live/live_pulse.h"

namespace backbeat::live {
namespace {

// The workload's host in a live run: every agent on the event loop's clock.
class LiveWorkloadHost final : public sim::WorkloadHost {
 public:
  LiveWorkloadHost(Clock& clock, std::vector<std::unique_ptr<sim::AgentHost>>& agents)
      : clock_(clock), agents_(agents) {}

  Clock& run_clock() override { return clock_; }
  Clock& agent_clock(int) override { return clock_; }
  Integration* integration(int agent) override {
    return agents_[static_cast<std::size_t>(agent)]->integration();
  }
  double slow_factor(int agent) const override {
    return agents_[static_cast<std::size_t>(agent)]->group().slow_factor;
  }

 private:
  Clock& clock_;
  std::vector<std::unique_ptr<sim::AgentHost>>& agents_;
};

std::uint64_t last_claim_sequence(sim::AgentHost& agent) {
  Integration* integration = agent.integration();
  return integration ? integration->beat_client().last_claim_sequence() : 0;
}

}  // namespace

Status check_live_config(const sim::WorldConfig& config) {
  const std::vector<LiveRefusal> refusals = live_refusals(config);
  if (!refusals.empty()) {
    std::string text = refusals.front().to_string();
    if (refusals.size() > 1) {
      text += fmt::format(" (and {} more field(s) live mode cannot honour:", refusals.size() - 1);
      for (std::size_t i = 1; i < refusals.size(); ++i) text += " " + refusals[i].path;
      text += ")";
    }
    return Status::invalid_argument(text);
  }
  if (config.cluster.agent_count() < 1) {
    return Status::invalid_argument("cluster: live mode needs at least one agent");
  }
  if (config.duration <= Duration::zero()) {
    return Status::invalid_argument("duration: must be positive");
  }
  return Status::ok();
}

namespace {

NatsOptions nats_options_for(const sim::WorldConfig& config, NatsOptions options) {
  // The scenario's client behaviour (cluster.nats) applies where it differs from the default.
  const sim::NatsBehaviour defaults;
  const sim::NatsBehaviour& b = config.cluster.nats;
  if (b.reconnect_wait != defaults.reconnect_wait) options.reconnect_wait = b.reconnect_wait;
  if (b.max_reconnect_attempts != defaults.max_reconnect_attempts) {
    options.max_reconnect_attempts = b.max_reconnect_attempts;
  }
  if (b.reconnect_buffer_bytes != defaults.reconnect_buffer_bytes) {
    // nats.c takes an int: a larger buffer is as good as unlimited.
    options.reconnect_buffer_bytes = static_cast<int>(
        std::min<std::int64_t>(b.reconnect_buffer_bytes, std::numeric_limits<int>::max()));
  }
  if (b.pending_limit != defaults.pending_limit) options.pending_messages_limit = b.pending_limit;
  return options;
}

constexpr std::string_view kPermissionDeniedOn = "permission denied on ";

// Claims of an agent whose claim subject the server refused: every claim not received is lost
// for that reason (unless a more specific cause is already known).
void attribute_refused_claims(
    const std::vector<PermissionViolation>& violations, const SubjectScheme& subjects,
    const std::string& cluster_id, const std::map<std::string, std::uint64_t>& published_seq,
    std::map<std::pair<std::string, std::uint64_t>, std::string>& causes) {
  for (const PermissionViolation& v : violations) {
    if (v.operation != "publish") continue;
    for (const auto& [agent, last] : published_seq) {
      if (v.subject != subjects.status_claims(cluster_id, agent)) continue;
      const std::string cause = std::string(kPermissionDeniedOn) + v.subject;
      for (std::uint64_t seq = 1; seq <= last; ++seq) causes.try_emplace({agent, seq}, cause);
    }
  }
}

}  // namespace

Result<LiveRunResult> run_live(const sim::WorldConfig& config, const LiveRunOptions& options,
                               EventLoop& loop) {
  if (Status s = check_live_config(config); !s) return s;
  const std::string& cluster_id = config.cluster.cluster_id;
  if (options.builtin_pulse) {
    LivePulseConfig pc;
    pc.cluster_id = cluster_id;
    pc.tempo_bpm = config.pulse.tempo_bpm;
    pc.bar_length = config.pulse.bar_length;
    pc.frames_per_beat = config.pulse.frames_per_beat;
    if (Status s = pc.validate(); !s) return s;
  }

  auto connected = NatsTransport::connect(nats_options_for(config, options.nats), loop);
  if (!connected) return connected.status();
  std::unique_ptr<NatsTransport> nats = std::move(connected).value();
  if (options.on_connection) nats->add_connection_listener(options.on_connection);
  LiveRunResult result;
  result.servers = redact_nats_urls(options.nats.servers);

  // Destruction order matters: workload, agents, pulse, accountant, then the transports.
  auto claims = std::make_unique<ReliableClaimsTransport>(*nats, loop, options.claims);
  AccountantOptions ao;
  ao.cluster_id = cluster_id;
  ao.validate = options.validate_claims;
  auto accountant = std::make_unique<ClaimAccountant>(ao, *nats, loop);
  if (Status s = accountant->start(); !s) return s;
  nats->on_permission_violation(options.on_permission_violation);

  std::unique_ptr<LivePulse> pulse;
  if (options.builtin_pulse) {
    LivePulseConfig pc;
    pc.cluster_id = cluster_id;
    pc.tempo_bpm = config.pulse.tempo_bpm;
    pc.bar_length = config.pulse.bar_length;
    pc.frames_per_beat = config.pulse.frames_per_beat;
    pulse = std::make_unique<LivePulse>(pc, loop, *nats);
  }

  sim::Seeds seeds(options.seed);
  std::vector<std::unique_ptr<sim::AgentHost>> agents;
  int index = 0;
  for (const sim::AgentGroup& group : config.cluster.groups) {
    for (int k = 0; k < group.count; ++k, ++index) {
      auto agent = std::make_unique<sim::AgentHost>(
          loop, index, fmt::format("{}{}", group.agent_id_prefix, index), group);
      const std::string node_id =
          fmt::format("12D3KooW{:016x}", sim::mix64(seeds.derive("node-id", index)));
      agent->set_log_sink(options.agent_log);
      if (Status s = agent->boot(cluster_id, node_id, loop, *claims); !s) return s;
      // The simulator's agents get the same policy and admission (sim/world/sim_agent.cc);
      // check_live_config refused nothing in them, and the loader validated them.
      if (agent->integration() != nullptr) {
        if (Status s = agent->integration()->set_budget_policy(config.budget_policy()); !s)
          return s;
        // Admission limits and priorities, as sim/world/sim_agent.cc: the shared workload
        // requests each operation through the core when a limit is set.
        if (Status s = agent->integration()->set_admission(config.admission); !s) return s;
      }
      agents.push_back(std::move(agent));
    }
  }
  // Make sure the server has (and allows) every subscription before anyone publishes.
  if (Status s = nats->confirm_subscriptions(std::chrono::seconds(2)); !s) return s;
  if (pulse) (void)pulse->start();
  LiveWorkloadHost workload_host(loop, agents);
  auto workload = std::make_unique<sim::Workload>(config, workload_host, seeds.stream("workload"),
                                                  seeds.stream("workload-selectors"));
  workload->start();

  const Time start = loop.now();
  result.outcome.start = start;
  result.outcome.seed = options.seed;
  const auto steady_start = std::chrono::steady_clock::now();
  const auto steady_end = steady_start + config.duration;
  bool stopped_early = false;
  while (std::chrono::steady_clock::now() < steady_end) {
    const auto left = steady_end - std::chrono::steady_clock::now();
    loop.run_for(
        std::min<Duration>(std::chrono::duration_cast<Duration>(left), options.progress_interval));
    if (options.progress) {
      const double done =
          std::min(1.0, to_seconds(std::chrono::steady_clock::now() - steady_start) /
                            std::max(1e-9, to_seconds(config.duration)));
      if (!options.progress(done)) {
        stopped_early = true;
        break;
      }
    }
  }
  result.interrupted = stopped_early;

  // Stop producing, then let every claim land.
  workload->stop();
  const std::int64_t pulse_beat = pulse ? pulse->current_beat() : accountant->current_beat();
  for (auto& agent : agents) agent->stop(pulse_beat);
  if (pulse) {
    pulse->stop();
    result.pulse_frames = pulse->frames_published();
  }
  std::map<std::string, std::uint64_t> published_seq;  // agent -> last seq it numbered
  for (auto& agent : agents) published_seq[agent->agent_id()] = last_claim_sequence(*agent);
  auto all_received = [&] {
    if (claims->window_size() != 0) return false;
    for (const auto& [agent, last] : published_seq) {
      if (accountant->received_from(agent) < last) return false;
    }
    return true;
  };
  (void)claims->flush_now();
  loop.run_until(all_received, options.settle_timeout);
  if (claims->window_size() != 0) claims->abandon("unconfirmed_at_end");
  accountant->flush_bar();

  sim::RunOutcome& o = result.outcome;
  o.sim_time = loop.now() - start;
  o.operations = workload->finish();
  for (auto& agent : agents) o.agents.push_back(agent->finish(pulse_beat));
  for (const sim::AgentOutcome& a : o.agents) result.frames_foreign += a.frames_foreign;

  std::map<std::pair<std::string, std::uint64_t>, std::string> causes;
  std::uint64_t refused = 0;
  for (const DiscardedClaim& d : claims->discarded()) {
    causes[{d.agent_id, d.seq}] = d.cause;
    if (refused_at_publish(d.cause)) ++refused;
  }
  result.permission_violations = nats->permission_violations();
  attribute_refused_claims(result.permission_violations,
                           SubjectScheme{options.claims.subject_prefix}, cluster_id, published_seq,
                           causes);
  result.gaps = accountant->gaps(published_seq, causes);
  for (const sim::AgentOutcome& a : o.agents) o.claims.published += a.claims_published;
  for (const auto& [agent, last] : published_seq)
    o.claims.received += accountant->received_from(agent);
  o.claims.duplicates = accountant->duplicates();
  o.claims.nonconforming = accountant->nonconforming();
  for (const ClaimGap& gap : result.gaps) {
    if (refused_at_publish(gap.cause)) continue;  // never published: counted as claims_failed
    o.claims.lost += gap.size();
    o.claims.lost_by_cause[gap.cause.starts_with(kPermissionDeniedOn) ? "permission_denied"
                                                                      : gap.cause] += gap.size();
  }
  sim::MessageAccounting& claim_messages = o.messages["status_claim"];
  claim_messages.published = o.claims.published;
  claim_messages.refused = refused;
  claim_messages.delivered = accountant->messages();
  claim_messages.dropped = o.claims.lost_by_cause;
  if (pulse) o.messages["beat_frame"].published = pulse->frames_published();
  o.bar_reports = accountant->bar_reports();
  o.tempo = accountant->tempo();

  result.claim_counters = claims->counters();
  result.disconnects = nats->disconnects();
  result.reconnects = nats->reconnects();
  result.slow_consumer_drops = nats->slow_consumer_drops();
  result.closed_cause = nats->closed_cause();
  o.events = accountant->messages() + result.pulse_frames;
  o.derived_options.push_back("mode = live (wall clock; not reproducible, no fingerprint)");
  o.derived_options.push_back(fmt::format("nats = {}", result.servers));
  o.derived_options.push_back(
      fmt::format("agents = {} in-process on one shared NATS connection", agents.size()));
  o.derived_options.push_back(
      pulse ? fmt::format("pulse = built-in, {:g} BPM, bar {} beats, {} frame(s) per beat",
                          config.pulse.tempo_bpm, config.pulse.bar_length,
                          config.pulse.frames_per_beat)
            : std::string("pulse = external (frames on the cluster's beat subject)"));
  o.derived_options.push_back(fmt::format(
      "claims = confirmed by an echoed marker every {} claims or {} ms; window republished on "
      "reconnect",
      options.claims.batch_claims,
      std::chrono::duration_cast<std::chrono::milliseconds>(options.claims.flush_interval)
          .count()));
  o.derived_options.push_back(fmt::format("workload seed = {}", options.seed));

  workload.reset();
  agents.clear();
  pulse.reset();
  accountant.reset();
  claims.reset();
  nats->close();
  nats.reset();
  // Run the loop once more so closures queued by the closed connection are dropped on it.
  loop.run_for(std::chrono::milliseconds(1));
  return result;
}

}  // namespace backbeat::live
