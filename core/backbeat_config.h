// BackbeatConfig: the integration's configuration and how it is read from the environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/budget_profiles.h"
#include "core/contracts/status_claim.h"
#include "core/status.h"

namespace backbeat {

// Looks a variable up; std::nullopt when unset. Production passes process_environment().
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the real process environment (getenv). Only hosts call this; the core never does.
EnvironmentLookup process_environment();

// Environment variable names (the seed's four, then ours).
inline constexpr std::string_view kEnvEnabled = "CHORUS_BACKBEAT_ENABLED";
inline constexpr std::string_view kEnvClusterId = "CHORUS_BACKBEAT_CLUSTER_ID";
inline constexpr std::string_view kEnvAgentId = "CHORUS_BACKBEAT_AGENT_ID";
inline constexpr std::string_view kEnvNatsUrl = "CHORUS_BACKBEAT_NATS_URL";
inline constexpr std::string_view kEnvClaimStates = "CHORUS_BACKBEAT_CLAIM_STATES";

// "contract" / "legacy"; std::nullopt for anything else (case-insensitive).
std::optional<ClaimStateWords> parse_claim_state_words(std::string_view text);
const char* claim_state_words_name(ClaimStateWords words);
// true/false, 1/0, yes/no, on/off (case-insensitive); std::nullopt for anything else.
std::optional<bool> parse_enabled(std::string_view text);

// How a source of settings names each field in messages: the environment variables by default;
// a host passes its flags' names for the flag layer.
struct BackbeatSettingNames {
  std::string_view enabled = kEnvEnabled;
  std::string_view cluster_id = kEnvClusterId;
  std::string_view agent_id = kEnvAgentId;
  std::string_view nats_url = kEnvNatsUrl;
  std::string_view claim_state_words = kEnvClaimStates;
  std::string_view budget_profile = kEnvBudgetProfile;
};

// What one source of configuration says (a flag set, the environment, a scenario): each field
// it leaves unset falls through to the source below. Hosts stack them: flags over environment
// over scenario over defaults (README, "CHORUS_BACKBEAT_* configuration").
struct BackbeatSettings {
  std::optional<bool> enabled;
  std::optional<std::string> cluster_id;
  std::optional<std::string> agent_id;  // a host running several agents takes it as a prefix
  std::optional<std::string> nats_url;
  std::optional<ClaimStateWords> claim_state_words;
  std::optional<std::string> budget_profile;  // a name; the host resolves it (budget_profiles.h)

  // The CHORUS_BACKBEAT_* variables that are set. A value that cannot be parsed (ENABLED,
  // CLAIM_STATES) is kInvalidArgument naming the variable; ids and URLs are checked by
  // BackbeatConfig::validate once the layers are combined.
  static Result<BackbeatSettings> from_environment(const EnvironmentLookup& env);

  // OK when every field that is set is well-formed; kInvalidArgument naming the field (by
  // `names`), what is expected and the value (a NATS URL redacted).
  Status validate(const BackbeatSettingNames& names = {}) const;
  bool empty() const {
    return !enabled && !cluster_id && !agent_id && !nats_url && !claim_state_words &&
           !budget_profile;
  }
};

struct BackbeatConfig {
  bool enabled = true;
  std::string cluster_id = "chorus-production";
  std::string agent_id;  // default "chorus-<CHORUS agent id>"
  std::string nats_url = "nats://backbeat-nats:4222";
  ClaimStateWords claim_state_words = ClaimStateWords::kContract;
  std::string budget_profile;  // empty: none (core/budget_profiles.h)

  // Reads CHORUS_BACKBEAT_ENABLED (true/false, 1/0, yes/no, on/off; default true),
  // CHORUS_BACKBEAT_CLUSTER_ID (default "chorus-production"), CHORUS_BACKBEAT_AGENT_ID (default
  // "chorus-<chorus_agent_id>"), CHORUS_BACKBEAT_NATS_URL (default "nats://backbeat-nats:4222";
  // comma-separated nats://, tls:// or ws:// URLs) and, our addition,
  // CHORUS_BACKBEAT_CLAIM_STATES ("contract" or "legacy"; default contract) and
  // CHORUS_BACKBEAT_BUDGET_PROFILE (a profile name; default none).
  // A bad value is kInvalidArgument naming the variable and the value expected.
  static Result<BackbeatConfig> from_environment(const EnvironmentLookup& env,
                                                 std::string_view chorus_agent_id);

  // This config with every field `settings` sets replaced.
  BackbeatConfig overlaid(const BackbeatSettings& settings) const;

  // OK when ids and URL are well-formed (messages name the variable they come from).
  Status validate() const;
};

}  // namespace backbeat
