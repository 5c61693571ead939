// WorldConfig: everything a simulated BACKBEAT cluster run is made of, as plain values.
//
// The scenario loader (sim/scenario) fills it from a file; tests and benchmarks build it in code.
// Durations are virtual time. Every field has a default that gives a small, steady cluster.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/adaptive_budget.h"
#include "core/budget_profiles.h"
#include "core/budget_warning.h"
#include "core/contracts/status_claim.h"
#include "core/operation_budgets.h"
#include "core/operation_admission.h"
#include "core/status.h"
#include "core/time.h"

namespace backbeat::sim {

// ---------------------------------------------------------------------------------------------
// Selectors name a set of agents (or a server) that a fault or a group applies to.
// Text forms: "all", "agent:7", "agents:0-9" (inclusive), "agents:0-3,7,12" (a list of agents and
// ranges: how a materialised scenario names a drawn subset), "group:NAME", "random:25%" (a subset
// drawn from the faults stream), "server:1" (every agent connected to server 1).
struct Selector {
  enum class Kind { kAll, kAgentRange, kGroup, kRandomFraction, kServer, kAgentList };
  Kind kind = Kind::kAll;
  int first = 0;  // kAgentRange: inclusive bounds
  int last = 0;
  std::vector<int> agents;  // kAgentList: ascending, no repeats
  std::string group;        // kGroup
  double fraction = 0.0;    // kRandomFraction, 0..1
  int server = 0;           // kServer

  std::string to_string() const;
};
Result<Selector> parse_selector(std::string_view text);

// ---------------------------------------------------------------------------------------------
// The cluster: agents in groups, NATS servers, links.
struct AgentGroup {
  std::string name = "default";
  int count = 10;
  int server = -1;              // NATS server the group connects to; -1 = round-robin
  double clock_skew_ppm = 0.0;  // agent clock rate error
  Duration clock_offset{};      // agent clock offset from true time
  Duration link_latency = std::chrono::milliseconds(2);  // agent <-> its server
  Duration link_jitter = std::chrono::milliseconds(1);   // uniform extra 0..jitter
  double slow_factor = 1.0;  // stretches operation durations (slow peers)
  // The agents' BACKBEAT configuration (the seed's CHORUS_BACKBEAT_* settings): the scenario's
  // values; command-line flags and the environment override them (sim/harness/
  // backbeat_settings.h). The NATS URL is not per group: the simulated network has no URLs and
  // live mode opens one connection.
  ClaimStateWords claim_state_words = ClaimStateWords::kContract;
  bool backbeat_enabled = true;  // false: the agents run without the core (no claims, no ops)
  std::string cluster_id;        // the cluster the agents join; empty: the cluster's id
  std::string agent_id_prefix = "chorus:agent-";  // agent i is <prefix><i>
};

struct ServerLink {  // a route between two NATS servers
  int a = 0;
  int b = 1;
  Duration latency = std::chrono::milliseconds(5);
  Duration jitter{};
  double loss = 0.0;  // probability a message crossing the route is lost
};

struct NatsBehaviour {  // the nats.c client behaviour measured for live mode
  Duration detection_delay = std::chrono::milliseconds(5);  // publishes lost silently meanwhile
  Duration reconnect_wait = std::chrono::seconds(1);
  int max_reconnect_attempts = -1;                // -1 = unlimited
  std::int64_t reconnect_buffer_bytes = 8 << 20;  // 8 MiB
  int pending_limit = 65536;                      // per subscription (slow consumers)
};

struct ClusterConfig {
  std::string cluster_id = "chorus-sim";
  std::vector<AgentGroup> groups = {AgentGroup{}};
  int nats_servers = 1;
  std::vector<ServerLink> server_links;  // empty = a full mesh of default routes
  Duration pulse_link_latency = std::chrono::milliseconds(1);   // pulse nodes <-> server 0
  Duration reverb_link_latency = std::chrono::milliseconds(1);  // reverb <-> server 0
  NatsBehaviour nats;

