#include "sim/scenario/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <type_traits>
#include <variant>

#include "sim/scenario/did_you_mean.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/json_positions.h"
#include "sim/scenario/overrides.h"
#include "sim/world/fault_kinds.h"

namespace backbeat::sim::scenario {
namespace {

using json = nlohmann::json;

constexpr int kMaxAgents = 100000;
constexpr int kMaxServers = 64;
constexpr int kMaxPulseNodes = 16;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// A short rendering of an offending value for messages.
std::string shown(const json& v) {
  std::string text = v.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return fmt::format("{} ({})", text, v.type_name());
}

bool valid_identifier(const std::string& s, bool allow_upper) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              (allow_upper && c >= 'A' && c <= 'Z');
    if (!ok) return false;
  }
  return true;
}

// "faults[2].targets" (WorldConfig::validate's paths) -> "/faults/2/targets".
std::string path_to_pointer(std::string_view path) {
  std::string out = "/";
  for (char c : path) {
    if (c == '.' || c == '[') {
      out += '/';
    } else if (c != ']') {
      out += c;
    }
  }
  return out;
}

class Loader {
 public:
  Loader(std::string source, JsonPositions positions, std::vector<Override> overrides)
      : source_(std::move(source)),
        positions_(std::move(positions)),
        overrides_(std::move(overrides)) {}

  std::vector<Diagnostic>& errors() { return errors_; }

  enum class At { kValue, kKey };

  void error(const std::string& pointer, std::string message, At at = At::kValue) {
    Diagnostic d;
    d.pointer = pointer;
    d.message = std::move(message);
    // A value that came from --set is reported against the override, not the file.
    for (const Override& o : overrides_) {
      if (pointer == o.pointer || pointer.starts_with(o.pointer + "/")) {
        d.location = "--set " + echo_override(o.text);
        errors_.push_back(std::move(d));
        return;
      }
    }
    std::optional<TextPosition> pos =
        at == At::kKey ? positions_.key(pointer) : positions_.value(pointer);
    TextPosition p = pos ? *pos : positions_.best(pointer);
    d.location = fmt::format("{}:{}:{}", source_, p.line, p.column);
    d.line = p.line;
    d.column = p.column;
    errors_.push_back(std::move(d));
  }

  // ---------------------------------------------------------------------------------------
  // Objects: type check plus unknown-key check. Returns false (after reporting) if `v` is not an
  // object. `allowed` lists every key; `context` explains where a key that exists elsewhere
  // does not apply (e.g. "fault kind nats_disconnect").
  bool object(const json& v, const std::string& ptr, const std::vector<std::string>& allowed,
              const std::string& context = "", const std::vector<std::string>& elsewhere = {}) {
    if (!v.is_object()) {
      error(ptr, "expected an object; got " + shown(v));
      return false;
    }
    for (const auto& [key, value] : v.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string member = ptr + "/" + escape_pointer_token(key);
      if (std::find(elsewhere.begin(), elsewhere.end(), key) != elsewhere.end()) {
        error(member,
              fmt::format("key '{}' does not apply to {}; expected one of: {}", key, context,
                          join(allowed)),
              At::kKey);
        continue;
      }
      std::string message = fmt::format("unknown key '{}'", key);
      if (auto guess = did_you_mean(key, allowed))
        message += fmt::format("; did you mean '{}'?", *guess);
      message += fmt::format(" (expected one of: {})", join(allowed));
      error(member, message, At::kKey);
    }
    return true;
  }

  static const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  static std::string child(const std::string& ptr, std::string_view key) {
    return ptr + "/" + escape_pointer_token(key);
  }

  // ---------------------------------------------------------------------------------------
  // Scalars. Each returns whether `out` was set; problems are reported.
  bool number(const json& v, const std::string& ptr, double lo, double hi, double& out) {
    if (!v.is_number()) {
      error(ptr, fmt::format("expected a number in {:g}..{:g}; got {}", lo, hi, shown(v)));
      return false;
    }
    double d = v.get<double>();
    if (!(d >= lo && d <= hi)) {
      error(ptr, fmt::format("expected a number in {:g}..{:g}; got {:g}", lo, hi, d));
      return false;
    }
    out = d;
    return true;
  }

