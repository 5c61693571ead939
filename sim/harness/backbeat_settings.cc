#include "sim/harness/backbeat_settings.h"

#include <fmt/format.h>

#include "core/contracts/field_rules.h"
#include "core/echo_text.h"
#include "core/nats_url.h"

namespace backbeat::sim {
namespace {

// Where a field's value came from, for the start-up lines.
std::string source_of(bool from_flag, std::string_view flag, bool from_env, std::string_view var,
                      bool differs_from_default) {
  if (from_flag) return fmt::format("flag {}", flag);
  if (from_env) return fmt::format("environment {}", var);
  return differs_from_default ? "scenario" : "default";
}

constexpr std::string_view kRecordVersion = "backbeat-settings/1";

// The budget profile's layer: the name only; the host resolves it against the built-in and the
// scenario's tables (sim/scenario/budget_profile_choice.h). Says where the name came from.
void layer_budget_profile(WorldConfig& config, const BackbeatLayers& layers,
                          std::vector<std::string>& lines) {
  BudgetProfileChoice& choice = config.budget_profile;
  if (layers.flags.budget_profile) {
    choice.name = *layers.flags.budget_profile;
    choice.source = fmt::format("flag {}", layers.flag_names.budget_profile);
  } else if (layers.environment.budget_profile) {
    choice.name = *layers.environment.budget_profile;
    choice.source = fmt::format("environment {}", kEnvBudgetProfile);
  }
  if (!choice.name.empty()) {
    lines.push_back(fmt::format("backbeat  budget_profile={} ({})", choice.name, choice.source));
  }
}

}  // namespace

Status check_agent_id_prefix(std::string_view prefix) {
  // Agent indices have at most six digits (a scenario has at most 100,000 agents).
  if (prefix.empty() || !is_agent_id(std::string(prefix) + "999999")) {
    return Status::invalid_argument(
        fmt::format("expected an agent id prefix: 1..122 characters of [A-Za-z0-9_:-] (agent i is "
                    "<prefix><i>, at most 128 characters), got '{}'",
                    echo_id(prefix)));
  }
  return Status::ok();
}

Result<std::vector<std::string>> apply_backbeat_layers(WorldConfig& config,
                                                       const BackbeatLayers& layers,
                                                       bool connects_to_nats) {
  const BackbeatSettings& f = layers.flags;
  const BackbeatSettingNames& flag_names = layers.flag_names;
  const BackbeatSettings& e = layers.environment;
  if (Status s = f.validate(flag_names); !s) return s;
  if (Status s = e.validate(); !s) return s;
  for (const auto& [layer, name] :
       {std::pair{&f, flag_names.agent_id}, std::pair{&e, BackbeatSettingNames{}.agent_id}}) {
    if (layer->agent_id) {
      if (Status s = check_agent_id_prefix(*layer->agent_id); !s) {
        return Status::invalid_argument(fmt::format("{}: {}", name, s.message()));
      }
    }
  }
  const BackbeatSettingNames env_names;
  const AgentGroup defaults;
  std::vector<std::string> lines;
  ClusterConfig& cluster = config.cluster;
  const std::string scenario_cluster = cluster.cluster_id;
  const std::optional<std::string> cluster_id = f.cluster_id ? f.cluster_id : e.cluster_id;
  if (cluster_id) cluster.cluster_id = *cluster_id;
  for (AgentGroup& g : cluster.groups) {
    const bool scenario_cluster_differs =
        !g.cluster_id.empty() || scenario_cluster != ClusterConfig{}.cluster_id;
    if (cluster_id || g.cluster_id.empty()) g.cluster_id = cluster.cluster_id;
    if (auto v = f.enabled ? f.enabled : e.enabled) g.backbeat_enabled = *v;
    if (auto v = f.agent_id ? f.agent_id : e.agent_id) g.agent_id_prefix = *v;
    if (auto v = f.claim_state_words ? f.claim_state_words : e.claim_state_words) {
      g.claim_state_words = *v;
    }
    const std::string line = fmt::format(
        "enabled={} ({}), cluster_id={} ({}), agent_id={}<i> ({}), claim_states={} ({})",
        g.backbeat_enabled,
        source_of(f.enabled.has_value(), flag_names.enabled, e.enabled.has_value(),
                  env_names.enabled, g.backbeat_enabled != defaults.backbeat_enabled),
        g.cluster_id,
        source_of(f.cluster_id.has_value(), flag_names.cluster_id, e.cluster_id.has_value(),
                  env_names.cluster_id, scenario_cluster_differs),
        g.agent_id_prefix,
        source_of(f.agent_id.has_value(), flag_names.agent_id, e.agent_id.has_value(),
                  env_names.agent_id, g.agent_id_prefix != defaults.agent_id_prefix),
        claim_state_words_name(g.claim_state_words),
        source_of(f.claim_state_words.has_value(), flag_names.claim_state_words,
                  e.claim_state_words.has_value(), env_names.claim_state_words,
                  g.claim_state_words != defaults.claim_state_words));
    lines.push_back(cluster.groups.size() == 1
                        ? "backbeat  " + line
                        : fmt::format("backbeat  group {}: {}", g.name, line));
  }
  layer_budget_profile(config, layers, lines);
  if (!connects_to_nats && e.nats_url) {
    lines.push_back(fmt::format(
        "backbeat  nats_url={} (environment {}): not used, the simulator's NATS is simulated",
        redact_nats_urls(*e.nats_url), env_names.nats_url));
  }
  return lines;
}

nlohmann::json backbeat_record(const WorldConfig& config) {
  nlohmann::json groups = nlohmann::json::array();
  for (const AgentGroup& g : config.cluster.groups) {
    groups.push_back(
        {{"name", g.name},
         {"enabled", g.backbeat_enabled},
         {"cluster_id", g.cluster_id.empty() ? config.cluster.cluster_id : g.cluster_id},
         {"agent_id_prefix", g.agent_id_prefix},
         {"claim_states", claim_state_words_name(g.claim_state_words)}});
  }
  nlohmann::json record = {{"format", kRecordVersion},
                           {"cluster_id", config.cluster.cluster_id},
                           {"groups", std::move(groups)}};
  if (!config.budget_profile.name.empty()) record["budget_profile"] = config.budget_profile.name;
  return record;
}

Status apply_backbeat_record(WorldConfig& config, const nlohmann::json& record) {
  auto bad = [](const std::string& what) {
    return Status::invalid_argument("run.json: /backbeat: " + what);
  };
  if (!record.is_object() || record.value("format", "") != kRecordVersion) {
    return bad(fmt::format("expected an object with \"format\": \"{}\"", kRecordVersion));
  }
  const nlohmann::json& groups = record.value("groups", nlohmann::json());
  if (!groups.is_array() || groups.size() != config.cluster.groups.size()) {
    return bad(
        fmt::format("expected {} group(s), one per scenario group", config.cluster.groups.size()));
  }
  const nlohmann::json& cluster = record.value("cluster_id", nlohmann::json());
  if (!cluster.is_string() || !is_cluster_id(cluster.get<std::string>())) {
    return bad("cluster_id: expected a cluster id");
  }
  WorldConfig out = config;
  out.cluster.cluster_id = cluster.get<std::string>();
  // Recorded only when the run had one: without it, the run had none (whatever the scenario says
  // now, the replay runs what the run ran).
  const nlohmann::json& profile = record.value("budget_profile", nlohmann::json(""));
  if (!profile.is_string() || (!profile.get<std::string>().empty() &&
                               !is_budget_profile_name(profile.get<std::string>()))) {
    return bad("budget_profile: expected a profile name");
  }
  out.budget_profile.name = profile.get<std::string>();
  out.budget_profile.source = "run.json /backbeat/budget_profile";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const nlohmann::json& r = groups[i];
    AgentGroup& g = out.cluster.groups[i];
    const std::string at = fmt::format("groups/{}: ", i);
    if (!r.is_object() || !r.value("enabled", nlohmann::json()).is_boolean() ||
        !r.value("cluster_id", nlohmann::json()).is_string() ||
        !r.value("agent_id_prefix", nlohmann::json()).is_string() ||
        !r.value("claim_states", nlohmann::json()).is_string()) {
      return bad(at + "expected enabled, cluster_id, agent_id_prefix and claim_states");
    }
    std::optional<ClaimStateWords> words =
        parse_claim_state_words(r["claim_states"].get<std::string>());
    if (!words) return bad(at + "claim_states: expected contract or legacy");
    if (!is_cluster_id(r["cluster_id"].get<std::string>())) {
      return bad(at + "cluster_id: expected a cluster id");
    }
    if (Status s = check_agent_id_prefix(r["agent_id_prefix"].get<std::string>()); !s) {
      return bad(at + "agent_id_prefix: " + s.message());
    }
    g.backbeat_enabled = r["enabled"].get<bool>();
    g.cluster_id = r["cluster_id"].get<std::string>();
    g.agent_id_prefix = r["agent_id_prefix"].get<std::string>();
    g.claim_state_words = *words;
  }
  config = std::move(out);
  return Status::ok();
}

bool backbeat_disabled_everywhere(const WorldConfig& config) {
  for (const AgentGroup& g : config.cluster.groups) {
    if (g.backbeat_enabled && g.count > 0) return false;
  }
  return true;
}

}  // namespace backbeat::sim
