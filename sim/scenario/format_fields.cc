#include "sim/scenario/format_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

#include "core/budget_profiles.h"
#include "core/workflow_tracker.h"
#include "sim/scenario/assertion.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/scenario.h"

namespace backbeat::sim::scenario {
namespace {

using T = FieldType;
constexpr double kMaxAgents = 100000;
constexpr double kMaxServers = 64;
constexpr double kMaxPulseNodes = 16;
// Caps on lists whose entries cost memory or time (the loader checks them before reading any
// entry): far above any real scenario, low enough that loading stays instant.
constexpr double kMaxListEntries = 1000;
constexpr double kMaxServerLinks = kMaxServers * (kMaxServers - 1) / 2;  // one per pair

// A default as the reference shows it, read from the config struct's own initialiser.
template <typename S, typename V>
std::string default_of(V S::*member) {
  const V value = S{}.*member;
  if constexpr (std::is_same_v<V, Duration>) {
    return format_duration(value);
  } else if constexpr (std::is_same_v<V, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<V, std::string>) {
    return '"' + value + '"';
  } else {
    return fmt::format("{}", value);
  }
}

std::string fault_default(const FaultParam& param) {
  return std::visit(
      [&](auto member) -> std::string {
        using V = std::remove_reference_t<decltype(FaultSpec{}.*member)>;
        if constexpr (std::is_same_v<V, Selector>) {
          return '"' + (FaultSpec{}.*member).to_string() + '"';
        } else if constexpr (std::is_same_v<V, std::vector<int>>) {
          return "";
        } else {
          return param.required ? "" : default_of(member);
        }
      },
      param.member);
}

FieldType fault_param_type(const FaultParam& param) {
  return std::visit(
      [](auto member) {
        using V = std::remove_reference_t<decltype(FaultSpec{}.*member)>;
        if constexpr (std::is_same_v<V, Selector>) return T::kSelector;
        if constexpr (std::is_same_v<V, double>) return T::kNumber;
        if constexpr (std::is_same_v<V, int>) return T::kInteger;
        if constexpr (std::is_same_v<V, Duration>) return T::kDuration;
        if constexpr (std::is_same_v<V, std::string>) return T::kString;
        return T::kArray;
      },
      param.member);
}

std::vector<std::string> fault_kind_names() {
  std::vector<std::string> names;
  for (const FaultKind& k : fault_kinds()) names.emplace_back(k.name);
  return names;
}

// The fields of faults: the common ones, then each parameter of the kind table, belonging to
// the kinds that have it.
void add_fault_fields(std::vector<Field>& out) {
  out.push_back({.pointer = "/faults",
                 .type = T::kArray,
                 .min = 0,
                 .max = kMaxListEntries,
                 .doc = "the fault timeline"});
  out.push_back({.pointer = "/faults/*",
                 .type = T::kObject,
                 .discriminator = "kind",
                 .doc = "one fault: its kind, when, for how long, and the kind's parameters"});
  out.push_back({.pointer = "/faults/*/kind",
                 .type = T::kChoice,
                 .required = true,
                 .choices = fault_kind_names(),
                 .doc = "the fault kind (the table below)"});
  out.push_back({.pointer = "/faults/*/at",
                 .type = T::kDuration,
                 .required = true,
                 .doc = "when the fault starts"});
  out.push_back({.pointer = "/faults/*/duration",
                 .type = T::kDuration,
                 .default_text = default_of(&FaultSpec::duration),
                 .doc = "how long it lasts; 0 = until the end of the run"});
  for (const FaultParam& param : fault_params()) {
    Field f{.pointer = "/faults/*/" + std::string(param.name),
            .type = fault_param_type(param),
            .min = param.min,
            .max = param.max,
            .sign = param.sign,
            .required = param.required,
            .default_text = fault_default(param),
            .doc = std::string(param.doc)};
    f.non_empty = f.type == T::kString;
    for (const FaultKind& k : fault_kinds()) {
      if (k.has_param(param.name)) f.variants.emplace_back(k.name);
    }
    if (f.type == T::kArray) {
      f.min = 1;  // item count: one side of a cut, never every server
      f.max = kMaxServers - 1;
      out.push_back(f);
      out.push_back({.pointer = f.pointer + "/*",
                     .type = T::kInteger,
                     .min = param.min,
                     .max = param.max,
                     .doc = "a server index"});
      continue;
    }
    out.push_back(f);
  }
}

void add_assertion_fields(std::vector<Field>& out) {
  using V = std::vector<std::string>;
  out.push_back({.pointer = "/assertions",
                 .type = T::kArray,
                 .min = 0,
                 .max = kMaxListEntries,
                 .doc = "what decides the verdict"});
  out.push_back({.pointer = "/assertions/*",
                 .type = T::kObject,
                 .discriminator = "kind",
                 .doc = "one assertion: its kind and bounds"});
  out.push_back({.pointer = "/assertions/*/kind",
                 .type = T::kChoice,
                 .required = true,
                 .choices = assertion_kind_names(),
                 .doc = "the assertion kind"});
  out.push_back({.pointer = "/assertions/*/name",
                 .type = T::kString,
                 .doc = "replaces the generated result name"});
  const V with_types = {"beats_within_budget", "failure_rate_at_most", "completed_at_least",
                        "over_budget_share_at_most"};
  out.push_back({.pointer = "/assertions/*/types",
                 .type = T::kArray,
                 .min = 1,
                 .max = kMaxListEntries,
                 .variants = with_types,
                 .default_text = "every type",
                 .doc = "the workload types it judges"});
  out.push_back(
      {.pointer = "/assertions/*/types/*", .type = T::kString, .doc = "a workload operation type"});
  out.push_back({.pointer = "/assertions/*/percentile",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 100,
                 .exclusive_min = true,
                 .variants = {"beats_within_budget", "workflow_beats_within"},
                 .default_text = default_of(&AssertionSpec::percentile),
                 .doc = "nearest-rank percentile of beats-to-complete"});
  out.push_back({.pointer = "/assertions/*/beats",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1e6,
                 .variants = {"beats_within_budget"},
                 .default_text = "the type's budget",
                 .doc = "the bound in beats"});
  out.push_back({.pointer = "/assertions/*/beats",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1e6,
                 .required = true,
                 .variants = {"agents_in_sync_within", "degradation_at_most"},
                 .doc = "the longest acceptable resync or degradation, in beats"});
  out.push_back({.pointer = "/assertions/*/beats",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1e6,
                 .required = true,
                 .variants = {"workflow_beats_within"},
                 .doc = "the bound in beats on a workflow instance's first start to last end"});
  out.push_back({.pointer = "/assertions/*/workflows",
                 .type = T::kArray,
                 .min = 1,
                 .max = kMaxListEntries,
                 .variants = {"workflow_beats_within"},
                 .default_text = "every workflow template",
                 .doc = "the workload's workflow templates it judges (their completed instances)"});
  out.push_back({.pointer = "/assertions/*/workflows/*",
                 .type = T::kString,
                 .doc = "a workflow template's name"});
  out.push_back({.pointer = "/assertions/*/max",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1,
                 .required = true,
                 .variants = {"failure_rate_at_most", "over_budget_share_at_most"},
                 .doc = "the largest acceptable fraction"});
  out.push_back({.pointer = "/assertions/*/max",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1e15,
                 .required = true,
                 .variants = {"nonconforming_claims_at_most"},
                 .doc = "the largest acceptable count"});
  const V bars = {"bar_reports"};
  out.push_back({.pointer = "/assertions/*/min_agents_reporting",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1,
                 .variants = bars,
                 .doc = "the worst bar's agents reporting / agents"});
  out.push_back({.pointer = "/assertions/*/max_abs_tempo_drift_ms",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1e9,
                 .variants = bars,
                 .doc = "the largest tempo drift a bar may report"});
  out.push_back({.pointer = "/assertions/*/min_reports",
                 .type = T::kInteger,
                 .min = 0,
                 .max = 1e8,
                 .variants = bars,
                 .doc = "the fewest bar reports"});
  out.push_back({.pointer = "/assertions/*/skip_first_bars",
                 .type = T::kInteger,
                 .min = 0,
                 .max = 1e8,
                 .variants = bars,
                 .default_text = default_of(&AssertionSpec::skip_first_bars),
                 .doc = "bars not judged at the start"});
  out.push_back({.pointer = "/assertions/*/count",
                 .type = T::kInteger,
                 .min = 0,
                 .max = 1e8,
                 .variants = {"completed_at_least"},
                 .doc = "the fewest completed operations"});
  out.push_back({.pointer = "/assertions/*/fraction",
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1,
                 .variants = {"completed_at_least"},
                 .doc = "the smallest completed / started"});
}

// A distribution parameter: beats or a duration string.
Field beats(std::string name, std::vector<std::string> variants, std::string doc,
            bool positive = false) {
  return {.pointer = "/workload/operations/*/duration/" + std::move(name),
          .type = T::kBeats,
          .min = 0,
          .exclusive_min = positive,
          .required = true,
          .variants = std::move(variants),
          .doc = std::move(doc)};
}

// The agents' budget features beyond the seed (core/operation_budgets.h).
void add_budget_feature_fields(std::vector<Field>& out) {
  using A = AdaptiveBudgetSettings;
  std::vector<Field> f = {
      {.pointer = "/adaptive_budgets",
       .type = T::kObject,
       .doc = "agents derive each type's budget from its recent completions (docs/decisions.md, "
              "\"Adaptive budgets\")"},
      {.pointer = "/adaptive_budgets/enabled",
       .type = T::kBoolean,
       .default_text = "true",
       .doc = "false keeps the section but keeps the static budgets"},
      {.pointer = "/adaptive_budgets/types",
       .type = T::kArray,
       .min = 1,
       .default_text = "every type",
       .doc = "the workload types that adapt"},
      {.pointer = "/adaptive_budgets/types/*",
       .type = T::kString,
       .doc = "a workload operation type"},
      {.pointer = "/adaptive_budgets/percentile",
       .type = T::kNumber,
       .min = 0,
       .max = 100,
       .exclusive_min = true,
       .default_text = default_of(&A::percentile),
       .doc = "nearest-rank percentile of the window"},
      {.pointer = "/adaptive_budgets/window",
       .type = T::kInteger,
       .min = 1,
       .max = 1024,
       .default_text = default_of(&A::window),
       .doc = "how many recent completions the percentile ranks"},
      {.pointer = "/adaptive_budgets/min_samples",
       .type = T::kInteger,
       .min = 1,
       .max = 1024,
       .default_text = default_of(&A::min_samples),
       .doc = "completions needed before the budget adapts (at most window)"},
      {.pointer = "/adaptive_budgets/margin_beats",
       .type = T::kInteger,
       .min = 0,
       .max = 1000,
       .default_text = default_of(&A::margin_beats),
       .doc = "beats added to the percentile"},
      {.pointer = "/adaptive_budgets/floor_share",
       .type = T::kNumber,
       .min = 0,
       .max = 1,
       .exclusive_min = true,
       .default_text = default_of(&A::floor_share),
       .doc = "the budget is at least this share of the static budget"},
      {.pointer = "/adaptive_budgets/ceiling_share",
       .type = T::kNumber,
       .min = 1,
       .max = 1000,
       .default_text = default_of(&A::ceiling_share),
       .doc = "the budget is at most this multiple of the static budget"},
      {.pointer = "/adaptive_budgets/hysteresis_beats",
       .type = T::kInteger,
       .min = 1,
       .max = 1000,
       .default_text = default_of(&A::hysteresis_beats),
       .doc = "a budget shrinks only to an estimate at least this many beats lower"},
      {.pointer = "/budget_warnings",
       .type = T::kObject,
       .doc = "agents send a budget-warning claim when an operation uses a share of its budget"},
      {.pointer = "/budget_warnings/enabled",
       .type = T::kBoolean,
       .default_text = "true",
       .doc = "false keeps the section but sends no warnings"},
      {.pointer = "/budget_warnings/share",
       .type = T::kNumber,
       .min = 0,
       .max = 1,
       .exclusive_min = true,
       .default_text = default_of(&BudgetWarningSettings::share),
       .doc = "the share of the budget that triggers the warning"},
  };
  out.insert(out.end(), f.begin(), f.end());
}

// Budget profiles (core/budget_profiles.h; scenarios/README.md, "Budget profiles").
void add_budget_profile_fields(std::vector<Field>& out) {
  std::vector<Field> f = {
      {.pointer = "/budget_profile",
       .type = T::kString,
       .non_empty = true,
       .default_text = "none",
       .doc = "the budget profile the agents use: dev, prod, high-latency or a name in "
              "budget_profiles; explicit budgets win over its rows (CHORUS_BACKBEAT_BUDGET_PROFILE "
              "and --backbeat-budget-profile win over this)"},
      {.pointer = "/budget_profiles",
       .type = T::kMap,
       .default_text = "none",
       .doc = "the scenario's own named budget tables (at most 61; not a built-in name)"},
      {.pointer = "/budget_profiles/*",
       .type = T::kMap,
       .doc = "beats per operation type; rows for types the workload does not run are unused"},
      {.pointer = "/budget_profiles/*/*",
       .type = T::kInteger,
       .min = 1,
       .max = kMaxProfileBudgetBeats,
       .doc = "the type's budget in beats"},
  };
  out.insert(out.end(), f.begin(), f.end());
}

// The agents' limit on concurrent operations (core/operation_admission.h).
void add_admission_fields(std::vector<Field>& out) {
  std::vector<Field> f = {
      {.pointer = "/admission",
       .type = T::kObject,
       .doc = "agents limit concurrent operations; above the limit, operations wait by priority or "
              "are shed (docs/decisions.md, \"Priorities under contention\")"},
      {.pointer = "/admission/max_concurrent",
       .type = T::kInteger,
       .min = 0,
       .max = 10000,
       .required = true,
       .doc = "operations an agent runs at once; 0: unlimited (the seed)"},
      {.pointer = "/admission/max_queue",
       .type = T::kInteger,
       .min = 0,
       .max = 10000,
       .default_text = default_of(&AdmissionSettings::max_queue),
       .doc = "operations that may wait; when full, the lowest priority, latest arrival is shed"},
      {.pointer = "/admission/max_wait_beats",
       .type = T::kInteger,
       .min = 0,
       .max = 1000,
       .default_text = default_of(&AdmissionSettings::max_wait_beats),
       .doc = "a waiting operation is shed once it has waited more beats; 0: no limit"},
  };
  out.insert(out.end(), f.begin(), f.end());
}

std::vector<Field> build_fields() {
  using Sign = DurationSign;
  std::vector<Field> f = {
      {.pointer = "", .type = T::kObject, .doc = "a scenario"},
      {.pointer = "/version",
       .type = T::kInteger,
       .min = 1,
       .max = 1,
       .required = true,
       .doc = "the format version; 1 is the only one this backbeat-sim reads"},
      {.pointer = "/name",
       .type = T::kName,
       .default_text = "the file name without .json",
       .doc = "the scenario's name"},
      {.pointer = "/description",
       .type = T::kString,
       .doc = "one paragraph: the story this scenario tells"},
      {.pointer = "/seed",
       .type = T::kInteger,
       .min = 0,
       .max = 18446744073709551615.0,
       .default_text = default_of(&Scenario::seed),
       .doc = "the master seed when the command line gives none"},
      {.pointer = "/expect",
       .type = T::kChoiceOrObject,
       .choices = {"pass", "fail"},
       .default_text = "\"pass\"",
       .doc = "the verdict CI expects: \"pass\", \"fail\", or {verdict, failing} naming the "
              "assertions that fail"},
      {.pointer = "/expect/verdict",
       .type = T::kChoice,
       .required = true,
       .choices = {"pass", "fail"},
       .doc = "the verdict CI expects"},
      {.pointer = "/expect/failing",
       .type = T::kArray,
       .min = 0,
       .max = kMaxListEntries,
       .doc = "exactly the assertions that fail (by name); empty or absent for \"pass\""},
      {.pointer = "/expect/failing/*",
       .type = T::kString,
       .non_empty = true,
       .doc = "an assertion's name"},
      {.pointer = "/duration",
       .type = T::kDuration,
       .sign = Sign::kPositive,
       .default_text = default_of(&WorldConfig::duration),
       .doc = "virtual time to simulate"},
      {.pointer = "/trace", .type = T::kObject, .doc = "what the trace fingerprint covers"},
      {.pointer = "/trace/record_deliveries",
       .type = T::kBoolean,
       .default_text = default_of(&WorldConfig::record_deliveries_in_trace),
       .doc = "fingerprint every delivery, not only sends"},

      {.pointer = "/cluster", .type = T::kObject, .doc = "agents, NATS servers and links"},
      {.pointer = "/cluster/id",
       .type = T::kName,
       .default_text = default_of(&ClusterConfig::cluster_id),
       .doc = "cluster_id in every frame and claim"},
      {.pointer = "/cluster/agents",
       .type = T::kInteger,
       .min = 1,
       .max = kMaxAgents,
       .default_text = default_of(&AgentGroup::count),
       .doc = "shorthand for one group of this many agents"},
      {.pointer = "/cluster/groups",
       .type = T::kArray,
       .min = 1,
       .max = kMaxListEntries,
       .doc = "groups of agents, numbered in file order"},
      {.pointer = "/cluster/groups/*", .type = T::kObject, .doc = "one group of agents"},
      {.pointer = "/cluster/groups/*/name",
       .type = T::kName,
       .default_text = "group<index>",
       .doc = "the group's name, for group:NAME selectors"},
      {.pointer = "/cluster/groups/*/count",
       .type = T::kInteger,
       .min = 0,
       .max = kMaxAgents,
       .required = true,
       .doc = "how many agents the group has"},
      {.pointer = "/cluster/groups/*/server",
       .type = T::kInteger,
       .min = -1,
       .max = kMaxServers - 1,
       .default_text = default_of(&AgentGroup::server),
       .doc = "the NATS server it connects to; -1 = agent i on server i mod nats_servers"},
      {.pointer = "/cluster/groups/*/clock_skew_ppm",
       .type = T::kNumber,
       .min = -100000,
       .max = 100000,
       .default_text = default_of(&AgentGroup::clock_skew_ppm),
       .doc = "the agents' clock rate error"},
      {.pointer = "/cluster/groups/*/clock_offset",
       .type = T::kDuration,
       .sign = Sign::kAny,
       .default_text = default_of(&AgentGroup::clock_offset),
       .doc = "the agents' clock offset from true time"},
      {.pointer = "/cluster/groups/*/link_latency",
       .type = T::kDuration,
       .default_text = default_of(&AgentGroup::link_latency),
       .doc = "agent <-> its server"},
      {.pointer = "/cluster/groups/*/link_jitter",
       .type = T::kDuration,
       .default_text = default_of(&AgentGroup::link_jitter),
       .doc = "uniform extra latency, 0..jitter"},
      {.pointer = "/cluster/groups/*/slow_factor",
       .type = T::kNumber,
       .min = 0,
       .max = 1000,
       .exclusive_min = true,
       .default_text = default_of(&AgentGroup::slow_factor),
       .doc = "stretches the group's operation durations (3 = three times slower)"},
      {.pointer = "/cluster/groups/*/claim_states",
       .type = T::kChoice,
       .choices = {"contract", "legacy"},
       .default_text = "\"contract\"",
       .doc = "the seed's done/waiting claim words, or the legacy ones"},
      {.pointer = "/cluster/groups/*/enabled",
       .type = T::kBoolean,
       .default_text = default_of(&AgentGroup::backbeat_enabled),
       .doc = "CHORUS_BACKBEAT_ENABLED: false runs the agents without the core (no claims, no "
              "operations)"},
      {.pointer = "/cluster/groups/*/cluster_id",
       .type = T::kName,
       .default_text = "the cluster's id",
       .doc = "CHORUS_BACKBEAT_CLUSTER_ID: the cluster the agents join (another id: they ignore "
              "this cluster's pulse)"},
      {.pointer = "/cluster/groups/*/agent_id_prefix",
       .type = T::kString,
       .non_empty = true,
       .default_text = default_of(&AgentGroup::agent_id_prefix),
       .doc = "CHORUS_BACKBEAT_AGENT_ID, as a prefix: agent i is <prefix><i> ([A-Za-z0-9_:-])"},
      {.pointer = "/cluster/nats_servers",
       .type = T::kInteger,
       .min = 1,
       .max = kMaxServers,
       .default_text = default_of(&ClusterConfig::nats_servers),
       .doc = "NATS servers in the cluster"},
      {.pointer = "/cluster/links",
       .type = T::kArray,
       .min = 1,
       .max = kMaxServerLinks,
       .default_text = "a full mesh of default routes (left out; [] is refused)",
       .doc = "routes between NATS servers"},
      {.pointer = "/cluster/links/*", .type = T::kObject, .doc = "one route"},
      {.pointer = "/cluster/links/*/between",
       .type = T::kArray,
       .min = 2,
       .max = 2,
       .required = true,
       .doc = "two different server indexes, e.g. [0, 1]"},
      {.pointer = "/cluster/links/*/between/*",
       .type = T::kInteger,
       .min = 0,
       .max = kMaxServers - 1,
       .doc = "a server index"},
      {.pointer = "/cluster/links/*/latency",
       .type = T::kDuration,
       .default_text = default_of(&ServerLink::latency),
       .doc = "the route's latency"},
      {.pointer = "/cluster/links/*/jitter",
       .type = T::kDuration,
       .default_text = default_of(&ServerLink::jitter),
       .doc = "uniform extra latency, 0..jitter"},
      {.pointer = "/cluster/links/*/loss",
       .type = T::kNumber,
       .min = 0,
       .max = 1,
       .default_text = default_of(&ServerLink::loss),
       .doc = "probability that a message crossing the route is lost"},
      {.pointer = "/cluster/pulse_link_latency",
       .type = T::kDuration,
       .default_text = default_of(&ClusterConfig::pulse_link_latency),
       .doc = "pulse nodes <-> server 0"},
      {.pointer = "/cluster/reverb_link_latency",
       .type = T::kDuration,
       .default_text = default_of(&ClusterConfig::reverb_link_latency),
       .doc = "reverb <-> server 0"},
      {.pointer = "/cluster/nats", .type = T::kObject, .doc = "the nats.c client's behaviour"},
      {.pointer = "/cluster/nats/detection_delay",
       .type = T::kDuration,
       .default_text = default_of(&NatsBehaviour::detection_delay),
       .doc = "publishes into a dead connection are lost silently meanwhile"},
      {.pointer = "/cluster/nats/reconnect_wait",
       .type = T::kDuration,
       .default_text = default_of(&NatsBehaviour::reconnect_wait),
       .doc = "between reconnect attempts"},
      {.pointer = "/cluster/nats/max_reconnect_attempts",
       .type = T::kInteger,
       .min = -1,
       .max = 1000000,
       .default_text = default_of(&NatsBehaviour::max_reconnect_attempts),
       .doc = "-1 = unlimited"},
      {.pointer = "/cluster/nats/reconnect_buffer_bytes",
       .type = T::kInteger,
       .min = 0,
       .max = static_cast<double>(std::int64_t{1} << 40),
       .default_text = default_of(&NatsBehaviour::reconnect_buffer_bytes),
       .doc = "publishes buffered while reconnecting"},
      {.pointer = "/cluster/nats/pending_limit",
       .type = T::kInteger,
       .min = 1,
       .max = 100000000,
       .default_text = default_of(&NatsBehaviour::pending_limit),
       .doc = "messages pending per subscription (slow consumers)"},

      {.pointer = "/pulse", .type = T::kObject, .doc = "the pulse: tempo, bars, drift, nodes"},
      {.pointer = "/pulse/tempo_bpm",
       .type = T::kNumber,
       .min = kMinTempoBpm,
       .max = kMaxTempoBpm,
       .default_text = default_of(&PulseConfig::tempo_bpm),
       .doc = "beats per minute; a beat lasts 60 / tempo seconds"},
      {.pointer = "/pulse/bar_length",
       .type = T::kInteger,
       .min = 1,
       .max = 1000,
       .default_text = default_of(&PulseConfig::bar_length),
       .doc = "beats per bar"},
      {.pointer = "/pulse/frames_per_beat",
       .type = T::kInteger,
       .min = 1,
       .max = 3,
       .choices = {"1", "3"},
       .default_text = default_of(&PulseConfig::frames_per_beat),
       .doc = "3: plan, execute and review frames; 1: execute only"},
      {.pointer = "/pulse/nodes",
       .type = T::kInteger,
       .min = 1,
       .max = kMaxPulseNodes,
       .default_text = default_of(&PulseConfig::nodes),
       .doc = "pulse instances; node 0 leads, the others stand by for failover"},
      {.pointer = "/pulse/drift",
       .type = T::kObject,
       .discriminator = "model",
       .default_text = "{\"model\": \"none\"}",
       .doc = "the pulse clock's rate error; each model takes only its own keys"},
      {.pointer = "/pulse/drift/model",
       .type = T::kChoice,
       .required = true,
       .choices = {"none", "linear", "periodic", "step", "non_ideal"},
       .doc = "the drift model"},
      {.pointer = "/pulse/drift/ppm",
       .type = T::kNumber,
       .min = -100000,
       .max = 100000,
       .required = true,
       .variants = {"linear", "step"},
       .doc = "the pulse clock's rate error in parts per million (after step_at for step): "
              "positive = fast (shorter beats, early), negative = slow (longer beats, late)"},
      {.pointer = "/pulse/drift/amplitude_ppm",
       .type = T::kNumber,
       .min = 0,
       .max = 100000,
       .required = true,
       .variants = {"periodic", "non_ideal"},
       .doc = "the sine's amplitude in ppm"},
      {.pointer = "/pulse/drift/period",
       .type = T::kDuration,
       .sign = Sign::kPositive,
       .variants = {"periodic", "non_ideal"},
       .default_text = default_of(&DriftModel::period),
       .doc = "the sine's period"},
      {.pointer = "/pulse/drift/step_at",
       .type = T::kDuration,
       .required = true,
       .variants = {"step"},
       .doc = "when the step happens"},
      {.pointer = "/pulse/drift/jitter",
       .type = T::kDuration,
       .variants = {"non_ideal"},
       .default_text = default_of(&DriftModel::jitter),
       .doc = "bounded uniform jitter per beat, +-jitter"},
      {.pointer = "/pulse/tempo_changes",
       .type = T::kArray,
       .min = 0,
       .max = kMaxListEntries,
       .doc = "tempo changes in increasing order of at, reached in steps of <= 10% per beat"},
      {.pointer = "/pulse/tempo_changes/*", .type = T::kObject, .doc = "one tempo change"},
      {.pointer = "/pulse/tempo_changes/*/at",
       .type = T::kDuration,
       .required = true,
       .doc = "when the pulse starts moving to the new tempo"},
      {.pointer = "/pulse/tempo_changes/*/tempo_bpm",
       .type = T::kNumber,
       .min = kMinTempoBpm,
       .max = kMaxTempoBpm,
       .required = true,
       .doc = "the new tempo"},

      {.pointer = "/workload", .type = T::kObject, .doc = "operations started on agents"},
      {.pointer = "/workload/start_after",
       .type = T::kDuration,
       .default_text = default_of(&WorkloadConfig::start_after),
       .doc = "lets agents find the beat first"},
      {.pointer = "/workload/capacity_per_agent",
       .type = T::kInteger,
       .min = 0,
       .max = 10000,
       .default_text = default_of(&WorkloadConfig::capacity_per_agent),
       .doc = "operations an agent runs at full speed; one starting while k others run takes "
              "max(1, (k+1)/capacity) times as long; 0: no contention"},
      {.pointer = "/workload/operations",
       .type = T::kArray,
       .min = 0,
       .max = kMaxListEntries,
       .doc = "operation workloads"},
      {.pointer = "/workload/operations/*",
       .type = T::kObject,
       .doc = "operations of one type: count or rate_per_beat"},
      {.pointer = "/workload/operations/*/type",
       .type = T::kTypeName,
       .required = true,
       .doc = "the operation type, e.g. dht_store"},
      {.pointer = "/workload/operations/*/count",
       .type = T::kInteger,
       .min = 0,
       .max = 10000000,
       .doc = "operations spread evenly over the first 80% of the run after start_after"},
      {.pointer = "/workload/operations/*/rate_per_beat",
       .type = T::kNumber,
       .min = 0,
       .max = 1000000,
       .exclusive_min = true,
       .doc = "Poisson arrivals per beat across the cluster"},
      {.pointer = "/workload/operations/*/duration",
       .type = T::kDistribution,
       .discriminator = "distribution",
       .default_text = "2",
       .doc = "how long an operation really takes, in beats at the nominal tempo"},
      {.pointer = "/workload/operations/*/duration/distribution",
       .type = T::kChoice,
       .required = true,
       .choices = {"fixed", "uniform", "normal", "lognormal", "exponential"},
       .doc = "the distribution"},
      beats("beats", {"fixed"}, "the fixed duration"),
      beats("min", {"uniform"}, "the shortest"),
      beats("max", {"uniform"}, "the longest (>= min)"),
      beats("mean", {"normal", "exponential"}, "the mean", true),
      beats("stddev", {"normal"}, "the standard deviation"),
      beats("median", {"lognormal"}, "the median", true),
      {.pointer = "/workload/operations/*/duration/sigma",
       .type = T::kNumber,
       .min = 0,
       .max = 10,
       .required = true,
       .variants = {"lognormal"},
       .doc = "sigma of the underlying normal, e.g. 0.3"},
      {.pointer = "/workload/operations/*/estimated_beats",
       .type = T::kInteger,
       .min = 1,
       .max = 1000,
       .default_text = default_of(&OperationWorkload::estimated_beats),
       .doc = "what the agent passes to start_p2p_operation"},
      {.pointer = "/workload/operations/*/failure_probability",
       .type = T::kNumber,
       .min = 0,
       .max = 1,
       .default_text = default_of(&OperationWorkload::failure_probability),
       .doc = "chance that an operation fails"},
      {.pointer = "/workload/operations/*/cut_off",
       .type = T::kBoolean,
       .default_text = default_of(&OperationWorkload::cut_off),
       .doc = "run under the asynchronous beat budget: an operation still running at the first "
              "beat past its budget is cut off and fails"},
      {.pointer = "/workload/operations/*/phases",
       .type = T::kObject,
       .doc = "when the seed's phases begin, as fractions of the duration, increasing"},
  };
  const char* phase_names[] = {"connecting", "negotiating", "executing"};
  for (std::size_t i = 0; i < 3; ++i) {
    f.push_back({.pointer = fmt::format("/workload/operations/*/phases/{}", phase_names[i]),
                 .type = T::kNumber,
                 .min = 0,
                 .max = 1,
                 .exclusive_min = true,
                 .exclusive_max = true,
                 .default_text = fmt::format("{:g}", OperationWorkload{}.phases[i]),
                 .doc = "a fraction of the operation's duration"});
  }
  std::vector<Field> rest = {
      {.pointer = "/workload/operations/*/depends_on",
       .type = T::kString,
       .doc = "a type whose running operation on the same agent must finish first"},
      {.pointer = "/workload/operations/*/priority",
       .type = T::kChoice,
       .choices = operation_priority_names(),
       .default_text = "the type's: election high, peer_discovery low, others normal",
       .doc = "its priority when the agents limit concurrent operations (admission)"},
      {.pointer = "/workload/operations/*/agents",
       .type = T::kSelector,
       .default_text = "\"all\"",
       .doc = "which agents run it"},
      // Workflows (core/workflow_tracker.h): off unless listed.
      {.pointer = "/workload/workflows",
       .type = T::kArray,
       .min = 0,
       .max = kMaxListEntries,
       .doc = "workflow templates: steps that are operations of the workload's types, each "
              "started on the same agent when the steps it comes after have completed; a "
              "failed, cut-off or lost step fails its instance"},
      {.pointer = "/workload/workflows/*",
       .type = T::kObject,
       .doc = "one workflow template: count or rate_per_beat"},
      {.pointer = "/workload/workflows/*/name",
       .type = T::kTypeName,
       .required = true,
       .doc = "the template's name, e.g. publish (instance ids: <name>-<number>)"},
      {.pointer = "/workload/workflows/*/count",
       .type = T::kInteger,
       .min = 0,
       .max = 1000000,
       .doc = "instances spread evenly over the first 80% of the run after start_after"},
      {.pointer = "/workload/workflows/*/rate_per_beat",
       .type = T::kNumber,
       .min = 0,
       .max = 1000,
       .exclusive_min = true,
       .doc = "Poisson arrivals of instances per beat across the cluster"},
      {.pointer = "/workload/workflows/*/steps",
       .type = T::kArray,
       .min = 1,
       .max = static_cast<double>(WorkflowTracker::kMaxSteps),
       .doc = "the workflow's steps"},
      {.pointer = "/workload/workflows/*/steps/*", .type = T::kObject, .doc = "one step"},
      {.pointer = "/workload/workflows/*/steps/*/type",
       .type = T::kTypeName,
       .required = true,
       .doc = "an operation type of the workload: its duration, estimate, failures and cut_off"},
      {.pointer = "/workload/workflows/*/steps/*/name",
       .type = T::kTypeName,
       .default_text = "the type",
       .doc = "unique in the template"},
      {.pointer = "/workload/workflows/*/steps/*/after",
       .type = T::kArray,
       .min = 0,
       .max = static_cast<double>(WorkflowTracker::kMaxParents),
       .default_text = "[]",
       .doc = "names of the steps that must complete first (no cycles)"},
      {.pointer = "/workload/workflows/*/steps/*/after/*",
       .type = T::kTypeName,
       .doc = "a step name of the same template"},
      {.pointer = "/workload/workflows/*/agents",
       .type = T::kSelector,
       .default_text = "\"all\"",
       .doc = "which agents run instances (one agent runs all of an instance's steps)"},
  };
  f.insert(f.end(), rest.begin(), rest.end());
  add_fault_fields(f);
  std::vector<Field> swarm = {
      {.pointer = "/swarm",
       .type = T::kObject,
       .doc = "a fault mix drawn from the seed (TigerBeetle-style swarm testing)"},
      {.pointer = "/swarm/enabled",
       .type = T::kBoolean,
       .default_text = "true",
       .doc = "false keeps the section but turns it off"},
      {.pointer = "/swarm/faults",
       .type = T::kInteger,
       .min = 0,
       .max = 1000,
       .default_text = default_of(&SwarmConfig::faults),
       .doc = "how many faults to draw over the run"},
      {.pointer = "/swarm/kinds",
       .type = T::kArray,
       .min = 1,
       .max = static_cast<double>(fault_kinds().size()),
       .default_text = "the default mix (left out; [] is refused)",
       .doc = "the kinds to draw from, each once"},
      {.pointer = "/swarm/kinds/*",
       .type = T::kChoice,
       .choices = fault_kind_names(),
       .doc = "a fault kind"},
      {.pointer = "/budgets",
       .type = T::kMap,
       .default_text = "estimated_beats",
       .doc = "beats per operation type; every key must be a workload type"},
      {.pointer = "/budgets/*",
       .type = T::kInteger,
       .min = 1,
       .max = 1000,
       .doc = "the type's budget in beats"},
  };
  f.insert(f.end(), swarm.begin(), swarm.end());
  add_budget_feature_fields(f);
  add_budget_profile_fields(f);
  add_admission_fields(f);
  add_assertion_fields(f);
  return f;
}

}  // namespace

bool Field::in_variant(std::string_view variant) const {
  return variants.empty() || variant.empty() ||
         std::find(variants.begin(), variants.end(), variant) != variants.end();
}

const std::vector<Field>& scenario_fields() {
  static const std::vector<Field> fields = build_fields();
  return fields;
}

const std::vector<KeyRule>& scenario_key_rules() {
  using K = KeyRule::Kind;
  static const std::vector<KeyRule> rules = {
      {"/cluster", "", K::kAtMostOne, {"agents", "groups"}},
      {"/workload/operations/*", "", K::kExactlyOne, {"count", "rate_per_beat"}},
      {"/workload/workflows/*", "", K::kExactlyOne, {"count", "rate_per_beat"}},
      {"/faults/*", "partition", K::kExactlyOne, {"servers", "targets"}},
      {"/assertions/*",
       "bar_reports",
       K::kAtLeastOne,
       {"min_agents_reporting", "max_abs_tempo_drift_ms", "min_reports"}},
      {"/assertions/*", "completed_at_least", K::kAtLeastOne, {"count", "fraction"}},
  };
  return rules;
}

const Field& field(std::string_view pattern, std::string_view variant) {
  for (const Field& f : scenario_fields()) {
    if (f.pointer == pattern && (f.variants.empty() || f.in_variant(variant))) return f;
  }
  throw std::logic_error(fmt::format("scenario format: no field {} ({})", pattern, variant));
}

std::vector<std::string> keys_of(std::string_view pattern, std::string_view variant) {
  std::vector<std::string> keys;
  for (const Field& f : scenario_fields()) {
    if (f.pointer.size() <= pattern.size() + 1 || !f.pointer.starts_with(pattern) ||
        f.pointer[pattern.size()] != '/') {
      continue;
    }
    std::string key = f.pointer.substr(pattern.size() + 1);
    if (key.find('/') != std::string::npos || key == "*" || !f.in_variant(variant)) continue;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

std::string range_text(const Field& f) {
  bool has_min = f.min != -std::numeric_limits<double>::infinity();
  bool has_max = f.max != std::numeric_limits<double>::infinity();
  if (f.type == T::kArray) {
    if (has_min && has_max && f.min == f.max) return fmt::format("{:g} items", f.min);
    if (has_min && f.min > 0 && has_max) return fmt::format("{:g}..{:g} items", f.min, f.max);
    if (has_min && f.min > 0) return fmt::format(">= {:g} items", f.min);
    if (has_max) return fmt::format("<= {:g} items", f.max);
    return "";
  }
  if (f.type == T::kDuration) {
    return f.sign == DurationSign::kPositive      ? "> 0"
           : f.sign == DurationSign::kNonNegative ? ">= 0"
                                                  : "any sign";
  }
  if (!f.choices.empty()) {
    std::string out;
    for (const std::string& c : f.choices) out += (out.empty() ? "" : ", ") + c;
    return out;
  }
  if (f.type == T::kBeats) return f.exclusive_min ? "> 0" : ">= 0";
  if (f.type != T::kInteger && f.type != T::kNumber) return "";
  auto num = [](double d) {
    if (d >= 18446744073709551615.0) return std::string("2^64-1");  // the largest seed
    return std::floor(d) == d ? fmt::format("{:.0f}", d) : fmt::format("{:g}", d);
  };
  if (has_min && has_max && f.min == f.max) return num(f.min);
  if (has_min && has_max) {
    if (!f.exclusive_min && !f.exclusive_max) return num(f.min) + ".." + num(f.max);
    return fmt::format("{}{}, {}{}", f.exclusive_min ? "(" : "[", num(f.min), num(f.max),
                       f.exclusive_max ? ")" : "]");
  }
  if (has_min) return fmt::format("{} {}", f.exclusive_min ? ">" : ">=", num(f.min));
  if (has_max) return fmt::format("{} {}", f.exclusive_max ? "<" : "<=", num(f.max));
  return "";
}

}  // namespace backbeat::sim::scenario