  bool integer(const json& v, const std::string& ptr, std::int64_t lo, std::int64_t hi,
               std::int64_t& out) {
    bool integral = v.is_number_integer() ||
                    (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
                     std::fabs(v.get<double>()) < 9e15);
    if (!integral) {
      error(ptr, fmt::format("expected an integer in {}..{}; got {}", lo, hi, shown(v)));
      return false;
    }
    std::int64_t i = 0;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
      error(ptr, fmt::format("expected an integer in {}..{}; got {}", lo, hi, v.dump()));
      return false;
    }
    i = v.is_number_float() ? static_cast<std::int64_t>(v.get<double>()) : v.get<std::int64_t>();
    if (i < lo || i > hi) {
      error(ptr, fmt::format("expected an integer in {}..{}; got {}", lo, hi, i));
      return false;
    }
    out = i;
    return true;
  }

  bool integer(const json& v, const std::string& ptr, int lo, int hi, int& out) {
    std::int64_t i = 0;
    if (!integer(v, ptr, static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi), i)) {
      return false;
    }
    out = static_cast<int>(i);
    return true;
  }

  bool string(const json& v, const std::string& ptr, std::string& out) {
    if (!v.is_string()) {
      error(ptr, "expected a string; got " + shown(v));
      return false;
    }
    out = v.get<std::string>();
    return true;
  }

  bool boolean(const json& v, const std::string& ptr, bool& out) {
    if (!v.is_boolean()) {
      error(ptr, "expected true or false; got " + shown(v));
      return false;
    }
    out = v.get<bool>();
    return true;
  }

  bool choice(const json& v, const std::string& ptr, const std::vector<std::string>& options,
              std::string& out) {
    std::string s;
    if (!v.is_string()) {
      error(ptr, fmt::format("expected one of {}; got {}", join(options), shown(v)));
      return false;
    }
    s = v.get<std::string>();
    if (std::find(options.begin(), options.end(), s) == options.end()) {
      std::string message = fmt::format("expected one of {}; got \"{}\"", join(options), s);
      if (auto guess = did_you_mean(s, options))
        message += fmt::format(" (did you mean \"{}\"?)", *guess);
      error(ptr, message);
      return false;
    }
    out = s;
    return true;
  }

  using Sign = DurationSign;

  // A duration: a number of seconds or a string with a unit (duration_text.h).
  bool duration(const json& v, const std::string& ptr, Sign sign, Duration& out) {
    Result<Duration> d = Status::invalid_argument("");
    if (v.is_number()) {
      d = duration_from_seconds(v.get<double>());
    } else if (v.is_string()) {
      d = parse_duration_text(v.get<std::string>(), tempo_);
    } else {
      error(ptr,
            "expected a duration such as \"30s\", \"5m\", \"2 beats\" or a number of "
            "seconds; got " +
                shown(v));
      return false;
    }
    if (!d.is_ok()) {
      error(ptr, d.status().message());
      return false;
    }
    if (sign == Sign::kPositive && *d <= Duration::zero()) {
      error(ptr, fmt::format("expected a positive duration; got {}", format_duration(*d)));
      return false;
    }
    if (sign == Sign::kNonNegative && *d < Duration::zero()) {
      error(ptr, fmt::format("expected a duration >= 0; got {} (negative durations are not "
                             "allowed here)",
                             format_duration(*d)));
      return false;
    }
    out = *d;
    return true;
  }

  // A selector string, parsed and resolved against the cluster (must match something).
  bool selector(const json& v, const std::string& ptr, Selector& out) {
    if (!v.is_string()) {
      error(ptr,
            "expected a selector string (all, agent:N, agents:A-B, group:NAME, random:P%, "
            "server:N); got " +
                shown(v));
      return false;
    }
    Result<Selector> s = parse_selector(v.get<std::string>());
    if (!s.is_ok()) {
      error(ptr, s.status().message());
      return false;
    }
    const ClusterConfig& c = world_->cluster;
    int agents = c.agent_count();
    switch (s->kind) {
      case Selector::Kind::kAll:
        break;
      case Selector::Kind::kAgentRange:
        if (s->last >= agents) {
          error(ptr, fmt::format("selector '{}' reaches agent {}, but the cluster has agents "
                                 "0..{}: it would match {}",
                                 v.get<std::string>(), s->last, agents - 1,
                                 s->first >= agents ? "no agent" : "agents that do not exist"));
          return false;
        }
        break;
      case Selector::Kind::kGroup: {
        std::vector<std::string> names;
        const AgentGroup* found = nullptr;
        for (const AgentGroup& g : c.groups) {
          names.push_back(g.name);
          if (g.name == s->group) found = &g;
        }
        if (!found) {
          std::string message = fmt::format(
              "selector '{}' matches no agent: there is no group "
              "'{}'",
              v.get<std::string>(), s->group);
          if (auto guess = did_you_mean(s->group, names))
            message += fmt::format("; did you mean 'group:{}'?", *guess);
          message += fmt::format(" (groups: {})", join(names));
          error(ptr, message);
          return false;
        }
        if (found->count == 0) {
          error(ptr, fmt::format("selector '{}' matches no agent: group '{}' has count 0",
                                 v.get<std::string>(), s->group));
          return false;
        }
        break;
      }
      case Selector::Kind::kRandomFraction:
        if (s->fraction * agents < 1.0) {
          error(ptr, fmt::format("selector '{}' would match no agent: {:g}% of {} agents is "
                                 "less than one",
                                 v.get<std::string>(), s->fraction * 100, agents));
          return false;
        }
        break;
      case Selector::Kind::kServer: {
        if (s->server >= c.nats_servers) {
          error(ptr, fmt::format("selector '{}' names NATS server {}, but the cluster has "
                                 "servers 0..{}",
                                 v.get<std::string>(), s->server, c.nats_servers - 1));
          return false;
        }
        // Round-robin groups (server -1) put agent i on server i mod nats_servers.
        bool any = false;
        int index = 0;
        for (const AgentGroup& g : c.groups) {
          for (int k = 0; k < g.count && !any; ++k, ++index) {
            any = (g.server >= 0 ? g.server : index % c.nats_servers) == s->server;
          }
          if (any) break;
        }
        if (!any) {
          error(ptr, fmt::format("selector '{}' matches no agent: no group connects to server {}",
                                 v.get<std::string>(), s->server));
          return false;
        }
        break;
      }
    }
    out = *s;
    return true;
  }

  // Reads an optional member with `read(value, pointer)`; absent members are left alone.
  template <typename F>
  void opt(const json& obj, const std::string& ptr, const char* key, F&& read) {
    if (const json* m = member(obj, key)) read(*m, child(ptr, key));
  }

  // Reports a missing required member at the object.
  const json* required(const json& obj, const std::string& ptr, const char* key,
                       const std::string& what) {
    const json* m = member(obj, key);
    if (!m) error(ptr, fmt::format("missing required key '{}' ({})", key, what));
    return m;
  }

  // ---------------------------------------------------------------------------------------
  void load(const json& doc, Scenario& sc) {
    world_ = &sc.world;
    const std::string root;
    if (!object(doc, root,
                {"version", "name", "description", "seed", "expect", "duration", "cluster", "pulse",
                 "workload", "faults", "swarm", "budgets", "assertions", "trace"})) {
      return;
    }
    if (const json* v = required(doc, root, "version", "the format version, 1")) {
      std::int64_t version = 0;
      if (v->is_number_integer() && v->get<std::int64_t>() != kScenarioVersion) {
        error("/version", fmt::format("unsupported version {}; this backbeat-sim reads version {}",
                                      v->get<std::int64_t>(), kScenarioVersion));
      } else if (integer(*v, "/version", 1, 1, version)) {
        sc.version = static_cast<int>(version);
      }
    }
    opt(doc, root, "name", [&](const json& v, const std::string& p) {
      std::string name;
      if (!string(v, p, name)) return;
      if (!valid_identifier(name, true)) {
        error(p, fmt::format("expected 1..64 characters of [A-Za-z0-9_-]; got \"{}\"", name));
        return;
      }
      sc.name = name;
    });
    opt(doc, root, "description",
        [&](const json& v, const std::string& p) { string(v, p, sc.description); });
    opt(doc, root, "seed", [&](const json& v, const std::string& p) {
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
        error(p, "expected an integer seed in 0..18446744073709551615; got " + shown(v));
        return;
      }
      sc.seed = v.get<std::uint64_t>();
    });
    opt(doc, root, "expect", [&](const json& v, const std::string& p) {
      std::string e;
      if (choice(v, p, {"pass", "fail"}, e))
        sc.expect = e == "pass" ? Verdict::kPass : Verdict::kFail;
    });
    opt(doc, root, "trace", [&](const json& v, const std::string& p) {
      if (!object(v, p, {"record_deliveries"})) return;
      opt(v, p, "record_deliveries", [&](const json& b, const std::string& q) {
        boolean(b, q, sc.world.record_deliveries_in_trace);
      });
    });

    // Order matters: the pulse gives the tempo that converts beats; the cluster resolves
    // selectors; the run duration bounds every time on the timeline.
    opt(doc, root, "pulse", [&](const json& v, const std::string& p) { pulse_tempo(v, p); });
    opt(doc, root, "duration", [&](const json& v, const std::string& p) {
      duration(v, p, Sign::kPositive, sc.world.duration);
    });
    opt(doc, root, "cluster", [&](const json& v, const std::string& p) { cluster(v, p); });
    opt(doc, root, "pulse", [&](const json& v, const std::string& p) { pulse(v, p); });
    opt(doc, root, "workload", [&](const json& v, const std::string& p) { workload(v, p); });
    opt(doc, root, "faults", [&](const json& v, const std::string& p) { faults(v, p); });
    opt(doc, root, "swarm", [&](const json& v, const std::string& p) { swarm(v, p); });
    opt(doc, root, "budgets", [&](const json& v, const std::string& p) { budgets(v, p); });
    opt(doc, root, "assertions",
        [&](const json& v, const std::string& p) { assertions(v, p, sc.assertions); });

    if (errors_.empty()) {
      Status s = sc.world.validate();
      if (!s.is_ok()) {
        std::string message = s.message();
        std::size_t colon = message.find(": ");
        std::string ptr =
            colon == std::string::npos ? "" : path_to_pointer(message.substr(0, colon));
        error(ptr, colon == std::string::npos ? message : message.substr(colon + 2));
      }
    }
  }

 private:
  // ---------------------------------------------------------------------------------------
  void pulse_tempo(const json& v, const std::string& p) {
    if (!v.is_object()) return;  // reported by pulse()
    if (const json* t = member(v, "tempo_bpm"); t && t->is_number()) {
      double bpm = t->get<double>();
      if (bpm >= 0.1 && bpm <= 1000) tempo_ = bpm;
    }
    (void)p;
  }

  void cluster(const json& v, const std::string& p) {
    ClusterConfig& c = world_->cluster;
    if (!object(v, p,
                {"id", "agents", "groups", "nats_servers", "links", "pulse_link_latency",
                 "reverb_link_latency", "nats"})) {
      return;
    }
    opt(v, p, "id", [&](const json& x, const std::string& q) {
      std::string id;
      if (!string(x, q, id)) return;
      if (!valid_identifier(id, true)) {
        error(q, fmt::format("expected a cluster id of 1..64 characters of [A-Za-z0-9_-]; got "
                             "\"{}\"",
                             id));
        return;
      }
      c.cluster_id = id;
    });
    // Servers first: groups refer to them.
    opt(v, p, "nats_servers", [&](const json& x, const std::string& q) {
      integer(x, q, 1, kMaxServers, c.nats_servers);
    });
    const json* agents = member(v, "agents");
    const json* groups = member(v, "groups");
    if (agents && groups) {
      error(child(p, "groups"), "give either 'agents' (one group) or 'groups', not both", At::kKey);
    }
    if (agents) {
      int n = 0;
      if (integer(*agents, child(p, "agents"), 1, kMaxAgents, n)) {
        c.groups = {AgentGroup{}};
        c.groups[0].count = n;
      }
    } else if (groups) {
      agent_groups(*groups, child(p, "groups"));
    }
    opt(v, p, "links", [&](const json& x, const std::string& q) { links(x, q); });
    opt(v, p, "pulse_link_latency", [&](const json& x, const std::string& q) {
      duration(x, q, Sign::kNonNegative, c.pulse_link_latency);
    });
    opt(v, p, "reverb_link_latency", [&](const json& x, const std::string& q) {
      duration(x, q, Sign::kNonNegative, c.reverb_link_latency);
    });
    opt(v, p, "nats", [&](const json& x, const std::string& q) {
      NatsBehaviour& n = c.nats;
      if (!object(x, q,
                  {"detection_delay", "reconnect_wait", "max_reconnect_attempts",
                   "reconnect_buffer_bytes", "pending_limit"})) {
        return;
      }
      opt(x, q, "detection_delay", [&](const json& y, const std::string& r) {
        duration(y, r, Sign::kNonNegative, n.detection_delay);
      });
      opt(x, q, "reconnect_wait", [&](const json& y, const std::string& r) {
        duration(y, r, Sign::kNonNegative, n.reconnect_wait);
      });
      opt(x, q, "max_reconnect_attempts", [&](const json& y, const std::string& r) {
        integer(y, r, -1, 1000000, n.max_reconnect_attempts);
      });
      opt(x, q, "reconnect_buffer_bytes", [&](const json& y, const std::string& r) {
        integer(y, r, std::int64_t{0}, std::int64_t{1} << 40, n.reconnect_buffer_bytes);
      });
      opt(x, q, "pending_limit", [&](const json& y, const std::string& r) {
        integer(y, r, 1, 100000000, n.pending_limit);
      });
    });
  }

  void agent_groups(const json& v, const std::string& p) {
    ClusterConfig& c = world_->cluster;
    if (!v.is_array() || v.empty()) {
      error(p, "expected a non-empty array of groups; got " + shown(v));
      return;
    }
    c.groups.clear();
    std::set<std::string> names;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& g = v[i];
      std::string q = child(p, std::to_string(i));
      AgentGroup group;
      group.name = fmt::format("group{}", i);
      if (object(g, q,
                 {"name", "count", "server", "clock_skew_ppm", "clock_offset", "link_latency",
                  "link_jitter", "slow_factor", "claim_states"})) {
        opt(g, q, "name", [&](const json& x, const std::string& r) {
          std::string name;
          if (!string(x, r, name)) return;
          if (!valid_identifier(name, true)) {
            error(r, fmt::format("expected 1..64 characters of [A-Za-z0-9_-]; got \"{}\"", name));
            return;
          }
          group.name = name;
        });
        if (const json* n = required(g, q, "count", "how many agents the group has")) {
          integer(*n, child(q, "count"), 0, kMaxAgents, group.count);
        }
        opt(g, q, "server", [&](const json& x, const std::string& r) {
          integer(x, r, -1, c.nats_servers - 1, group.server);
        });
        opt(g, q, "clock_skew_ppm", [&](const json& x, const std::string& r) {
          number(x, r, -100000, 100000, group.clock_skew_ppm);
        });
        opt(g, q, "clock_offset", [&](const json& x, const std::string& r) {
          duration(x, r, Sign::kAny, group.clock_offset);
        });
        opt(g, q, "link_latency", [&](const json& x, const std::string& r) {
          duration(x, r, Sign::kNonNegative, group.link_latency);
        });
        opt(g, q, "link_jitter", [&](const json& x, const std::string& r) {
          duration(x, r, Sign::kNonNegative, group.link_jitter);
        });
        opt(g, q, "slow_factor", [&](const json& x, const std::string& r) {
          if (number(x, r, 0, 1000, group.slow_factor) && group.slow_factor <= 0) {
            error(r, "expected a factor > 0 (1 = normal speed, 3 = three times slower)");
          }
        });
        opt(g, q, "claim_states", [&](const json& x, const std::string& r) {
          std::string words;
          if (choice(x, r, {"contract", "legacy"}, words)) {
            group.claim_state_words =
                words == "legacy" ? ClaimStateWords::kLegacy : ClaimStateWords::kContract;
          }
        });
      }
      if (!names.insert(group.name).second) {
        error(child(q, "name"), fmt::format("duplicate group name '{}'", group.name));
      }
      total += group.count;
      c.groups.push_back(group);
    }
    if (total < 1) error(p, "expected at least one agent in total");
    if (total > kMaxAgents) {
      error(p, fmt::format("expected at most {} agents in total; got {}", kMaxAgents, total));
    }
  }

  void links(const json& v, const std::string& p) {
    ClusterConfig& c = world_->cluster;
    if (!v.is_array()) {
      error(p, "expected an array of links between NATS servers; got " + shown(v));
      return;
    }
    std::set<std::pair<int, int>> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& l = v[i];
      std::string q = child(p, std::to_string(i));
      ServerLink link;
      if (!object(l, q, {"between", "latency", "jitter", "loss"})) continue;
      if (const json* b = required(l, q, "between", "two server indexes, e.g. [0, 1]")) {
        std::string r = child(q, "between");
        if (!b->is_array() || b->size() != 2) {
          error(r, "expected two server indexes, e.g. [0, 1]; got " + shown(*b));
        } else {
          bool ok = integer((*b)[0], child(r, "0"), 0, c.nats_servers - 1, link.a);
          ok = integer((*b)[1], child(r, "1"), 0, c.nats_servers - 1, link.b) && ok;
          if (ok && link.a == link.b) error(r, "expected two different servers");
          if (ok && !seen.insert(std::minmax(link.a, link.b)).second) {
            error(r, fmt::format("duplicate link between servers {} and {}", link.a, link.b));
          }
        }
      }
      opt(l, q, "latency", [&](const json& x, const std::string& r) {
        duration(x, r, Sign::kNonNegative, link.latency);
      });
      opt(l, q, "jitter", [&](const json& x, const std::string& r) {
        duration(x, r, Sign::kNonNegative, link.jitter);
      });
      opt(l, q, "loss",
          [&](const json& x, const std::string& r) { number(x, r, 0, 1, link.loss); });
      c.server_links.push_back(link);
    }
  }

  // ---------------------------------------------------------------------------------------
  void pulse(const json& v, const std::string& p) {
    PulseConfig& pc = world_->pulse;
    if (!object(
            v, p,
            {"tempo_bpm", "bar_length", "frames_per_beat", "drift", "tempo_changes", "nodes"})) {
      return;
    }
    opt(v, p, "tempo_bpm",
        [&](const json& x, const std::string& q) { number(x, q, 0.1, 1000, pc.tempo_bpm); });
    opt(v, p, "bar_length",
        [&](const json& x, const std::string& q) { integer(x, q, 1, 1000, pc.bar_length); });
    opt(v, p, "frames_per_beat", [&](const json& x, const std::string& q) {
      int n = 0;
      if (!integer(x, q, 1, 3, n)) return;
      if (n == 2) {
        error(q, "expected 1 (execute only) or 3 (plan, execute, review); got 2");
        return;
      }
      pc.frames_per_beat = n;
    });
    opt(v, p, "nodes",
        [&](const json& x, const std::string& q) { integer(x, q, 1, kMaxPulseNodes, pc.nodes); });
    opt(v, p, "drift", [&](const json& x, const std::string& q) { drift(x, q); });
    opt(v, p, "tempo_changes", [&](const json& x, const std::string& q) { tempo_changes(x, q); });
  }

  void drift(const json& v, const std::string& p) {
    DriftModel& d = world_->pulse.drift;
    static const std::map<std::string, std::vector<std::string>> kKeys = {
        {"none", {"model"}},
        {"linear", {"model", "ppm"}},
        {"periodic", {"model", "amplitude_ppm", "period"}},
        {"step", {"model", "ppm", "step_at"}},
        {"non_ideal", {"model", "amplitude_ppm", "period", "jitter"}},
    };
    static const std::vector<std::string> kAll = {"model",  "ppm",     "amplitude_ppm",
                                                  "period", "step_at", "jitter"};
    if (!v.is_object()) {
      error(p, "expected an object such as {\"model\": \"linear\", \"ppm\": 50}; got " + shown(v));
      return;
    }
    std::string model = "none";
    if (const json* m = required(v, p, "model", "none, linear, periodic, step or non_ideal")) {
      if (!choice(*m, child(p, "model"), {"none", "linear", "periodic", "step", "non_ideal"},
                  model)) {
        object(v, p, kAll);
        return;
      }
    }
    object(v, p, kKeys.at(model), "drift model " + model, kAll);
    if (model == "none") d.kind = DriftModel::Kind::kNone;
    if (model == "linear") d.kind = DriftModel::Kind::kLinear;
    if (model == "periodic") d.kind = DriftModel::Kind::kPeriodic;
    if (model == "step") d.kind = DriftModel::Kind::kStep;
    if (model == "non_ideal") d.kind = DriftModel::Kind::kNonIdeal;
    auto has = [&](const char* key) {
      const auto& keys = kKeys.at(model);
      return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    if (has("ppm")) {
      if (const json* x = required(v, p, "ppm", "the tempo's rate error in parts per million")) {
        number(*x, child(p, "ppm"), -100000, 100000, d.ppm);
      }
    }
    if (has("amplitude_ppm")) {
      if (const json* x = required(v, p, "amplitude_ppm", "the sine's amplitude in ppm")) {
        number(*x, child(p, "amplitude_ppm"), 0, 100000, d.amplitude_ppm);
      }
    }
    if (has("period")) {
      opt(v, p, "period",
          [&](const json& x, const std::string& q) { duration(x, q, Sign::kPositive, d.period); });
    }
    if (has("step_at")) {
      if (const json* x = required(v, p, "step_at", "when the step happens")) {
        std::string q = child(p, "step_at");
        if (duration(*x, q, Sign::kNonNegative, d.step_at) && d.step_at >= world_->duration) {
          error(q, fmt::format("the step at {} is not before the end of the run ({})",
                               format_duration(d.step_at), format_duration(world_->duration)));
        }
      }
    }
    if (has("jitter")) {
      opt(v, p, "jitter", [&](const json& x, const std::string& q) {
        duration(x, q, Sign::kNonNegative, d.jitter);
      });
    }
  }

  void tempo_changes(const json& v, const std::string& p) {
    if (!v.is_array()) {
      error(p, "expected an array of {\"at\": ..., \"tempo_bpm\": ...}; got " + shown(v));
      return;
    }
    Duration previous = Duration(-1);
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string q = child(p, std::to_string(i));
      TempoChange change;
      if (!object(v[i], q, {"at", "tempo_bpm"})) continue;
      if (const json* at = required(v[i], q, "at", "when the change starts")) {
        std::string r = child(q, "at");
        if (duration(*at, r, Sign::kNonNegative, change.at)) {
          if (change.at >= world_->duration) {
            error(r, fmt::format("the change at {} is not before the end of the run ({})",
                                 format_duration(change.at), format_duration(world_->duration)));
          } else if (change.at <= previous) {
            error(r, "expected tempo changes in increasing order of 'at'");
          }
          previous = change.at;
        }
      }
      if (const json* t = required(v[i], q, "tempo_bpm", "the new tempo")) {
        number(*t, child(q, "tempo_bpm"), 0.1, 1000, change.tempo_bpm);
      }
      world_->pulse.tempo_changes.push_back(change);
    }
  }

  // ---------------------------------------------------------------------------------------
  void workload(const json& v, const std::string& p) {
    WorkloadConfig& w = world_->workload;
    if (!object(v, p, {"start_after", "operations"})) return;
    opt(v, p, "start_after", [&](const json& x, const std::string& q) {
      if (duration(x, q, Sign::kNonNegative, w.start_after) && w.start_after >= world_->duration) {
        error(q, fmt::format("the workload would start at {}, after the run ends ({})",
                             format_duration(w.start_after), format_duration(world_->duration)));
      }
    });
    const json* ops = member(v, "operations");
    if (!ops) return;
    std::string q = child(p, "operations");
    if (!ops->is_array()) {
      error(q, "expected an array of operation workloads; got " + shown(*ops));
      return;
    }
    // Types first, so depends_on can refer forwards.
    for (const json& op : *ops) {
      if (op.is_object() && op.contains("type") && op["type"].is_string()) {
        types_.push_back(op["type"].get<std::string>());
      }
    }
    for (std::size_t i = 0; i < ops->size(); ++i) operation((*ops)[i], child(q, std::to_string(i)));
    dependency_cycles(q);
  }

  void operation(const json& v, const std::string& p) {
    OperationWorkload op;
    if (!object(v, p,
                {"type", "count", "rate_per_beat", "duration", "estimated_beats",
                 "failure_probability", "phases", "depends_on", "agents"})) {
      return;
    }
    if (const json* t = required(v, p, "type", "the operation type, e.g. dht_store")) {
      std::string q = child(p, "type");
      if (string(*t, q, op.type) && !valid_identifier(op.type, false)) {
        error(q, fmt::format("expected an operation type of 1..64 characters of [a-z0-9_-]; got "
                             "\"{}\"",
                             op.type));
      }
    }
    const json* count = member(v, "count");
    const json* rate = member(v, "rate_per_beat");
    if (count && rate) {
      error(child(p, "rate_per_beat"), "give either 'count' or 'rate_per_beat', not both",
            At::kKey);
    } else if (!count && !rate) {
      error(p,
            "missing 'count' (operations spread over the run) or 'rate_per_beat' (Poisson "
            "arrivals per beat)");
    }
    if (count) integer(*count, child(p, "count"), 0, 10000000, op.count);
    if (rate) {
      std::string q = child(p, "rate_per_beat");
      if (number(*rate, q, 0, 1000000, op.rate_per_beat) && op.rate_per_beat <= 0) {
        error(q, "expected a rate > 0 operations per beat");
      }
    }
    opt(v, p, "duration",
        [&](const json& x, const std::string& q) { distribution(x, q, op.duration); });
    opt(v, p, "estimated_beats",
        [&](const json& x, const std::string& q) { integer(x, q, 1, 1000, op.estimated_beats); });
    opt(v, p, "failure_probability",
        [&](const json& x, const std::string& q) { number(x, q, 0, 1, op.failure_probability); });
    opt(v, p, "phases", [&](const json& x, const std::string& q) { phases(x, q, op.phases); });
    opt(v, p, "depends_on", [&](const json& x, const std::string& q) {
      if (!string(x, q, op.depends_on)) return;
      if (op.depends_on == op.type) {
        error(q, fmt::format("operation type '{}' cannot depend on itself", op.type));
      } else if (std::find(types_.begin(), types_.end(), op.depends_on) == types_.end()) {
        unknown_type(q, op.depends_on);
      }
    });
    opt(v, p, "agents", [&](const json& x, const std::string& q) { selector(x, q, op.agents); });
    world_->workload.operations.push_back(op);
  }

  // {"connecting": f, "negotiating": f, "executing": f}: fractions of the operation's duration
  // at which the seed's phases begin; each optional, strictly increasing inside (0, 1).
  void phases(const json& v, const std::string& p, std::array<double, 3>& out) {
    static const std::vector<std::string> kNames = {"connecting", "negotiating", "executing"};
    if (!object(v, p, kNames)) return;
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      opt(v, p, kNames[i].c_str(), [&](const json& x, const std::string& q) {
        if (number(x, q, 0, 1, out[i]) && (out[i] <= 0 || out[i] >= 1)) {
          error(q, "expected a fraction of the operation's duration strictly between 0 and 1");
        }
      });
    }
    if (!(out[0] < out[1] && out[1] < out[2])) {
      error(p, fmt::format("expected connecting < negotiating < executing; got {:g}, {:g}, {:g}",
                           out[0], out[1], out[2]));
    }
  }

  void unknown_type(const std::string& ptr, const std::string& type, At at = At::kValue) {
    std::string message = fmt::format("no operation of type '{}' in the workload", type);
    if (auto guess = did_you_mean(type, types_))
      message += fmt::format("; did you mean '{}'?", *guess);
    message += types_.empty() ? " (the workload is empty)"
                              : fmt::format(" (workload types: {})", join(types_));
    error(ptr, message, at);
  }

  void dependency_cycles(const std::string& ptr) {
    std::map<std::string, std::set<std::string>> edges;
    for (const OperationWorkload& op : world_->workload.operations) {
      if (!op.depends_on.empty()) edges[op.type].insert(op.depends_on);
    }
    std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
    std::vector<std::string> stack;
    std::function<bool(const std::string&)> visit = [&](const std::string& t) {
      state[t] = 1;
      stack.push_back(t);
      for (const std::string& next : edges[t]) {
        if (state[next] == 1) {
          std::string cycle;
          auto it = std::find(stack.begin(), stack.end(), next);
          for (; it != stack.end(); ++it) cycle += *it + " -> ";
          error(ptr, fmt::format("dependency cycle: {}{}", cycle, next));
          return true;
        }
        if (state[next] == 0 && visit(next)) return true;
      }
      stack.pop_back();
      state[t] = 2;
      return false;
    };
    for (const auto& [type, deps] : edges) {
      if (state[type] == 0 && visit(type)) return;
    }
  }

  // An operation duration distribution, in beats at the nominal tempo. A number is a fixed
  // number of beats, a duration string a fixed time (converted to beats).
  void distribution(const json& v, const std::string& p, DurationDistribution& d) {
    if (v.is_number() || v.is_string()) {
      d.kind = DurationDistribution::Kind::kFixed;
      beats_value(v, p, d.value);
      return;
    }
    static const std::map<std::string, std::vector<std::string>> kKeys = {
        {"fixed", {"distribution", "beats"}},
        {"uniform", {"distribution", "min", "max"}},
        {"normal", {"distribution", "mean", "stddev"}},
        {"lognormal", {"distribution", "median", "sigma"}},
        {"exponential", {"distribution", "mean"}},
    };
    static const std::vector<std::string> kAll = {"distribution", "beats",  "min",    "max",
                                                  "mean",         "stddev", "median", "sigma"};
    if (!v.is_object()) {
      error(p,
            "expected a number of beats, a duration string, or an object such as "
            "{\"distribution\": \"uniform\", \"min\": 1, \"max\": 3}; got " +
                shown(v));
      return;
    }
    std::string kind;
    const json* k =
        required(v, p, "distribution", "fixed, uniform, normal, lognormal or exponential");
    if (!k || !choice(*k, child(p, "distribution"),
                      {"fixed", "uniform", "normal", "lognormal", "exponential"}, kind)) {
      object(v, p, kAll);
      return;
    }
    object(v, p, kKeys.at(kind), "distribution " + kind, kAll);
    auto need = [&](const char* key, double& out, bool positive) {
      if (const json* x = required(v, p, key, "in beats (a number) or a duration string")) {
        std::string q = child(p, key);
        if (beats_value(*x, q, out) && positive && out <= 0) {
          error(q, fmt::format("expected a positive value; got {:g}", out));
        }
      }
    };
    if (kind == "fixed") {
      d.kind = DurationDistribution::Kind::kFixed;
      need("beats", d.value, false);
    } else if (kind == "uniform") {
      d.kind = DurationDistribution::Kind::kUniform;
      need("min", d.min, false);
      need("max", d.max, false);
      if (d.min > d.max) error(child(p, "max"), fmt::format("expected max >= min ({:g})", d.min));
    } else if (kind == "normal") {
      d.kind = DurationDistribution::Kind::kNormal;
      need("mean", d.mean, true);
      need("stddev", d.stddev, false);
    } else if (kind == "lognormal") {
      d.kind = DurationDistribution::Kind::kLognormal;
      need("median", d.median, true);
      if (const json* x = required(v, p, "sigma", "the underlying normal's sigma, e.g. 0.3")) {
        number(*x, child(p, "sigma"), 0, 10, d.sigma);
      }
    } else {
      d.kind = DurationDistribution::Kind::kExponential;
      need("mean", d.mean, true);
    }
  }

  // Beats: a number of beats, or a duration string converted at the initial tempo. >= 0.
  bool beats_value(const json& v, const std::string& p, double& out) {
    if (v.is_number()) return number(v, p, 0, 1e6, out);
    Duration d{};
    if (!duration(v, p, Sign::kNonNegative, d)) return false;
    out = to_seconds(d) * tempo_ / 60.0;
    return true;
  }

  // ---------------------------------------------------------------------------------------
  void faults(const json& v, const std::string& p) {
    if (!v.is_array()) {
      error(p, "expected an array of faults; got " + shown(v));
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) fault(v[i], child(p, std::to_string(i)));
  }

  static std::vector<std::string> fault_kind_names() {
    std::vector<std::string> names;
    for (const FaultKind& k : fault_kinds()) names.emplace_back(k.name);
    return names;
  }

  void fault(const json& v, const std::string& p) {
    static const std::vector<std::string> kCommon = {"kind", "at", "duration"};
    static const std::vector<std::string> kAll = [] {
      std::vector<std::string> all = kCommon;
      for (const FaultParam& param : fault_params()) all.emplace_back(param.name);
      return all;
    }();
    if (!v.is_object()) {
      error(p,
            "expected a fault object such as {\"kind\": \"nats_disconnect\", \"at\": \"10m\", "
            "\"duration\": \"30s\", \"targets\": \"agents:0-4\"}; got " +
                shown(v));
      return;
    }
    FaultSpec f;
    const json* k = required(v, p, "kind", "the fault kind");
    std::optional<FaultSpec::Kind> kind;
    if (k) {
      std::string name;
      if (choice(*k, child(p, "kind"), fault_kind_names(), name)) kind = parse_fault_kind(name);
    }
    if (!kind) {
      object(v, p, kAll);
      return;
    }
    f.kind = *kind;
    const FaultKind& info = fault_kind(f.kind);
    std::vector<std::string> allowed = kCommon;
    for (std::string_view key : info.params) allowed.emplace_back(key);
    object(v, p, allowed, fmt::format("fault kind {}", info.name), kAll);

    bool timed = false;
    if (const json* at = required(v, p, "at", "when the fault starts, e.g. \"10m\"")) {
      std::string q = child(p, "at");
      if (duration(*at, q, Sign::kNonNegative, f.at)) {
        timed = true;
        if (f.at >= world_->duration) {
          error(q, fmt::format("the fault starts at {}, after the run ends ({})",
                               format_duration(f.at), format_duration(world_->duration)));
          timed = false;
        }
      }
    }
    opt(v, p, "duration", [&](const json& x, const std::string& q) {
      if (duration(x, q, Sign::kNonNegative, f.duration) && timed &&
          f.at + f.duration > world_->duration) {
        error(q,
              fmt::format("the fault would end at {}, after the run ends ({}); shorten it, or "
                          "use 0 for 'until the end of the run'",
                          format_duration(f.at + f.duration), format_duration(world_->duration)));
      }
    });
    if (!member(v, "duration") && timed && f.at + f.duration > world_->duration) {
      error(p, fmt::format("the fault's default duration ({}) would end after the run; give "
                           "'duration' (0 = until the end of the run)",
                           format_duration(f.duration)));
    }
    for (std::string_view name : info.params) {
      const FaultParam& param = *find_fault_param(name);
      if (name == "servers") continue;  // a partition's servers: below, with its targets
      if (const json* x = member(v, param.name.data())) {
        fault_param(param, *x, child(p, name), f);
      } else if (param.required) {
        error(p, fmt::format("missing required key '{}' ({})", name, param.doc));
      }
    }
    const ClusterConfig& c = world_->cluster;
    if (f.kind == FaultSpec::Kind::kPartition) {
      // Either cut server routes (`servers`: one side) or cut agents off their servers
      // (`targets`).
      const json* servers = member(v, "servers");
      if (servers && member(v, "targets")) {
        error(child(p, "targets"),
              "give either 'servers' (cut routes between servers) or "
              "'targets' (cut agents off), not both",
              At::kKey);
      } else if (!servers && !member(v, "targets")) {
        error(p,
              "missing 'servers' (the servers on one side of the cut, e.g. [1]) or 'targets' "
              "(agents cut off their server)");
      } else if (servers && c.nats_servers < 2) {
        error(child(p, "servers"),
              "a partition between servers needs at least 2 NATS servers (cluster.nats_servers)");
      } else if (servers) {
        partition_servers(*servers, child(p, "servers"), f.servers);
      }
    }
    if (world_->pulse.nodes < info.min_pulse_nodes) {
      error(child(p, "kind"), standby_needed(info));
    }
    world_->faults.push_back(f);
  }

  static std::string standby_needed(const FaultKind& kind) {
    return fmt::format("{} needs a standby: set pulse.nodes to {} or more", kind.name,
                       kind.min_pulse_nodes);
  }

  // One parameter of a fault, checked against its row in the fault-kind table.
  void fault_param(const FaultParam& param, const json& x, const std::string& q, FaultSpec& f) {
    std::visit(
        [&](auto member) {
          using T = std::remove_reference_t<decltype(f.*member)>;
          T& out = f.*member;
          if constexpr (std::is_same_v<T, Selector>) {
            selector(x, q, out);
          } else if constexpr (std::is_same_v<T, double>) {
            number(x, q, param.min, param.max, out);
          } else if constexpr (std::is_same_v<T, int>) {
            // Integer parameters name a NATS server of this cluster.
            integer(x, q, static_cast<int>(param.min),
                    std::min(static_cast<int>(param.max), world_->cluster.nats_servers - 1), out);
          } else if constexpr (std::is_same_v<T, Duration>) {
            duration(x, q, param.sign, out);
          } else if constexpr (std::is_same_v<T, std::string>) {
            if (string(x, q, out) && out.empty()) {
              error(q, fmt::format("expected a non-empty string: {}", param.doc));
            }
          } else {
            partition_servers(x, q, out);
          }
        },
        param.member);
  }

  void partition_servers(const json& v, const std::string& p, std::vector<int>& out) {
    int n = world_->cluster.nats_servers;
    if (!v.is_array() || v.empty()) {
      error(p,
            "expected a non-empty array of server indexes (one side of the cut); got " + shown(v));
      return;
    }
    std::set<int> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      int s = 0;
      if (!integer(v[i], child(p, std::to_string(i)), 0, n - 1, s)) continue;
      if (!seen.insert(s).second) {
        error(child(p, std::to_string(i)), fmt::format("server {} is listed twice", s));
      }
      out.push_back(s);
    }
    if (static_cast<int>(seen.size()) >= n) {
      error(p, "every server is on one side: the partition would cut nothing");
    }
  }

  void swarm(const json& v, const std::string& p) {
    SwarmConfig& s = world_->swarm;
    if (!object(v, p, {"enabled", "faults", "kinds"})) return;
    s.enabled = true;
    opt(v, p, "enabled", [&](const json& x, const std::string& q) { boolean(x, q, s.enabled); });
    opt(v, p, "faults",
        [&](const json& x, const std::string& q) { integer(x, q, 0, 1000, s.faults); });
    opt(v, p, "kinds", [&](const json& x, const std::string& q) {
      if (!x.is_array()) {
        error(q, "expected an array of fault kinds; got " + shown(x));
        return;
      }
      std::set<std::string> seen;
      for (std::size_t i = 0; i < x.size(); ++i) {
        std::string name;
        std::string r = child(q, std::to_string(i));
        if (!choice(x[i], r, fault_kind_names(), name)) continue;
        if (!seen.insert(name).second) {
          error(r, fmt::format("fault kind '{}' is listed twice", name));
          continue;
        }
        auto kind = *parse_fault_kind(name);
        if (world_->pulse.nodes < fault_kind(kind).min_pulse_nodes) {
          error(r, standby_needed(fault_kind(kind)));
        }
        if (kind == FaultSpec::Kind::kPartition && world_->cluster.nats_servers < 2) {
          error(r, "a partition needs at least 2 NATS servers (cluster.nats_servers)");
        }
        s.kinds.push_back(kind);
      }
    });
  }

  void budgets(const json& v, const std::string& p) {
    if (!v.is_object()) {
      error(p, "expected an object of beats per operation type, e.g. {\"dht_store\": 4}; got " +
                   shown(v));
      return;
    }
    for (const auto& [type, beats] : v.items()) {
      std::string q = child(p, type);
      if (std::find(types_.begin(), types_.end(), type) == types_.end()) {
        unknown_type(q, type, At::kKey);
        continue;
      }
      int b = 0;
      if (integer(beats, q, 1, 1000, b)) world_->budgets[type] = b;
    }
  }

  // ---------------------------------------------------------------------------------------
  void assertions(const json& v, const std::string& p, std::vector<AssertionSpec>& out) {
    if (!v.is_array()) {
      error(p, "expected an array of assertions; got " + shown(v));
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      AssertionSpec spec;
      if (assertion(v[i], child(p, std::to_string(i)), spec)) out.push_back(spec);
    }
  }

  bool assertion(const json& v, const std::string& p, AssertionSpec& a) {
    using K = AssertionSpec::Kind;
    static const std::map<K, std::vector<std::string>> kKeys = {
        {K::kBeatsWithinBudget, {"types", "percentile", "beats"}},
        {K::kFailureRateAtMost, {"types", "max"}},
        {K::kNoClaimLost, {}},
        {K::kAgentsInSyncWithin, {"beats"}},
        {K::kDegradationAtMost, {"beats"}},
        {K::kBarReports,
         {"min_agents_reporting", "max_abs_tempo_drift_ms", "min_reports", "skip_first_bars"}},
        {K::kCompletedAtLeast, {"types", "count", "fraction"}},
        {K::kOverBudgetShareAtMost, {"types", "max"}},
        {K::kNonconformingClaimsAtMost, {"max"}},
    };
    static const std::vector<std::string> kAll = {"kind",
                                                  "name",
                                                  "types",
                                                  "percentile",
                                                  "beats",
                                                  "max",
                                                  "count",
                                                  "fraction",
                                                  "min_agents_reporting",
                                                  "max_abs_tempo_drift_ms",
                                                  "min_reports",
                                                  "skip_first_bars"};
    if (!v.is_object()) {
      error(p,
            "expected an assertion object such as {\"kind\": \"no_claim_lost\"}; got " + shown(v));
      return false;
    }
    const json* k = required(v, p, "kind", "the assertion kind");
    std::string name;
    if (!k || !choice(*k, child(p, "kind"), assertion_kind_names(), name)) {
      object(v, p, kAll);
      return false;
    }
    a.kind = *parse_assertion_kind(name);
    std::vector<std::string> allowed = {"kind", "name"};
    for (const std::string& key : kKeys.at(a.kind)) allowed.push_back(key);
    object(v, p, allowed, "assertion " + name, kAll);
    std::size_t before = errors_.size();
    opt(v, p, "name", [&](const json& x, const std::string& q) { string(x, q, a.name); });
    opt(v, p, "types", [&](const json& x, const std::string& q) {
      if (!x.is_array() || x.empty()) {
        error(q, "expected a non-empty array of operation types; got " + shown(x));
        return;
      }
      for (std::size_t i = 0; i < x.size(); ++i) {
        std::string t;
        std::string r = child(q, std::to_string(i));
        if (!string(x[i], r, t)) continue;
        if (std::find(types_.begin(), types_.end(), t) == types_.end()) {
          unknown_type(r, t);
          continue;
        }
        a.types.push_back(t);
      }
    });
    opt(v, p, "percentile", [&](const json& x, const std::string& q) {
      if (number(x, q, 0, 100, a.percentile) && a.percentile <= 0) {
        error(q, "expected a percentile in (0, 100], e.g. 95");
      }
    });
    auto need_number = [&](const char* key, double lo, double hi, std::optional<double>& out,
                           const char* what) {
      if (const json* x = required(v, p, key, what)) {
        double d = 0;
        if (number(*x, child(p, key), lo, hi, d)) out = d;
      }
    };
    switch (a.kind) {
      case K::kBeatsWithinBudget:
        opt(v, p, "beats", [&](const json& x, const std::string& q) {
          double d = 0;
          if (number(x, q, 0, 1e6, d)) a.beats = d;
        });
        break;
      case K::kFailureRateAtMost:
      case K::kOverBudgetShareAtMost: {
        std::optional<double> m;
        need_number("max", 0, 1, m, "the largest acceptable fraction, 0..1");
        a.max = m.value_or(0);
        break;
      }
      case K::kNonconformingClaimsAtMost: {
        std::optional<double> m;
        need_number("max", 0, 1e15, m, "the largest acceptable count");
        a.max = m.value_or(0);
        break;
      }
      case K::kAgentsInSyncWithin:
        need_number("beats", 0, 1e6, a.beats, "how many beats an agent may take to resync");
        break;
      case K::kDegradationAtMost:
        need_number("beats", 0, 1e6, a.beats, "the longest acceptable degradation in beats");
        break;
      case K::kBarReports: {
        opt(v, p, "min_agents_reporting", [&](const json& x, const std::string& q) {
          double d = 0;
          if (number(x, q, 0, 1, d)) a.min_agents_reporting = d;
        });
        opt(v, p, "max_abs_tempo_drift_ms", [&](const json& x, const std::string& q) {
          double d = 0;
          if (number(x, q, 0, 1e9, d)) a.max_abs_tempo_drift_ms = d;
        });
        opt(v, p, "min_reports", [&](const json& x, const std::string& q) {
          int n = 0;
          if (integer(x, q, 0, 100000000, n)) a.min_reports = n;
        });
        opt(v, p, "skip_first_bars", [&](const json& x, const std::string& q) {
          integer(x, q, 0, 100000000, a.skip_first_bars);
        });
        if (!member(v, "min_agents_reporting") && !member(v, "max_abs_tempo_drift_ms") &&
            !member(v, "min_reports")) {
          error(p,
                "bar_reports needs at least one condition: min_agents_reporting, "
                "max_abs_tempo_drift_ms or min_reports");
        }
        break;
      }
      case K::kCompletedAtLeast: {
        opt(v, p, "count", [&](const json& x, const std::string& q) {
          int n = 0;
          if (integer(x, q, 0, 100000000, n)) a.count = n;
        });
        opt(v, p, "fraction", [&](const json& x, const std::string& q) {
          double d = 0;
          if (number(x, q, 0, 1, d)) a.fraction = d;
        });
        if (!member(v, "count") && !member(v, "fraction")) {
          error(p, "completed_at_least needs 'count' (operations) or 'fraction' (of started)");
        }
        break;
      }
      case K::kNoClaimLost:
        break;
    }
    return errors_.size() == before;
  }

  std::string source_;
  JsonPositions positions_;
  std::vector<Override> overrides_;
  std::vector<Diagnostic> errors_;
  WorldConfig* world_ = nullptr;
  double tempo_ = 2.0;              // initial tempo: converts beats in durations
  std::vector<std::string> types_;  // workload operation types, in order
};

