// Backbeat settings of a run: the seed's CHORUS_BACKBEAT_* configuration applied to every agent
// group of a scenario, the same for `run`, `replay` and `live`, and recorded for replay.
//
// Precedence (README, "CHORUS_BACKBEAT_* configuration"): command-line flags, then the
// environment, then the scenario (cluster.id and each group's fields), then the defaults.
// - enabled: a group with false runs its agents without the core (the seed's host skips a
//   disabled integration): no claims, no operations.
// - cluster_id: from a flag or the environment it is the run's cluster: cluster.id and every
//   group (the simulated pulse and live mode's accountant follow it).
// - agent_id: a host of several agents takes it as a prefix: agent i is <prefix><i>.
// - claim_states: contract or legacy claim words.
// - nats_url: only live mode connects; the simulator shows it as unused.
// - budget_profile: the run's budget profile by name (the host resolves it with
//   sim/scenario/budget_profile_choice.h); recorded only when one is selected.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/backbeat_config.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

// The flags of `run` and `live` that set the same fields (the flag layer's names in messages).
inline constexpr BackbeatSettingNames kBackbeatFlagNames = {
    .enabled = "--backbeat-enabled",
    .cluster_id = "--backbeat-cluster-id",
    .agent_id = "--backbeat-agent-id",
    .nats_url = "--nats",
    .claim_state_words = "--backbeat-claim-states",
    .budget_profile = "--backbeat-budget-profile",
};

// OK when <prefix><i> is an agent id for every agent index a scenario can have.
Status check_agent_id_prefix(std::string_view prefix);

struct BackbeatLayers {
  BackbeatSettings flags;
  BackbeatSettings environment;
  BackbeatSettingNames flag_names = kBackbeatFlagNames;  // the host's flags, for messages
};

// Applies `layers` over the scenario's settings in `config`. kInvalidArgument naming the flag or
// variable for a malformed value. Returns the lines that show the effective configuration and
// where each value came from (NATS URLs redacted), for the host to print at start.
Result<std::vector<std::string>> apply_backbeat_layers(WorldConfig& config,
                                                       const BackbeatLayers& layers,
                                                       bool connects_to_nats);

// The effective settings per group, as run.json records them ("backbeat"), and back: replay
// applies the recorded settings instead of its own environment, so a run reproduces.
nlohmann::json backbeat_record(const WorldConfig& config);
Status apply_backbeat_record(WorldConfig& config, const nlohmann::json& record);

// True when no group runs the core (the host has nothing to run).
bool backbeat_disabled_everywhere(const WorldConfig& config);

}  // namespace backbeat::sim
