#include "sim/live/live_fields.h"

#include <fmt/format.h>

#include <array>

namespace backbeat::live {
namespace {

constexpr std::string_view kSimulatedNetwork =
    "simulated network links; live mode's latency is the real network's";
constexpr std::string_view kSimulatedClock =
    "simulated agent clocks; live agents share the host's real clock";

constexpr LiveFieldRule honoured(std::string_view path) {
  return {path, true, {}};
}
constexpr LiveFieldRule refused(std::string_view path, std::string_view why) {
  return {path, false, why};
}

constexpr std::array kRules = {
    // What a scenario is and how it is judged.
    honoured("version"),
    honoured("name"),
    honoured("description"),
    honoured("seed"),  // the workload's draws (live runs are still not reproducible)
    honoured("expect"),
    honoured("duration"),
    honoured("budgets"),
    honoured("budget_profile"),
    honoured("budget_profiles"),
    honoured("adaptive_budgets"),  // the live agents host the same core and policy
    honoured("budget_warnings"),
    honoured("admission"),  // the live agents' cores queue and shed as the simulated ones
    honoured("assertions"),
    // What only a simulator can do.
    refused("faults",
            "faults need the simulator and cannot be injected in live mode (remove them, "
            "or use `backbeat-sim run`)"),
    refused("swarm",
            "swarm testing draws simulated faults and needs the simulator (use "
            "`backbeat-sim run`)"),
    // The cluster: agents run in-process on one NATS connection.
    honoured("cluster.id"),
    honoured("cluster.agents"),
    honoured("cluster.groups[].name"),
    honoured("cluster.groups[].count"),
    honoured("cluster.groups[].slow_factor"),  // stretches operation durations
    honoured("cluster.groups[].claim_states"),
    honoured("cluster.groups[].enabled"),          // AgentHost: no core for the group
    honoured("cluster.groups[].agent_id_prefix"),  // the agents' ids
    refused("cluster.groups[].cluster_id",
            "live agents, the claim accountant and the built-in pulse share one cluster (set "
            "cluster.id or --cluster instead)"),
    refused("cluster.groups[].server",
            "agents share one connection to the servers --nats names; a scenario cannot "
            "place a group on a simulated server"),
    refused("cluster.groups[].clock_skew_ppm", kSimulatedClock),
    refused("cluster.groups[].clock_offset", kSimulatedClock),
    refused("cluster.groups[].link_latency", kSimulatedNetwork),
    refused("cluster.groups[].link_jitter", kSimulatedNetwork),
    refused("cluster.nats_servers",
            "the simulated server count; live mode uses the servers --nats names"),
    refused("cluster.links", kSimulatedNetwork),
    refused("cluster.pulse_link_latency", kSimulatedNetwork),
    refused("cluster.reverb_link_latency", kSimulatedNetwork),
    refused("cluster.nats.detection_delay",
            "the simulated client's failure detection; the real nats.c detects by itself"),
    // Applied to the real connection (NatsOptions).
    honoured("cluster.nats.reconnect_wait"),
    honoured("cluster.nats.max_reconnect_attempts"),
    honoured("cluster.nats.reconnect_buffer_bytes"),
    honoured("cluster.nats.pending_limit"),
    // The pulse (the built-in one, or whichever pulse publishes on the cluster's subject).
    honoured("pulse.tempo_bpm"),
    honoured("pulse.bar_length"),
    honoured("pulse.frames_per_beat"),
    refused("pulse.drift", "drift models are simulated; a live pulse keeps the real clock's time"),
    refused("pulse.tempo_changes", "tempo changes are not supported by the live pulse"),
    refused("pulse.nodes", "pulse failover between nodes is simulated; live mode runs one pulse"),
    // The workload: sim/harness/workload.h, the same code in both worlds.
    honoured("workload"),
    honoured("workload.workflows"),  // the same Workload starts steps as their parents complete
    refused("trace", "live mode records no trace and has no fingerprint"),
};

// "a[3].b" -> "a[].b".
std::string without_indices(std::string_view path) {
  std::string out;
  bool in_index = false;
  for (char ch : path) {
    if (in_index && ch != ']') continue;
    in_index = ch == '[';
    out += ch;
  }
  return out;
}

const LiveFieldRule& rule(std::string_view path) {
  const LiveFieldRule* r = live_field_rule(path);
  return *r;  // every path below is in the table (live_fields_test checks)
}

}  // namespace

const LiveFieldRule* live_field_rule(std::string_view path) {
  std::string p = without_indices(path);
  for (;;) {
    for (const LiveFieldRule& r : kRules) {
      if (r.path == p) return &r;
    }
    // The closest ancestor: drop the last ".key" or "[]".
    std::size_t cut = p.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) return nullptr;
    p.resize(cut);
  }
}

std::vector<LiveRefusal> live_refusals(const sim::WorldConfig& config) {
  const sim::WorldConfig defaults;
  const sim::AgentGroup group_defaults;
  std::vector<LiveRefusal> out;
  auto refuse = [&](std::string path) {
    std::string why(rule(path).why);
    out.push_back({std::move(path), std::move(why)});
  };
  if (!config.faults.empty()) refuse("faults");
  if (config.swarm.enabled) refuse("swarm");
  const sim::ClusterConfig& c = config.cluster;
  for (std::size_t i = 0; i < c.groups.size(); ++i) {
    const sim::AgentGroup& g = c.groups[i];
    const std::string at = fmt::format("cluster.groups[{}].", i);
    if (g.server >= 0 && c.nats_servers > 1) refuse(at + "server");
    if (g.clock_skew_ppm != group_defaults.clock_skew_ppm) refuse(at + "clock_skew_ppm");
    if (g.clock_offset != group_defaults.clock_offset) refuse(at + "clock_offset");
    if (g.link_latency != group_defaults.link_latency) refuse(at + "link_latency");
    if (g.link_jitter != group_defaults.link_jitter) refuse(at + "link_jitter");
    if (!g.cluster_id.empty() && g.cluster_id != c.cluster_id) refuse(at + "cluster_id");
  }
  if (c.nats_servers != defaults.cluster.nats_servers) refuse("cluster.nats_servers");
  if (!c.server_links.empty()) refuse("cluster.links");
  if (c.pulse_link_latency != defaults.cluster.pulse_link_latency) {
    refuse("cluster.pulse_link_latency");
  }
  if (c.reverb_link_latency != defaults.cluster.reverb_link_latency) {
    refuse("cluster.reverb_link_latency");
  }
  if (c.nats.detection_delay != defaults.cluster.nats.detection_delay) {
    refuse("cluster.nats.detection_delay");
  }
  if (config.pulse.drift.kind != sim::DriftModel::Kind::kNone) refuse("pulse.drift");
  if (!config.pulse.tempo_changes.empty()) refuse("pulse.tempo_changes");
  if (config.pulse.nodes != defaults.pulse.nodes) refuse("pulse.nodes");
  if (config.record_deliveries_in_trace != defaults.record_deliveries_in_trace) refuse("trace");
  return out;
}

}  // namespace backbeat::live
