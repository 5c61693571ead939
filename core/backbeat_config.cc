#include "core/backbeat_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/budget_profiles.h"
#include "core/contracts/field_rules.h"
#include "core/echo_text.h"
#include "core/nats_url.h"

namespace backbeat {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The seed's URL form: every entry names its scheme. Parsing is core/nats_url.h's; values are
// echoed redacted (a URL may carry a password).
Status validate_nats_urls(std::string_view urls) {
  if (urls.empty()) return Status::invalid_argument("expected a NATS URL, got an empty value");
  Result<std::vector<NatsUrl>> parsed = parse_nats_urls(urls);
  if (!parsed) return parsed.status();
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    if (!(*parsed)[i].explicit_scheme) {
      return Status::invalid_argument(fmt::format(
          "NATS URL {} of {} in '{}': expected nats://host:port (or tls://, ws://, wss://)", i + 1,
          parsed->size(), redact_nats_urls(urls)));
    }
  }
  return Status::ok();
}

}  // namespace

std::optional<bool> parse_enabled(std::string_view text) {
  std::string v = lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return std::nullopt;
}

std::optional<ClaimStateWords> parse_claim_state_words(std::string_view text) {
  std::string words = lower(text);
  if (words == "contract") return ClaimStateWords::kContract;
  if (words == "legacy") return ClaimStateWords::kLegacy;
  return std::nullopt;
}

const char* claim_state_words_name(ClaimStateWords words) {
  return words == ClaimStateWords::kLegacy ? "legacy" : "contract";
}

EnvironmentLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status BackbeatSettings::validate(const BackbeatSettingNames& names) const {
  if (cluster_id && !is_cluster_id(*cluster_id)) {
    return Status::invalid_argument(
        fmt::format("{}: expected 1..64 characters of [A-Za-z0-9_-], got '{}'", names.cluster_id,
                    echo_id(*cluster_id)));
  }
  if (agent_id && !is_agent_id(*agent_id)) {
    return Status::invalid_argument(
        fmt::format("{}: expected 1..128 characters of [A-Za-z0-9_:-], got '{}'", names.agent_id,
                    echo_id(*agent_id)));
  }
  if (budget_profile && !is_budget_profile_name(*budget_profile)) {
    return Status::invalid_argument(
        fmt::format("{}: expected a profile name of 1..64 characters of [A-Za-z0-9_-], got '{}'",
                    names.budget_profile, echo_id(*budget_profile)));
  }
  if (nats_url) {
    if (Status s = validate_nats_urls(*nats_url); !s) {
      return Status::invalid_argument(fmt::format("{}: {}", names.nats_url, s.message()));
    }
  }
  return Status::ok();
}

Status BackbeatConfig::validate() const {
  BackbeatSettings all;
  all.cluster_id = cluster_id;
  all.agent_id = agent_id;
  all.nats_url = nats_url;
  if (!budget_profile.empty()) all.budget_profile = budget_profile;
  return all.validate();
}

Result<BackbeatSettings> BackbeatSettings::from_environment(const EnvironmentLookup& env) {
  BackbeatSettings settings;
  if (auto v = env(kEnvEnabled)) {
    settings.enabled = parse_enabled(*v);
    if (!settings.enabled) {
      return Status::invalid_argument(
          fmt::format("{}: expected true or false (1/0, yes/no, on/off), got '{}'", kEnvEnabled,
                      echo_text(*v)));
    }
  }
  if (auto v = env(kEnvClusterId)) settings.cluster_id = *v;
  if (auto v = env(kEnvAgentId)) settings.agent_id = *v;
  if (auto v = env(kEnvNatsUrl)) settings.nats_url = *v;
  if (auto v = env(kEnvBudgetProfile)) settings.budget_profile = *v;
  if (auto v = env(kEnvClaimStates)) {
    settings.claim_state_words = parse_claim_state_words(*v);
    if (!settings.claim_state_words) {
      return Status::invalid_argument(fmt::format("{}: expected 'contract' or 'legacy', got '{}'",
                                                  kEnvClaimStates, echo_text(*v)));
    }
  }
  return settings;
}

BackbeatConfig BackbeatConfig::overlaid(const BackbeatSettings& settings) const {
  BackbeatConfig out = *this;
  if (settings.enabled) out.enabled = *settings.enabled;
  if (settings.cluster_id) out.cluster_id = *settings.cluster_id;
  if (settings.agent_id) out.agent_id = *settings.agent_id;
  if (settings.nats_url) out.nats_url = *settings.nats_url;
  if (settings.claim_state_words) out.claim_state_words = *settings.claim_state_words;
  if (settings.budget_profile) out.budget_profile = *settings.budget_profile;
  return out;
}

Result<BackbeatConfig> BackbeatConfig::from_environment(const EnvironmentLookup& env,
                                                        std::string_view chorus_agent_id) {
  Result<BackbeatSettings> settings = BackbeatSettings::from_environment(env);
  if (!settings) return settings.status();
  BackbeatConfig defaults;
  defaults.agent_id = "chorus-" + std::string(chorus_agent_id);
  BackbeatConfig config = defaults.overlaid(*settings);
  if (Status s = config.validate(); !s) return s;
  return config;
}

}  // namespace backbeat
