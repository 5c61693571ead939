// BackbeatConfig: the integration's configuration and how it is read from the environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/contracts/status_claim.h"
#include "core/status.h"

namespace backbeat {

// Looks a variable up; std::nullopt when unset. Production passes process_environment().
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the real process environment (getenv). Only hosts call this; the core never does.
EnvironmentLookup process_environment();

struct BackbeatConfig {
  bool enabled = true;
  std::string cluster_id = "chorus-production";
  std::string agent_id;  // default "chorus-<CHORUS agent id>"
  std::string nats_url = "nats://backbeat-nats:4222";
  ClaimStateWords claim_state_words = ClaimStateWords::kContract;

  // Reads CHORUS_BACKBEAT_ENABLED (true/false, 1/0, yes/no, on/off; default true),
  // CHORUS_BACKBEAT_CLUSTER_ID (default "chorus-production"), CHORUS_BACKBEAT_AGENT_ID (default
  // "chorus-<chorus_agent_id>"), CHORUS_BACKBEAT_NATS_URL (default "nats://backbeat-nats:4222";
  // comma-separated nats://, tls:// or ws:// URLs) and, our addition,
  // CHORUS_BACKBEAT_CLAIM_STATES ("contract" or "legacy"; default contract).
  // A bad value is kInvalidArgument naming the variable and the value expected.
  static Result<BackbeatConfig> from_environment(const EnvironmentLookup& env,
                                                 std::string_view chorus_agent_id);

  // OK when ids and URL are well-formed (messages name the variable they come from).
  Status validate() const;
};

}  // namespace backbeat
