#include "core/backbeat_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/contracts/field_rules.h"
#include "core/nats_url.h"

namespace backbeat {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string v = lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return std::nullopt;
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

EnvironmentLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Status BackbeatConfig::validate() const {
  if (!is_cluster_id(cluster_id)) {
    return Status::invalid_argument(fmt::format(
        "CHORUS_BACKBEAT_CLUSTER_ID: expected 1..64 characters of [A-Za-z0-9_-], got '{}'",
        cluster_id));
  }
  if (!is_agent_id(agent_id)) {
    return Status::invalid_argument(fmt::format(
        "CHORUS_BACKBEAT_AGENT_ID: expected 1..128 characters of [A-Za-z0-9_:-], got '{}'",
        agent_id));
  }
  if (Status s = validate_nats_urls(nats_url); !s) {
    return Status::invalid_argument("CHORUS_BACKBEAT_NATS_URL: " + s.message());
  }
  return Status::ok();
}

Result<BackbeatConfig> BackbeatConfig::from_environment(const EnvironmentLookup& env,
                                                        std::string_view chorus_agent_id) {
  BackbeatConfig config;
  config.agent_id = "chorus-" + std::string(chorus_agent_id);
  if (auto v = env("CHORUS_BACKBEAT_ENABLED")) {
    std::optional<bool> enabled = parse_bool(*v);
    if (!enabled) {
      return Status::invalid_argument(fmt::format(
          "CHORUS_BACKBEAT_ENABLED: expected true or false (1/0, yes/no, on/off), got '{}'", *v));
    }
    config.enabled = *enabled;
  }
  if (auto v = env("CHORUS_BACKBEAT_CLUSTER_ID")) config.cluster_id = *v;
  if (auto v = env("CHORUS_BACKBEAT_AGENT_ID")) config.agent_id = *v;
  if (auto v = env("CHORUS_BACKBEAT_NATS_URL")) config.nats_url = *v;
  if (auto v = env("CHORUS_BACKBEAT_CLAIM_STATES")) {
    std::string words = lower(*v);
    if (words == "contract") {
      config.claim_state_words = ClaimStateWords::kContract;
    } else if (words == "legacy") {
      config.claim_state_words = ClaimStateWords::kLegacy;
    } else {
      return Status::invalid_argument(fmt::format(
          "CHORUS_BACKBEAT_CLAIM_STATES: expected 'contract' or 'legacy', got '{}'", *v));
    }
  }
  if (Status s = config.validate(); !s) return s;
  return config;
}

}  // namespace backbeat
