#include "sim/scenario/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <type_traits>
#include <variant>

#include "core/budget_profiles.h"
#include "core/contracts/field_rules.h"
#include "core/subject.h"
#include "sim/harness/backbeat_settings.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/budget_profile_choice.h"
#include "sim/scenario/did_you_mean.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/format_fields.h"
#include "sim/scenario/json_positions.h"
#include "sim/scenario/overrides.h"
#include "sim/world/fault_kinds.h"

namespace backbeat::sim::scenario {
namespace {

using json = nlohmann::json;

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

// A short rendering of an offending value for messages.
std::string shown(const json& v) {
  std::string text = v.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return fmt::format("{} ({})", text, v.type_name());
}

// The largest run: agents times beats (at the highest tempo the run reaches). About an hour of
// CPU at ~200k agent-beats a second; thousands_of_agents is 120000.
constexpr double kMaxAgentBeats = 1e9;

bool valid_identifier(const std::string& s, bool allow_upper) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              (allow_upper && c >= 'A' && c <= 'Z');
    if (!ok) return false;
  }
  return true;
}

class Loader {
 public:
  Loader(std::string source, JsonPositions positions, std::vector<Override> overrides)
      : source_(std::move(source)),
        positions_(std::move(positions)),
        overrides_(std::move(overrides)) {}

  // The first kMaxDiagnostics problems in report order (see keep()); found() counts them all.
  std::vector<Diagnostic> take_errors() {
    trim();
    return std::move(errors_);
  }
  std::size_t found() const { return found_; }
  std::size_t found_in_overrides() const { return found_in_overrides_; }

  enum class At { kValue, kKey };