  int agent_count() const;
};

// ---------------------------------------------------------------------------------------------
// The pulse.
struct DriftModel {
  enum class Kind { kNone, kLinear, kPeriodic, kStep, kNonIdeal };
  Kind kind = Kind::kNone;
  double ppm = 0.0;            // kLinear: constant rate error; kStep: error after `step_at`
  double amplitude_ppm = 0.0;  // kPeriodic / kNonIdeal: sine amplitude
  Duration period = std::chrono::minutes(10);  // kPeriodic / kNonIdeal
  Duration step_at{};                          // kStep: when the error starts
  Duration jitter{};  // kNonIdeal: bounded uniform jitter per beat, +-jitter
};

// The tempo range, for the pulse and its tempo changes.
inline constexpr double kMinTempoBpm = 0.1;
inline constexpr double kMaxTempoBpm = 1000;

struct TempoChange {
  Duration at{};           // when the pulse starts moving to the new tempo
  double tempo_bpm = 2.0;  // reached in steps of at most 10% per beat
};

struct PulseConfig {
  double tempo_bpm = 2.0;
  int bar_length = 4;
  int frames_per_beat = 3;  // 3: plan/execute/review; 1: execute only
  DriftModel drift;
  std::vector<TempoChange> tempo_changes;
  int nodes = 1;  // pulse instances; node 0 leads, the others stand by for failover
};

// ---------------------------------------------------------------------------------------------
// The workload: operations of the seed's types started on agents.
struct DurationDistribution {  // in beats at the nominal tempo
  enum class Kind { kFixed, kUniform, kNormal, kLognormal, kExponential };
  Kind kind = Kind::kFixed;
  double value = 2.0;   // kFixed
  double min = 1.0;     // kUniform
  double max = 3.0;     // kUniform
  double mean = 2.0;    // kNormal, kExponential
  double stddev = 0.5;  // kNormal
  double median = 2.0;  // kLognormal
  double sigma = 0.3;   // kLognormal: sigma of the underlying normal
};

struct OperationWorkload {
  std::string type = "dht_store";
  int count = 0;                  // operations spread evenly over the run, or ...
  double rate_per_beat = 0.0;     // ... Poisson arrivals per beat across the cluster
  DurationDistribution duration;  // how long the operation really takes
  int estimated_beats = 3;        // passed to start_p2p_operation
  double failure_probability = 0.0;
  // Run each operation under the integration's asynchronous beat budget (its type's budget):
  // one still running at the deadline beat is cut off and fails "beat budget exceeded".
  bool cut_off = false;
  // When the seed's phases begin, as fractions of the operation's duration: connecting,
  // negotiating, executing (strictly increasing, inside (0, 1)); completion is at 1.
  std::array<double, 3> phases = {0.1, 0.3, 0.5};
  std::string depends_on;  // type whose running operation on the same agent must finish first
  // Its priority when the agents limit concurrent operations (admission); empty: the type's
  // default (default_operation_priority).
  std::optional<OperationPriority> priority;
  Selector agents;  // which agents run it (default all)
};

// A workflow template (core/workflow_tracker.h): each instance runs on one agent; each step is
// an ordinary operation of its type (the operation workload of that type gives its duration,
// estimate, failures and cut_off), started when all the steps it comes after have completed. A
// step that fails, is cut off or is lost fails its instance: its dependants never start.
struct WorkflowStep {
  std::string name;                // unique in the template (default: the type)
  std::string type;                // an operation type of the workload
  std::vector<std::string> after;  // step names of the same template
};

struct WorkflowWorkload {
  std::string name;
  int count = 0;                    // instances spread evenly over the run, or ...
  double rate_per_beat = 0.0;       // ... Poisson arrivals per beat across the cluster
  std::vector<WorkflowStep> steps;  // in any order; `after` makes a DAG
  Selector agents;
};

struct WorkloadConfig {
  std::vector<OperationWorkload> operations;
  std::vector<WorkflowWorkload> workflows;         // empty: none (the default)
  Duration start_after = std::chrono::seconds(0);  // let agents find the beat first
  // Contention: operations an agent runs at full speed. 0: operations never slow each other;
  // else one that starts while k others run on its agent takes max(1, (k + 1) / capacity) times
  // its drawn duration (fixed at its start), as shared CPU and links would.
  int capacity_per_agent = 0;
};

// ---------------------------------------------------------------------------------------------
// Faults on a timeline.
struct FaultSpec {
  // Each kind's name, doc, parameters and begin/end: fault_kinds.cc. A new kind goes last.
  enum class Kind {
    kNatsDisconnect,
    kServerDown,
    kSlowPeers,
    kPartition,
    kMessageLoss,
    kMessageDuplication,
    kMessageReorder,
    kPulseOutage,
    kPulseFailover,
    kAgentCrash,
    kClockSkew,
    kForgedFrames,
  };