std::string stem_of(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

}  // namespace

LoadResult load_scenario_text(std::string_view text, const std::string& source_name,
                              const std::vector<std::string>& override_texts) {
  LoadResult result;
  if (std::optional<std::size_t> deep = offset_nested_deeper_than(text, kMaxJsonNesting)) {
    TextPosition pos = position_of_offset(text, *deep);
    result.errors.push_back(
        {fmt::format("{}:{}:{}", source_name, pos.line, pos.column), "",
         fmt::format("arrays and objects nested deeper than {} levels", kMaxJsonNesting)});
    return result;
  }
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true,
                      /*ignore_comments=*/true);
  } catch (const json::out_of_range& e) {
    // A number too large for a double (1e999): nlohmann names the literal but not where it is;
    // locate its first occurrence.
    std::string what = e.what();
    std::size_t open = what.find('\'');
    std::size_t close = what.rfind('\'');
    std::size_t offset = 0;
    if (open != std::string::npos && close > open) {
      std::size_t at = text.find(what.substr(open + 1, close - open - 1));
      if (at != std::string_view::npos) offset = at;
    }
    std::size_t cut = what.find("] ");
    TextPosition pos = position_of_offset(text, offset);
    result.errors.push_back(
        {fmt::format("{}:{}:{}", source_name, pos.line, pos.column), "",
         "not valid JSON: " + (cut == std::string::npos ? what : what.substr(cut + 2))});
    return result;
  } catch (const json::parse_error& e) {
    // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 3, column
    // 5: syntax error while parsing object - ..."; keep the part after the location.
    std::string what = e.what();
    std::size_t cut = what.find(": ");
    std::string detail = cut == std::string::npos ? what : what.substr(cut + 2);
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    TextPosition pos = position_of_offset(text, offset);
    result.errors.push_back({fmt::format("{}:{}:{}", source_name, pos.line, pos.column), "",
                             "not valid JSON: " + detail});
    return result;
  }
  JsonPositions positions = JsonPositions::scan(text);
  std::vector<std::string> duplicates = positions.duplicates();

  std::vector<Override> overrides;
  std::vector<Diagnostic> override_errors;
  for (const std::string& t : override_texts) {
    Result<Override> o = parse_override(t);
    if (!o.is_ok()) {
      // The status reads "<location>: <what>"; the diagnostic keeps them apart.
      const std::string location = "--set " + echo_override(t);
      override_errors.push_back({location, "", o.status().message().substr(location.size() + 2)});
      continue;
    }
    Status s = apply_override(doc, *o);
    if (!s.is_ok()) {
      const std::string location = "--set " + echo_override(t);
      override_errors.push_back({location, o->pointer, s.message().substr(location.size() + 2)});
      continue;
    }
    overrides.push_back(std::move(*o));
  }

  Loader loader(source_name, std::move(positions), std::move(overrides));
  for (const std::string& dup : duplicates) {
    loader.error(dup, "duplicate key: an earlier value for the same key would be ignored",
                 Loader::At::kKey);
  }
  Scenario scenario;
  scenario.name = stem_of(source_name);
  scenario.source = source_name;
  loader.load(doc, scenario);
  // Overrides' problems first, then the file's in text order.
  std::stable_sort(loader.errors().begin(), loader.errors().end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  result.errors = std::move(override_errors);
  for (Diagnostic& d : loader.errors()) result.errors.push_back(std::move(d));
  if (result.errors.empty()) {
    scenario.document = std::move(doc);
    result.scenario = std::move(scenario);
  }
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  // (An ifstream opens a directory and reads it as empty text: "not valid JSON" would mislead.)
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    LoadResult result;
    result.errors.push_back({path, "", "cannot open the scenario file: it is a directory"});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back({path, "", "cannot open the scenario file (does it exist?)"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    LoadResult result;
    result.errors.push_back({path, "", "cannot read the scenario file"});
    return result;
  }
  return load_scenario_text(text.str(), path, overrides);
}

}  // namespace backbeat::sim::scenario