  void error(const std::string& pointer, std::string message, At at = At::kValue) {
    Diagnostic d;
    d.pointer = pointer;
    d.message = std::move(message);
    // A value that came from --set is reported against the override, not the file: the last
    // override that supplied it (a later --set of the same path replaced the earlier one).
    for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
      const Override& o = *it;
      if (pointer == o.origin || pointer.starts_with(o.origin + "/")) {
        d.location = "--set " + echo_override(o.text);
        ++found_in_overrides_;
        keep(std::move(d));
        return;
      }
    }
    std::optional<TextPosition> pos =
        at == At::kKey ? positions_.key(pointer) : positions_.value(pointer);
    TextPosition p = pos ? *pos : positions_.best(pointer);
    d.location = fmt::format("{}:{}:{}", source_, p.line, p.column);
    d.line = p.line;
    d.column = p.column;
    keep(std::move(d));
  }

  // Keeps the first kMaxDiagnostics problems in report order: --set overrides (line 0) first,
  // then text order, ties in the order found. Trimming in batches keeps it linear in the
  // number of problems, with memory bounded whatever that number is.
  void keep(Diagnostic d) {
    ++found_;
    errors_.push_back(std::move(d));
    if (errors_.size() >= 2 * kMaxDiagnostics) trim();
  }

  void trim() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    if (errors_.size() > kMaxDiagnostics) {
      errors_.erase(errors_.begin() + static_cast<std::ptrdiff_t>(kMaxDiagnostics), errors_.end());
    }
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
    std::string expected;  // the same list for every unknown key: joined once
    for (const auto& [key, value] : v.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      if (expected.empty()) expected = join(allowed);
      std::string member = ptr + "/" + escape_pointer_token(key);
      if (std::find(elsewhere.begin(), elsewhere.end(), key) != elsewhere.end()) {
        error(member,
              fmt::format("key '{}' does not apply to {}; expected one of: {}", key, context,
                          expected),
              At::kKey);
        continue;
      }
      std::string message = fmt::format("unknown key '{}'", key);
      if (auto guess = did_you_mean(key, allowed))
        message += fmt::format("; did you mean '{}'?", *guess);
      message += fmt::format(" (expected one of: {})", expected);
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

  // ---------------------------------------------------------------------------------------
  // Table-driven reads: the type and range come from the field's row (format_fields.h).
  bool number(const json& v, const std::string& ptr, const Field& f, double& out) {
    double d = 0;
    if (!number(v, ptr, f.min, f.max, d)) return false;
    if ((f.exclusive_min && d <= f.min) || (f.exclusive_max && d >= f.max)) {
      error(ptr, fmt::format("expected a number in {} ({}); got {:g}", range_text(f), f.doc, d));
      return false;
    }
    out = d;
    return true;
  }

  // `max` tightens the table's range to this cluster (e.g. a server index).
  bool integer(const json& v, const std::string& ptr, const Field& f, int& out,
               int max = std::numeric_limits<int>::max()) {
    int n = 0;
    if (!integer(v, ptr, static_cast<int>(f.min), std::min(static_cast<int>(f.max), max), n)) {
      return false;
    }
    if (!f.choices.empty() &&
        std::find(f.choices.begin(), f.choices.end(), std::to_string(n)) == f.choices.end()) {
      error(ptr, fmt::format("expected {} ({}); got {}", join(f.choices, " or "), f.doc, n));
      return false;
    }
    out = n;
    return true;
  }

  bool integer(const json& v, const std::string& ptr, const Field& f, std::int64_t& out) {
    return integer(v, ptr, static_cast<std::int64_t>(f.min), static_cast<std::int64_t>(f.max), out);
  }

  bool duration(const json& v, const std::string& ptr, const Field& f, Duration& out) {
    return duration(v, ptr, f.sign, out);
  }

  bool choice(const json& v, const std::string& ptr, const Field& f, std::string& out) {
    return choice(v, ptr, f.choices, out);
  }

  // Whether the array `v` (anything else passes) has at most its row's cap of entries; checked
  // before any entry is read, so a million-entry list costs one message, not a million.
  bool within_cap(const json& v, const std::string& ptr, const Field& f) {
    if (!v.is_array() || static_cast<double>(v.size()) <= f.max) return true;
    error(ptr, fmt::format("too many entries: {}; at most {:g} are allowed here ({})", v.size(),
                           f.max, f.doc));
    return false;
  }

  // Reports a missing required member at the object, with the field's doc.
  const json* required(const json& obj, const std::string& ptr, const Field& f) {
    std::string key = f.pointer.substr(f.pointer.rfind('/') + 1);
    return required(obj, ptr, key.c_str(), f.doc);
  }

  // The table's rules between sibling keys (format_fields.h: scenario_key_rules()).
  void key_rules(const json& v, std::string_view pattern, const std::string& ptr,
                 std::string_view variant = "") {
    for (const KeyRule& rule : scenario_key_rules()) {
      if (rule.object != pattern || rule.variant != variant) continue;
      std::vector<std::string> present;
      std::vector<std::string> described;
      for (const std::string& key : rule.keys) {
        if (member(v, key.c_str())) present.push_back(key);
        described.push_back(
            fmt::format("'{}' ({})", key, field(std::string(pattern) + "/" + key, variant).doc));
      }
      if (rule.kind != KeyRule::Kind::kAtLeastOne && present.size() > 1) {
        error(child(ptr, present[1]),
              fmt::format("give either '{}' or '{}', not both", present[0], present[1]), At::kKey);
      } else if (rule.kind != KeyRule::Kind::kAtMostOne && present.empty()) {
        error(ptr, fmt::format("missing {}", join(described, " or ")));
      }
    }
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
            "expected a selector string (all, agent:N, agents:A-B, agents:A-B,N,..., group:NAME, "
            "random:P%, server:N); got " +
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
      case Selector::Kind::kAgentList:
        if (s->agents.back() >= agents) {
          error(ptr, fmt::format("selector '{}' names agent {}, but the cluster has agents 0..{}",
                                 echo_text(v.get<std::string>()), s->agents.back(), agents - 1));
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

  // "expect": "pass" | "fail" | {"verdict": "fail", "failing": [assertion names]}.
  void expect(const json& v, const std::string& p, Scenario& sc) {
    std::string verdict;
    if (!v.is_object()) {
      if (choice(v, p, {"pass", "fail"}, verdict))
        sc.expect = verdict == "pass" ? Verdict::kPass : Verdict::kFail;
      return;
    }
    if (!object(v, p, keys_of("/expect"))) return;
    const json* given = required(v, p, "verdict", "\"pass\" or \"fail\"");
    if (!given || !choice(*given, child(p, "verdict"), {"pass", "fail"}, verdict)) return;
    sc.expect = verdict == "pass" ? Verdict::kPass : Verdict::kFail;
    opt(v, p, "failing", [&](const json& x, const std::string& q) {
      if (!within_cap(x, q, field("/expect/failing"))) return;
      if (!x.is_array() || (x.empty() && sc.expect == Verdict::kFail)) {
        error(q, "expected a non-empty array of the names of the assertions that fail; got " +
                     shown(x));
        return;
      }
      if (sc.expect == Verdict::kPass && !x.empty()) {
        error(q, "a scenario that expects \"pass\" has no failing assertions; expected []");
        return;
      }
      std::vector<std::string> names;
      for (std::size_t i = 0; i < x.size(); ++i) {
        std::string name;
        std::string r = child(q, std::to_string(i));
        if (!string(x[i], r, name)) continue;
        if (std::find(names.begin(), names.end(), name) != names.end()) {
          error(r, fmt::format("assertion '{}' is listed twice", name));
          continue;
        }
        names.push_back(std::move(name));
      }
      sc.expect_failing = std::move(names);
    });
  }

  // ---------------------------------------------------------------------------------------
  void load(const json& doc, Scenario& sc) {
    world_ = &sc.world;
    const std::string root;
    if (!object(doc, root, keys_of(""))) return;
    if (const json* v = required(doc, root, field("/version"))) {
      std::int64_t version = 0;
      if (v->is_number_integer() && v->get<std::int64_t>() != kScenarioVersion) {
        error("/version", fmt::format("unsupported version {}; this backbeat-sim reads version {}",
                                      v->get<std::int64_t>(), kScenarioVersion));
      } else if (integer(*v, "/version", field("/version"), version)) {
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
    opt(doc, root, "expect", [&](const json& v, const std::string& p) { expect(v, p, sc); });
    opt(doc, root, "trace", [&](const json& v, const std::string& p) {
      if (!object(v, p, keys_of("/trace"))) return;
      opt(v, p, "record_deliveries", [&](const json& b, const std::string& q) {
        boolean(b, q, sc.world.record_deliveries_in_trace);
      });
    });

    // Order matters: the pulse gives the tempo that converts beats; the cluster resolves
    // selectors; the run duration bounds every time on the timeline.
    opt(doc, root, "pulse", [&](const json& v, const std::string& p) { pulse_tempo(v, p); });
    opt(doc, root, "duration", [&](const json& v, const std::string& p) {
      duration(v, p, field("/duration"), sc.world.duration);
    });
    opt(doc, root, "cluster", [&](const json& v, const std::string& p) { cluster(v, p); });
    opt(doc, root, "pulse", [&](const json& v, const std::string& p) { pulse(v, p); });
    opt(doc, root, "workload", [&](const json& v, const std::string& p) { workload(v, p); });
    opt(doc, root, "faults", [&](const json& v, const std::string& p) { faults(v, p); });
    opt(doc, root, "swarm", [&](const json& v, const std::string& p) { swarm(v, p); });
    opt(doc, root, "budgets", [&](const json& v, const std::string& p) { budgets(v, p); });
    opt(doc, root, "budget_profiles",
        [&](const json& v, const std::string& p) { budget_profiles(v, p); });
    opt(doc, root, "budget_profile",
        [&](const json& v, const std::string& p) { string(v, p, sc.world.budget_profile.name); });
    opt(doc, root, "adaptive_budgets",
        [&](const json& v, const std::string& p) { adaptive_budgets(v, p); });
    opt(doc, root, "budget_warnings",
        [&](const json& v, const std::string& p) { budget_warnings(v, p); });
    opt(doc, root, "admission", [&](const json& v, const std::string& p) { admission(v, p); });
    opt(doc, root, "assertions",
        [&](const json& v, const std::string& p) { assertions(v, p, sc.assertions); });

    if (found_ == 0) run_size();
    if (found_ == 0) select_budget_profile();
    if (found_ == 0) {
      if (std::optional<ConfigProblem> problem = sc.world.first_problem()) {
        error(problem->pointer, problem->message);
      }
    }
  }

  // The run's work grows with agents times beats; each is capped alone, and so is their product,
  // so that a typo ("1000h" for 100000 agents) is refused, not simulated for a day.
  void run_size() {
    const PulseConfig& pc = world_->pulse;
    double bpm = pc.tempo_bpm;
    for (const TempoChange& change : pc.tempo_changes) bpm = std::max(bpm, change.tempo_bpm);
    const double beats = std::ceil(to_seconds(world_->duration) * bpm / 60.0);
    const double agents = world_->cluster.agent_count();
    if (agents * beats <= kMaxAgentBeats) return;
    error("/duration",
          fmt::format("the run is too large: {:.0f} agents x {:.0f} beats ({} at up to {:g} BPM) "
                      "= {:.3g} agent-beats; at most {:.0g} (shorten the duration, or use fewer "
                      "agents or a lower tempo)",
                      agents, beats, format_duration(world_->duration), bpm, agents * beats,
                      kMaxAgentBeats));
  }

 private:
  // ---------------------------------------------------------------------------------------
  void pulse_tempo(const json& v, const std::string& p) {
    if (!v.is_object()) return;  // reported by pulse()
    if (const json* t = member(v, "tempo_bpm"); t && t->is_number()) {
      const Field& f = field("/pulse/tempo_bpm");
      double bpm = t->get<double>();
      if (bpm >= f.min && bpm <= f.max) tempo_ = bpm;
    }
    (void)p;
  }

  void cluster(const json& v, const std::string& p) {
    ClusterConfig& c = world_->cluster;
    if (!object(v, p, keys_of("/cluster"))) return;
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
      integer(x, q, field("/cluster/nats_servers"), c.nats_servers);
    });
    const json* agents = member(v, "agents");
    const json* groups = member(v, "groups");
    key_rules(v, "/cluster", p);
    if (agents) {
      int n = 0;
      if (integer(*agents, child(p, "agents"), field("/cluster/agents"), n)) {
        c.groups = {AgentGroup{}};
        c.groups[0].count = n;
      }
    } else if (groups) {
      agent_groups(*groups, child(p, "groups"));
    }
    opt(v, p, "links", [&](const json& x, const std::string& q) { links(x, q); });
    opt(v, p, "pulse_link_latency", [&](const json& x, const std::string& q) {
      duration(x, q, field("/cluster/pulse_link_latency"), c.pulse_link_latency);
    });
    opt(v, p, "reverb_link_latency", [&](const json& x, const std::string& q) {
      duration(x, q, field("/cluster/reverb_link_latency"), c.reverb_link_latency);
    });
    opt(v, p, "nats", [&](const json& x, const std::string& q) {
      NatsBehaviour& n = c.nats;
      if (!object(x, q, keys_of("/cluster/nats"))) return;
      opt(x, q, "detection_delay", [&](const json& y, const std::string& r) {
        duration(y, r, field("/cluster/nats/detection_delay"), n.detection_delay);
      });
      opt(x, q, "reconnect_wait", [&](const json& y, const std::string& r) {
        duration(y, r, field("/cluster/nats/reconnect_wait"), n.reconnect_wait);
      });
      opt(x, q, "max_reconnect_attempts", [&](const json& y, const std::string& r) {
        integer(y, r, field("/cluster/nats/max_reconnect_attempts"), n.max_reconnect_attempts);
      });
      opt(x, q, "reconnect_buffer_bytes", [&](const json& y, const std::string& r) {
        integer(y, r, field("/cluster/nats/reconnect_buffer_bytes"), n.reconnect_buffer_bytes);
      });
      opt(x, q, "pending_limit", [&](const json& y, const std::string& r) {
        integer(y, r, field("/cluster/nats/pending_limit"), n.pending_limit);
      });
    });
  }

  void agent_groups(const json& v, const std::string& p) {
    ClusterConfig& c = world_->cluster;
    if (!v.is_array() || v.empty()) {
      error(p, "expected a non-empty array of groups; got " + shown(v));
      return;
    }
    if (!within_cap(v, p, field("/cluster/groups"))) return;
    c.groups.clear();
    std::set<std::string> names;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& g = v[i];
      std::string q = child(p, std::to_string(i));
      AgentGroup group;
      group.name = fmt::format("group{}", i);
      const std::string G = "/cluster/groups/*/";
      if (object(g, q, keys_of("/cluster/groups/*"))) {
        opt(g, q, "name", [&](const json& x, const std::string& r) {
          std::string name;
          if (!string(x, r, name)) return;
          if (!valid_identifier(name, true)) {
            error(r, fmt::format("expected 1..64 characters of [A-Za-z0-9_-]; got \"{}\"", name));
            return;
          }
          group.name = name;
        });
        if (const json* n = required(g, q, field(G + "count"))) {
          integer(*n, child(q, "count"), field(G + "count"), group.count);
        }
        opt(g, q, "server", [&](const json& x, const std::string& r) {
          integer(x, r, field(G + "server"), group.server, c.nats_servers - 1);
        });
        opt(g, q, "clock_skew_ppm", [&](const json& x, const std::string& r) {
          number(x, r, field(G + "clock_skew_ppm"), group.clock_skew_ppm);
        });
        opt(g, q, "clock_offset", [&](const json& x, const std::string& r) {
          duration(x, r, field(G + "clock_offset"), group.clock_offset);
        });
        opt(g, q, "link_latency", [&](const json& x, const std::string& r) {
          duration(x, r, field(G + "link_latency"), group.link_latency);
        });
        opt(g, q, "link_jitter", [&](const json& x, const std::string& r) {
          duration(x, r, field(G + "link_jitter"), group.link_jitter);
        });
        opt(g, q, "slow_factor", [&](const json& x, const std::string& r) {
          number(x, r, field(G + "slow_factor"), group.slow_factor);
        });
        opt(g, q, "claim_states", [&](const json& x, const std::string& r) {
          std::string words;
          if (choice(x, r, field(G + "claim_states"), words)) {
            group.claim_state_words =
                words == "legacy" ? ClaimStateWords::kLegacy : ClaimStateWords::kContract;
          }
        });
        opt(g, q, "enabled",
            [&](const json& x, const std::string& r) { boolean(x, r, group.backbeat_enabled); });
        opt(g, q, "cluster_id", [&](const json& x, const std::string& r) {
          std::string id;
          if (!string(x, r, id)) return;
          if (!valid_identifier(id, true)) {
            error(r, fmt::format("expected 1..64 characters of [A-Za-z0-9_-]; got \"{}\"", id));
            return;
          }
          group.cluster_id = id;
        });
        opt(g, q, "agent_id_prefix", [&](const json& x, const std::string& r) {
          std::string prefix;
          if (!string(x, r, prefix)) return;
          if (Status s = check_agent_id_prefix(prefix); !s) {
            error(r, s.message());
            return;
          }
          group.agent_id_prefix = prefix;
        });
      }
      if (!names.insert(group.name).second) {
        error(child(q, "name"), fmt::format("duplicate group name '{}'", group.name));
      }
      total += group.count;
      c.groups.push_back(group);
    }
    if (total < 1) error(p, "expected at least one agent in total");
    if (const double most = field("/cluster/agents").max; total > most) {
      error(p, fmt::format("expected at most {:g} agents in total; got {}", most, total));
    }
  }

  void links(const json& v, const std::string& p) {
    ClusterConfig& c = world_->cluster;
    if (!v.is_array()) {
      error(p, "expected an array of links between NATS servers; got " + shown(v));
      return;
    }
    if (v.empty()) {  // not read as "the default": [] says "no routes", which is not that
      error(p, "an empty list is refused: leave \"links\" out for a full mesh of default routes");
      return;
    }
    if (!within_cap(v, p, field("/cluster/links"))) return;
    std::set<std::pair<int, int>> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& l = v[i];
      std::string q = child(p, std::to_string(i));
      ServerLink link;
      const std::string L = "/cluster/links/*/";
      if (!object(l, q, keys_of("/cluster/links/*"))) continue;
      if (const json* b = required(l, q, field(L + "between"))) {
        std::string r = child(q, "between");
        if (!b->is_array() || b->size() != 2) {
          error(r, "expected two server indexes, e.g. [0, 1]; got " + shown(*b));
        } else {
          const Field& index = field(L + "between/*");
          bool ok = integer((*b)[0], child(r, "0"), index, link.a, c.nats_servers - 1);
          ok = integer((*b)[1], child(r, "1"), index, link.b, c.nats_servers - 1) && ok;
          if (ok && link.a == link.b) error(r, "expected two different servers");
          if (ok && !seen.insert(std::minmax(link.a, link.b)).second) {
            error(r, fmt::format("duplicate link between servers {} and {}", link.a, link.b));
          }
        }
      }
      opt(l, q, "latency", [&](const json& x, const std::string& r) {
        duration(x, r, field(L + "latency"), link.latency);
      });
      opt(l, q, "jitter", [&](const json& x, const std::string& r) {
        duration(x, r, field(L + "jitter"), link.jitter);
      });
      opt(l, q, "loss",
          [&](const json& x, const std::string& r) { number(x, r, field(L + "loss"), link.loss); });
      c.server_links.push_back(link);
    }
  }

  // ---------------------------------------------------------------------------------------
  void pulse(const json& v, const std::string& p) {
    PulseConfig& pc = world_->pulse;
    if (!object(v, p, keys_of("/pulse"))) return;
    opt(v, p, "tempo_bpm", [&](const json& x, const std::string& q) {
      number(x, q, field("/pulse/tempo_bpm"), pc.tempo_bpm);
    });
    opt(v, p, "bar_length", [&](const json& x, const std::string& q) {
      integer(x, q, field("/pulse/bar_length"), pc.bar_length);
    });
    opt(v, p, "frames_per_beat", [&](const json& x, const std::string& q) {
      integer(x, q, field("/pulse/frames_per_beat"), pc.frames_per_beat);
    });
    opt(v, p, "nodes", [&](const json& x, const std::string& q) {
      integer(x, q, field("/pulse/nodes"), pc.nodes);
    });
    opt(v, p, "drift", [&](const json& x, const std::string& q) { drift(x, q); });
    opt(v, p, "tempo_changes", [&](const json& x, const std::string& q) { tempo_changes(x, q); });
  }

  void drift(const json& v, const std::string& p) {
    DriftModel& d = world_->pulse.drift;
    const std::string D = "/pulse/drift";
    if (!v.is_object()) {
      error(p, "expected an object such as {\"model\": \"linear\", \"ppm\": 50}; got " + shown(v));
      return;
    }
    std::string model = "none";
    if (const json* m = required(v, p, field(D + "/model"))) {
      if (!choice(*m, child(p, "model"), field(D + "/model"), model)) {
        object(v, p, keys_of(D));
        return;
      }
    }
    object(v, p, keys_of(D, model), "drift model " + model, keys_of(D));
    if (model == "none") d.kind = DriftModel::Kind::kNone;
    if (model == "linear") d.kind = DriftModel::Kind::kLinear;
    if (model == "periodic") d.kind = DriftModel::Kind::kPeriodic;
    if (model == "step") d.kind = DriftModel::Kind::kStep;
    if (model == "non_ideal") d.kind = DriftModel::Kind::kNonIdeal;
    // The model's keys: required ones must be there; each is checked against its row.
    for (const std::string& key : keys_of(D, model)) {
      const Field& f = field(D + "/" + key, model);
      const json* x = member(v, key.c_str());
      if (!x) {
        if (f.required) required(v, p, f);
        continue;
      }
      std::string q = child(p, key);
      if (key == "ppm") number(*x, q, f, d.ppm);
      if (key == "amplitude_ppm") number(*x, q, f, d.amplitude_ppm);
      if (key == "period") duration(*x, q, f, d.period);
      if (key == "jitter") duration(*x, q, f, d.jitter);
      if (key == "step_at" && duration(*x, q, f, d.step_at) && d.step_at >= world_->duration) {
        error(q, fmt::format("the step at {} is not before the end of the run ({})",
                             format_duration(d.step_at), format_duration(world_->duration)));
      }
    }
  }

  void tempo_changes(const json& v, const std::string& p) {
    if (!v.is_array()) {
      error(p, "expected an array of {\"at\": ..., \"tempo_bpm\": ...}; got " + shown(v));
      return;
    }
    if (!within_cap(v, p, field("/pulse/tempo_changes"))) return;
    Duration previous = Duration(-1);
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string q = child(p, std::to_string(i));
      TempoChange change;
      const std::string C = "/pulse/tempo_changes/*/";
      if (!object(v[i], q, keys_of("/pulse/tempo_changes/*"))) continue;
      if (const json* at = required(v[i], q, field(C + "at"))) {
        std::string r = child(q, "at");
        if (duration(*at, r, field(C + "at"), change.at)) {
          if (change.at >= world_->duration) {
            error(r, fmt::format("the change at {} is not before the end of the run ({})",
                                 format_duration(change.at), format_duration(world_->duration)));
          } else if (change.at <= previous) {
            error(r, "expected tempo changes in increasing order of 'at'");
          }
          previous = change.at;
        }
      }
      if (const json* t = required(v[i], q, field(C + "tempo_bpm"))) {
        number(*t, child(q, "tempo_bpm"), field(C + "tempo_bpm"), change.tempo_bpm);
      }
      world_->pulse.tempo_changes.push_back(change);
    }
  }

  // ---------------------------------------------------------------------------------------
  void workload(const json& v, const std::string& p) {
    WorkloadConfig& w = world_->workload;
    if (!object(v, p, keys_of("/workload"))) return;
    opt(v, p, "start_after", [&](const json& x, const std::string& q) {
      if (duration(x, q, field("/workload/start_after"), w.start_after) &&
          w.start_after >= world_->duration) {
        // Often a short run at a slow tempo ("2 beats" at 2 BPM is a minute): say what fits it.
        error(q, fmt::format("the workload would start at {} ({} at {:g} BPM), after the run ends "
                             "({}); lengthen the run or raise the tempo (pulse.tempo_bpm; live: "
                             "--tempo)",
                             format_duration(w.start_after), x.dump(), world_->pulse.tempo_bpm,
                             format_duration(world_->duration)));
      }
    });
    opt(v, p, "capacity_per_agent", [&](const json& x, const std::string& q) {
      integer(x, q, field("/workload/capacity_per_agent"), w.capacity_per_agent);
    });
    const json* ops = member(v, "operations");
    if (!ops) {  // workflow steps then name no known type: say so
      opt(v, p, "workflows", [&](const json& x, const std::string& r) { workflows(x, r); });
      return;
    }
    std::string q = child(p, "operations");
    if (!ops->is_array()) {
      error(q, "expected an array of operation workloads; got " + shown(*ops));
      return;
    }
    if (!within_cap(*ops, q, field("/workload/operations"))) return;
    // Types first, so depends_on can refer forwards.
    for (const json& op : *ops) {
      if (op.is_object() && op.contains("type") && op["type"].is_string()) {
        types_.push_back(op["type"].get<std::string>());
      }
    }
    for (std::size_t i = 0; i < ops->size(); ++i) operation((*ops)[i], child(q, std::to_string(i)));
    dependency_cycles(q);
    opt(v, p, "workflows", [&](const json& x, const std::string& r) { workflows(x, r); });
    // Every counted operation is planned up front: the per-type cap holds for their sum too.
    std::int64_t total = 0;
    for (const OperationWorkload& op : w.operations) total += op.count;
    if (const double most = field("/workload/operations/*/count").max; total > most) {
      error(q, fmt::format("too many operations: the counts add up to {}; at most {:.0f} in total",
                           total, most));
    }
  }

  void operation(const json& v, const std::string& p) {
    OperationWorkload op;
    const std::string O = "/workload/operations/*/";
    if (!object(v, p, keys_of("/workload/operations/*"))) return;
    if (const json* t = required(v, p, field(O + "type"))) {
      std::string q = child(p, "type");
      if (string(*t, q, op.type) && !valid_identifier(op.type, false)) {
        error(q, fmt::format("expected an operation type of 1..64 characters of [a-z0-9_-]; got "
                             "\"{}\"",
                             op.type));
      }
    }
    key_rules(v, "/workload/operations/*", p);
    if (const json* count = member(v, "count")) {
      integer(*count, child(p, "count"), field(O + "count"), op.count);
    }
    if (const json* rate = member(v, "rate_per_beat")) {
      number(*rate, child(p, "rate_per_beat"), field(O + "rate_per_beat"), op.rate_per_beat);
    }
    opt(v, p, "duration",
        [&](const json& x, const std::string& q) { distribution(x, q, op.duration); });
    opt(v, p, "estimated_beats", [&](const json& x, const std::string& q) {
      integer(x, q, field(O + "estimated_beats"), op.estimated_beats);
    });
    opt(v, p, "failure_probability", [&](const json& x, const std::string& q) {
      number(x, q, field(O + "failure_probability"), op.failure_probability);
    });
    opt(v, p, "cut_off", [&](const json& x, const std::string& q) { boolean(x, q, op.cut_off); });
    opt(v, p, "phases", [&](const json& x, const std::string& q) { phases(x, q, op.phases); });
    opt(v, p, "depends_on", [&](const json& x, const std::string& q) {
      if (!string(x, q, op.depends_on)) return;
      if (op.depends_on == op.type) {
        error(q, fmt::format("operation type '{}' cannot depend on itself", op.type));
      } else if (std::find(types_.begin(), types_.end(), op.depends_on) == types_.end()) {
        unknown_type(q, op.depends_on);
      }
    });
    opt(v, p, "priority", [&](const json& x, const std::string& q) {
      std::string name;
      if (choice(x, q, field(O + "priority"), name)) op.priority = parse_operation_priority(name);
    });
    opt(v, p, "agents", [&](const json& x, const std::string& q) { selector(x, q, op.agents); });
    world_->workload.operations.push_back(op);
  }

  // {"connecting": f, "negotiating": f, "executing": f}: fractions of the operation's duration
  // at which the seed's phases begin; each optional, strictly increasing inside (0, 1).
  void phases(const json& v, const std::string& p, std::array<double, 3>& out) {
    const std::string P = "/workload/operations/*/phases";
    const std::vector<std::string> names = keys_of(P);
    if (!object(v, p, names)) return;
    for (std::size_t i = 0; i < names.size() && i < out.size(); ++i) {
      opt(v, p, names[i].c_str(), [&](const json& x, const std::string& q) {
        number(x, q, field(P + "/" + names[i]), out[i]);
      });
    }
    if (!(out[0] < out[1] && out[1] < out[2])) {
      error(p, fmt::format("expected connecting < negotiating < executing; got {:g}, {:g}, {:g}",
                           out[0], out[1], out[2]));
    }
  }

  // Workflow templates (sim/world/world_config.h WorkflowWorkload); needs the operation types.
  void workflows(const json& v, const std::string& p) {
    const std::string W = "/workload/workflows";
    if (!v.is_array()) {
      error(p, "expected an array of workflow templates; got " + shown(v));
      return;
    }
    if (!within_cap(v, p, field(W))) return;
    for (std::size_t i = 0; i < v.size(); ++i) workflow(v[i], child(p, std::to_string(i)));
  }

  void workflow(const json& v, const std::string& p) {
    const std::string W = "/workload/workflows/*/";
    WorkflowWorkload wf;
    if (!object(v, p, keys_of("/workload/workflows/*"))) return;
    if (const json* n = required(v, p, field(W + "name"))) {
      std::string q = child(p, "name");
      if (string(*n, q, wf.name) && !valid_identifier(wf.name, false)) {
        error(q, fmt::format("expected a workflow name of 1..64 characters of [a-z0-9_-]; got "
                             "\"{}\"",
                             wf.name));
      }
    }
    key_rules(v, "/workload/workflows/*", p);
    opt(v, p, "count",
        [&](const json& x, const std::string& q) { integer(x, q, field(W + "count"), wf.count); });
    opt(v, p, "rate_per_beat", [&](const json& x, const std::string& q) {
      number(x, q, field(W + "rate_per_beat"), wf.rate_per_beat);
    });
    opt(v, p, "agents", [&](const json& x, const std::string& q) { selector(x, q, wf.agents); });
    const json* steps = required(v, p, field(W + "steps"));
    const std::string q = child(p, "steps");
    if (steps && (!steps->is_array() || steps->empty())) {
      error(q, "expected a non-empty array of steps; got " + shown(*steps));
    } else if (steps && within_cap(*steps, q, field(W + "steps"))) {
      for (std::size_t i = 0; i < steps->size(); ++i)
        workflow_step((*steps)[i], child(q, std::to_string(i)), wf);
      std::map<std::string, std::set<std::string>> edges;
      const bool aligned = wf.steps.size() == steps->size();  // no step was skipped
      for (std::size_t i = 0; i < wf.steps.size(); ++i) {
        const WorkflowStep& step = wf.steps[i];
        for (std::size_t j = 0; j < step.after.size(); ++j) {
          const std::string& a = step.after[j];
          if (std::none_of(wf.steps.begin(), wf.steps.end(),
                           [&](const WorkflowStep& s) { return s.name == a; })) {
            std::vector<std::string> names;
            for (const WorkflowStep& s : wf.steps) names.push_back(s.name);
            std::string message =
                fmt::format("step '{}' comes after '{}', which is no step of workflow '{}'",
                            step.name, a, wf.name);
            if (auto guess = did_you_mean(a, names))
              message += fmt::format("; did you mean '{}'?", *guess);
            error(
                aligned ? child(child(child(q, std::to_string(i)), "after"), std::to_string(j)) : q,
                message + fmt::format(" (steps: {})", join(names)));
          }
          edges[step.name].insert(a);
        }
      }
      cycles(edges, q, fmt::format("cycle between the steps of workflow '{}'", wf.name));
    }
    world_->workload.workflows.push_back(std::move(wf));
  }

  void workflow_step(const json& v, const std::string& p, WorkflowWorkload& wf) {
    const std::string S = "/workload/workflows/*/steps/*/";
    WorkflowStep step;
    if (!object(v, p, keys_of("/workload/workflows/*/steps/*"))) return;
    if (const json* t = required(v, p, field(S + "type"))) {
      std::string q = child(p, "type");
      if (string(*t, q, step.type) &&
          std::find(types_.begin(), types_.end(), step.type) == types_.end()) {
        unknown_type(q, step.type);
      }
    }
    step.name = step.type;
    opt(v, p, "name", [&](const json& x, const std::string& q) {
      if (string(x, q, step.name) && !valid_identifier(step.name, false)) {
        error(q, fmt::format("expected a step name of 1..64 characters of [a-z0-9_-]; got \"{}\"",
                             step.name));
      }
    });
    if (std::any_of(wf.steps.begin(), wf.steps.end(),
                    [&](const WorkflowStep& s) { return s.name == step.name; })) {
      error(p, fmt::format("workflow '{}' has two steps named '{}'; give one a \"name\"", wf.name,
                           step.name));
    }
    opt(v, p, "after", [&](const json& x, const std::string& q) {
      if (!x.is_array()) {
        error(q, "expected an array of step names; got " + shown(x));
        return;
      }
      if (!within_cap(x, q, field(S + "after"))) return;
      for (std::size_t i = 0; i < x.size(); ++i) {
        std::string name;
        std::string r = child(q, std::to_string(i));
        if (!string(x[i], r, name)) continue;
        if (std::find(step.after.begin(), step.after.end(), name) != step.after.end()) {
          error(r, fmt::format("step '{}' is listed twice", name));
          continue;
        }
        step.after.push_back(std::move(name));
      }
    });
    wf.steps.push_back(std::move(step));
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
    cycles(edges, ptr, "dependency cycle");
  }

  // Reports the first cycle of `edges` (node -> the nodes it waits for) at `ptr` as
  // "<what>: a -> b -> a".
  void cycles(std::map<std::string, std::set<std::string>> edges, const std::string& ptr,
              std::string_view what) {
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
          error(ptr, fmt::format("{}: {}{}", what, cycle, next));
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
    const std::string D = "/workload/operations/*/duration";
    if (!v.is_object()) {
      error(p,
            "expected a number of beats, a duration string, or an object such as "
            "{\"distribution\": \"uniform\", \"min\": 1, \"max\": 3}; got " +
                shown(v));
      return;
    }
    std::string kind;
    const json* k = required(v, p, field(D + "/distribution"));
    if (!k || !choice(*k, child(p, "distribution"), field(D + "/distribution"), kind)) {
      object(v, p, keys_of(D));
      return;
    }
    object(v, p, keys_of(D, kind), "distribution " + kind, keys_of(D));
    auto need = [&](const char* key, double& out) {
      const Field& f = field(D + "/" + key, kind);
      if (const json* x = required(v, p, f)) {
        std::string q = child(p, key);
        if (beats_value(*x, q, out) && f.exclusive_min && out <= f.min) {
          error(q, fmt::format("expected a positive value; got {:g}", out));
        }
      }
    };
    if (kind == "fixed") {
      d.kind = DurationDistribution::Kind::kFixed;
      need("beats", d.value);
    } else if (kind == "uniform") {
      d.kind = DurationDistribution::Kind::kUniform;
      need("min", d.min);
      need("max", d.max);
      if (d.min > d.max) error(child(p, "max"), fmt::format("expected max >= min ({:g})", d.min));
    } else if (kind == "normal") {
      d.kind = DurationDistribution::Kind::kNormal;
      need("mean", d.mean);
      need("stddev", d.stddev);
    } else if (kind == "lognormal") {
      d.kind = DurationDistribution::Kind::kLognormal;
      need("median", d.median);
      if (const json* x = required(v, p, field(D + "/sigma", kind))) {
        number(*x, child(p, "sigma"), field(D + "/sigma", kind), d.sigma);
      }
    } else {
      d.kind = DurationDistribution::Kind::kExponential;
      need("mean", d.mean);
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
    if (!within_cap(v, p, field("/faults"))) return;
    for (std::size_t i = 0; i < v.size(); ++i) fault(v[i], child(p, std::to_string(i)));
  }

  void fault(const json& v, const std::string& p) {
    const std::string F = "/faults/*";
    if (!v.is_object()) {
      error(p,
            "expected a fault object such as {\"kind\": \"nats_disconnect\", \"at\": \"10m\", "
            "\"duration\": \"30s\", \"targets\": \"agents:0-4\"}; got " +
                shown(v));
      return;
    }
    FaultSpec f;
    const json* k = required(v, p, field(F + "/kind"));
    std::optional<FaultSpec::Kind> kind;
    if (k) {
      std::string name;
      if (choice(*k, child(p, "kind"), field(F + "/kind"), name)) kind = parse_fault_kind(name);
    }
    if (!kind) {
      object(v, p, keys_of(F));
      return;
    }
    f.kind = *kind;
    const FaultKind& info = fault_kind(f.kind);
    const std::string name(info.name);
    object(v, p, keys_of(F, name), "fault kind " + name, keys_of(F));

    bool timed = false;
    if (const json* at = required(v, p, field(F + "/at"))) {
      std::string q = child(p, "at");
      if (duration(*at, q, field(F + "/at"), f.at)) {
        timed = true;
        if (f.at >= world_->duration) {
          error(q, fmt::format("the fault starts at {}, after the run ends ({})",
                               format_duration(f.at), format_duration(world_->duration)));
          timed = false;
        }
      }
    }
    opt(v, p, "duration", [&](const json& x, const std::string& q) {
      if (duration(x, q, field(F + "/duration"), f.duration) && timed &&
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
    for (std::string_view key : info.params) {
      const FaultParam& param = *find_fault_param(key);
      if (key == "servers") continue;  // a partition's servers: below, with its targets
      if (const json* x = member(v, param.name.data())) {
        fault_param(param, *x, child(p, key), f);
      } else if (param.required) {
        required(v, p, field(F + "/" + std::string(key), name));
      }
    }
    key_rules(v, F, p, name);
    const ClusterConfig& c = world_->cluster;
    if (f.kind == FaultSpec::Kind::kPartition) {
      // Either cut server routes (`servers`: one side) or cut agents off their servers
      // (`targets`).
      const json* servers = member(v, "servers");
      if (servers && member(v, "targets")) {
        // reported by key_rules
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
            } else if (!out.empty() && param.name == "subject") {
              subject_pattern(out, q);
            }
          } else {
            partition_servers(x, q, out);
          }
        },
        param.member);
  }

  // A NATS subject pattern, checked by the rules the wire uses (core/subject.h): a pattern
  // NATS would read otherwise ("a.>.b" as "a.>") or that matches nothing ("a b") is refused.
  void subject_pattern(const std::string& pattern, const std::string& ptr) {
    std::string problem = subject_problem(pattern, /*allow_wildcards=*/true);
    if (problem.empty()) return;
    error(ptr, fmt::format("expected a NATS subject pattern (tokens separated by '.', '*' and '>' "
                           "only as whole tokens, '>' only last); \"{}\" {}",
                           echo_text(pattern), problem));
  }

  void partition_servers(const json& v, const std::string& p, std::vector<int>& out) {
    int n = world_->cluster.nats_servers;
    if (!v.is_array() || v.empty()) {
      error(p,
            "expected a non-empty array of server indexes (one side of the cut); got " + shown(v));
      return;
    }
    if (!within_cap(v, p, field("/faults/*/servers", "partition"))) return;
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
    if (!object(v, p, keys_of("/swarm"))) return;
    s.enabled = true;
    opt(v, p, "enabled", [&](const json& x, const std::string& q) { boolean(x, q, s.enabled); });
    opt(v, p, "faults", [&](const json& x, const std::string& q) {
      integer(x, q, field("/swarm/faults"), s.faults);
    });
    opt(v, p, "kinds", [&](const json& x, const std::string& q) {
      if (!x.is_array()) {
        error(q, "expected an array of fault kinds; got " + shown(x));
        return;
      }
      if (x.empty()) {  // not read as "the default mix": [] says "no kinds", which is not that
        error(q,
              "an empty list is refused: leave \"kinds\" out for the default mix, or set "
              "\"faults\": 0 to draw none");
        return;
      }
      if (!within_cap(x, q, field("/swarm/kinds"))) return;
      std::set<std::string> seen;
      for (std::size_t i = 0; i < x.size(); ++i) {
        std::string name;
        std::string r = child(q, std::to_string(i));
        if (!choice(x[i], r, field("/swarm/kinds/*"), name)) continue;
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
      if (integer(beats, q, field("/budgets/*"), b)) world_->budgets[type] = b;
    }
  }

  // Budget profiles (core/budget_profiles.h): the scenario's own tables. Their rows may name
  // types the workload does not run (a profile is meant to be shared); those rows are unused.
  void budget_profiles(const json& v, const std::string& p) {
    if (!v.is_object()) {
      error(p,
            "expected an object of named budget tables, e.g. {\"lab\": {\"dht_store\": 4}}; "
            "got " +
                shown(v));
      return;
    }
    if (v.size() + builtin_budget_profiles().size() > kMaxBudgetProfiles) {
      error(p, fmt::format("too many profiles: {}; at most {} besides the {} built-in ones",
                           v.size(), kMaxBudgetProfiles - builtin_budget_profiles().size(),
                           builtin_budget_profiles().size()));
      return;
    }
    for (const auto& [name, table] : v.items()) {
      const std::string q = child(p, name);
      if (!is_budget_profile_name(name)) {
        error(q, "expected a profile name of 1..64 characters of [A-Za-z0-9_-]", At::kKey);
        continue;
      }
      if (BudgetProfiles().find(name) != nullptr) {
        error(q, fmt::format("'{}' is a built-in profile; choose another name", name), At::kKey);
        continue;
      }
      if (!table.is_object() || table.empty()) {
        error(q, "expected a non-empty object of beats per operation type; got " + shown(table));
        continue;
      }
      BudgetTable rows;
      for (const auto& [type, beats] : table.items()) {
        const std::string r = child(q, type);
        if (!is_agent_id(type)) {
          error(r, fmt::format("expected an operation type: {}", kAgentIdRule), At::kKey);
          continue;
        }
        int b = 0;
        if (integer(beats, r, field("/budget_profiles/*/*"), b)) rows[type] = b;
      }
      world_->budget_profile.user.emplace_back(name, std::move(rows));
    }
  }

  // The scenario's explicit budgets stay apart from the profile's rows, so that a host's
  // flag or environment can select another profile later (budget_profile_choice.h).
  void select_budget_profile() {
    BudgetProfileChoice& choice = world_->budget_profile;
    choice.explicit_budgets = world_->budgets;
    if (Status s = apply_budget_profile(*world_); !s) error("/budget_profile", s.message());
  }

  void adaptive_budgets(const json& v, const std::string& p) {
    AdaptiveBudgetSettings& a = world_->adaptive_budgets;
    const std::string P = "/adaptive_budgets";
    if (!object(v, p, keys_of(P))) return;
    a.enabled = true;
    std::size_t before = errors_.size();
    opt(v, p, "enabled", [&](const json& x, const std::string& q) { boolean(x, q, a.enabled); });
    opt(v, p, "types",
        [&](const json& x, const std::string& q) { assertion_types(x, q, a.types); });
    auto num = [&](const char* key, double& out) {
      opt(v, p, key,
          [&](const json& x, const std::string& q) { number(x, q, field(P + "/" + key), out); });
    };
    auto whole = [&](const char* key, int& out) {
      opt(v, p, key,
          [&](const json& x, const std::string& q) { integer(x, q, field(P + "/" + key), out); });
    };
    num("percentile", a.percentile);
    whole("window", a.window);
    whole("min_samples", a.min_samples);
    whole("margin_beats", a.margin_beats);
    num("floor_share", a.floor_share);
    num("ceiling_share", a.ceiling_share);
    whole("hysteresis_beats", a.hysteresis_beats);
    if (errors_.size() == before && a.min_samples > a.window) {
      error(child(p, "min_samples"),
            fmt::format("expected at most window ({}); got {}", a.window, a.min_samples));
    }
  }

  void budget_warnings(const json& v, const std::string& p) {
    BudgetWarningSettings& w = world_->budget_warnings;
    if (!object(v, p, keys_of("/budget_warnings"))) return;
    w.enabled = true;
    opt(v, p, "enabled", [&](const json& x, const std::string& q) { boolean(x, q, w.enabled); });
    opt(v, p, "share", [&](const json& x, const std::string& q) {
      number(x, q, field("/budget_warnings/share"), w.share);
    });
  }

  void admission(const json& v, const std::string& p) {
    AdmissionSettings& a = world_->admission;
    const std::string P = "/admission";
    if (!object(v, p, keys_of(P))) return;
    if (const json* limit = required(v, p, field(P + "/max_concurrent"))) {
      integer(*limit, child(p, "max_concurrent"), field(P + "/max_concurrent"), a.max_concurrent);
    }
    for (auto [key, out] :
         {std::pair{"max_queue", &a.max_queue}, std::pair{"max_wait_beats", &a.max_wait_beats}}) {
      opt(v, p, key, [&, key = key, out = out](const json& x, const std::string& q) {
        integer(x, q, field(P + "/" + key), *out);
      });
    }
  }

  // ---------------------------------------------------------------------------------------
  void assertions(const json& v, const std::string& p, std::vector<AssertionSpec>& out) {
    if (!v.is_array()) {
      error(p, "expected an array of assertions; got " + shown(v));
      return;
    }
    if (!within_cap(v, p, field("/assertions"))) return;
    for (std::size_t i = 0; i < v.size(); ++i) {
      AssertionSpec spec;
      if (assertion(v[i], child(p, std::to_string(i)), spec)) out.push_back(spec);
    }
  }

  // An assertion's non-empty list of names (`what`), each one of `known`; `unknown(pointer,
  // name)` reports the others.
  template <typename Unknown>
  void known_names(const json& x, const std::string& q, const Field& f, const char* what,
                   const std::vector<std::string>& known, Unknown unknown,
                   std::vector<std::string>& out) {
    if (!x.is_array() || x.empty()) {
      error(q, fmt::format("expected a non-empty array of {}; got {}", what, shown(x)));
      return;
    }
    if (!within_cap(x, q, f)) return;
    for (std::size_t i = 0; i < x.size(); ++i) {
      std::string name;
      const std::string r = child(q, std::to_string(i));
      if (!string(x[i], r, name)) continue;
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        unknown(r, name);
        continue;
      }
      out.push_back(name);
    }
  }

  void assertion_types(const json& x, const std::string& q, std::vector<std::string>& out) {
    known_names(
        x, q, field("/assertions/*/types", "beats_within_budget"), "operation types", types_,
        [&](const std::string& r, const std::string& t) { unknown_type(r, t); }, out);
  }

  bool assertion(const json& v, const std::string& p, AssertionSpec& a) {
    const std::string A = "/assertions/*";
    if (!v.is_object()) {
      error(p,
            "expected an assertion object such as {\"kind\": \"no_claim_lost\"}; got " + shown(v));
      return false;
    }
    const json* k = required(v, p, field(A + "/kind"));
    std::string name;
    if (!k || !choice(*k, child(p, "kind"), field(A + "/kind"), name)) {
      object(v, p, keys_of(A));
      return false;
    }
    a.kind = *parse_assertion_kind(name);
    object(v, p, keys_of(A, name), "assertion " + name, keys_of(A));
    std::size_t before = found_;
    for (const std::string& key : keys_of(A, name)) {
      const Field& f = field(A + "/" + key, name);
      const json* x = member(v, key.c_str());
      if (key == "kind") continue;
      if (!x) {
        if (f.required) required(v, p, f);
        continue;
      }
      std::string q = child(p, key);
      if (key == "name") {
        string(*x, q, a.name);
      } else if (key == "types") {
        assertion_types(*x, q, a.types);
      } else if (key == "workflows") {
        assertion_workflows(*x, q, a.workflows);
      } else if (f.type == FieldType::kInteger) {
        int n = 0;
        if (!integer(*x, q, f, n)) continue;
        if (key == "skip_first_bars") a.skip_first_bars = n;
        if (key == "min_reports") a.min_reports = n;
        if (key == "count") a.count = n;
      } else {
        double d = 0;
        if (!number(*x, q, f, d)) continue;
        if (key == "percentile") a.percentile = d;
        if (key == "beats") a.beats = d;
        if (key == "max") a.max = d;
        if (key == "fraction") a.fraction = d;
        if (key == "min_agents_reporting") a.min_agents_reporting = d;
        if (key == "max_abs_tempo_drift_ms") a.max_abs_tempo_drift_ms = d;
      }
    }
    key_rules(v, A, p, name);
    if (a.kind == AssertionSpec::Kind::kWorkflowBeatsWithin && world_->workload.workflows.empty()) {
      // Nothing to judge would pass vacuously: a verdict nobody can trust.
      error(child(p, "kind"),
            "workflow_beats_within judges workflow instances, and the workload has no "
            "\"workflows\"");
    }
    return found_ == before;
  }

  void assertion_workflows(const json& x, const std::string& q, std::vector<std::string>& out) {
    std::vector<std::string> known;
    for (const WorkflowWorkload& w : world_->workload.workflows) known.push_back(w.name);
    auto unknown = [&](const std::string& r, const std::string& name) {
      std::string message = fmt::format("no workflow template '{}' in the workload", name);
      if (auto guess = did_you_mean(name, known)) {
        message += fmt::format("; did you mean '{}'?", *guess);
      }
      message += known.empty() ? " (the workload has no \"workflows\")"
                               : fmt::format(" (workflows: {})", join(known));
      error(r, message);
    };
    known_names(x, q, field("/assertions/*/workflows", "workflow_beats_within"),
                "workflow template names", known, unknown, out);
  }

  std::string source_;
  JsonPositions positions_;
  std::vector<Override> overrides_;
  std::vector<Diagnostic> errors_;
  std::size_t found_ = 0;
  std::size_t found_in_overrides_ = 0;  // of found_, blamed on a --set
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
  // Overrides' problems first, then the file's in text order; the first kMaxDiagnostics kept.
  const std::size_t override_errors_found = override_errors.size();
  const std::size_t found = override_errors_found + loader.found();
  result.errors = std::move(override_errors);
  for (Diagnostic& d : loader.take_errors()) result.errors.push_back(std::move(d));
  if (result.errors.size() > kMaxDiagnostics) result.errors.resize(kMaxDiagnostics);
  result.unshown = found - result.errors.size();
  result.from_overrides = override_errors_found + loader.found_in_overrides();
  if (found == 0) {
    scenario.document = std::move(doc);
    result.scenario = std::move(scenario);
  }
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  Result<std::string> text = read_bounded_file(path, kMaxScenarioFileBytes, "scenario file");
  if (!text.is_ok()) {
    LoadResult result;
    result.errors.push_back({path, "", text.status().message()});
    return result;
  }
  return load_scenario_text(*text, path, overrides);
}

}  // namespace backbeat::sim::scenario