  Kind kind = Kind::kNatsDisconnect;
  Duration at{};
  Duration duration = std::chrono::seconds(30);  // 0 = until the end of the run
  Selector targets;
  // Parameters, with their defaults. Which kinds read which, their ranges and docs: the table in
  // fault_kinds.cc.
  double factor = 3.0;
  Duration latency{};
  Duration processing{};
  double probability = 0.1;
  std::string subject = ">";
  Duration delay = std::chrono::milliseconds(500);
  int server = 0;
  std::vector<int> servers;
  Duration gap = std::chrono::seconds(5);
  double ppm = 0.0;
  Duration offset{};
  double rate = 4.0;
};

// The kind's name in scenario files and reports, and back (both from fault_kinds.h's table).
const char* fault_kind_name(FaultSpec::Kind kind);
std::optional<FaultSpec::Kind> parse_fault_kind(std::string_view name);

struct SwarmConfig {  // TigerBeetle-style swarm testing: a fault mix drawn from the seed
  bool enabled = false;
  int faults = 8;                      // how many faults to draw over the run
  std::vector<FaultSpec::Kind> kinds;  // empty = the kinds in the default mix (fault_kinds.h)
};

// ---------------------------------------------------------------------------------------------
struct ConfigProblem {
  std::string pointer;  // RFC 6901, into a scenario file: "/cluster/links/0"
  std::string message;
};

// The budget profile a run uses (core/budget_profiles.h) and what it combines with. The host
// picks the name (flags, then CHORUS_BACKBEAT_BUDGET_PROFILE, then the scenario's
// `budget_profile`); sim/scenario/budget_profile_choice.h resolves it into WorldConfig::budgets.
struct BudgetProfileChoice {
  std::string name;                                       // empty: no profile (the default)
  std::string source = "scenario";                        // where the name came from, for messages
  std::vector<std::pair<std::string, BudgetTable>> user;  // the scenario's tables, by name
  BudgetTable explicit_budgets;  // the scenario's own `budgets`, which win over the profile
};

struct WorldConfig {
  ClusterConfig cluster;
  PulseConfig pulse;
  WorkloadConfig workload;
  std::vector<FaultSpec> faults;
  SwarmConfig swarm;
  std::map<std::string, int> budgets;       // beats per operation type; missing = estimated_beats
  BudgetProfileChoice budget_profile;       // budgets = its explicit rows over the profile's
  AdaptiveBudgetSettings adaptive_budgets;  // the agents' budgets from history (off by default)
  BudgetWarningSettings budget_warnings;    // the agents' budget-warning claims (off by default)
  AdmissionSettings admission;  // the agents' limit on concurrent operations (unlimited by default)
  Duration duration = std::chrono::hours(1);
  bool record_deliveries_in_trace = true;  // fingerprint covers every delivery, not just sends

  // The first inconsistent field, named by its JSON pointer in a scenario file
  // ("/faults/2/targets"), or nothing. The scenario loader reports richer errors; this is the
  // last guard.
  std::optional<ConfigProblem> first_problem() const;
  // OK, or kInvalidArgument reading "POINTER: MESSAGE" (first_problem()), for code-built configs.
  Status validate() const;
  // What every agent's core gets (simulated and live alike): the budgets, adaptive budgets and
  // budget warnings.
  BudgetPolicy budget_policy() const { return {budgets, adaptive_budgets, budget_warnings}; }
};

}  // namespace backbeat::sim
