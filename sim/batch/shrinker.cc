#include "sim/batch/shrinker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/echo_text.h"
#include "sim/batch/ddmin.h"
#include "sim/batch/materialise.h"
#include "sim/batch/parallel_for.h"
#include "sim/harness/agent_selection.h"
#include "sim/scenario/assertion.h"
#include "sim/scenario/duration_text.h"
#include "sim/scenario/loader.h"
#include "sim/world/fault_kinds.h"
#include "sim/world/world.h"

namespace backbeat::sim::batch {
namespace {

using nlohmann::json;
using scenario::Scenario;

std::optional<Scenario> load(const json& doc) {
  scenario::LoadResult r = scenario::load_scenario_text(doc.dump(), "<shrink candidate>");
  if (!r.ok()) return std::nullopt;
  return std::move(*r.scenario);
}

// How a failure that measured nothing is named: failing "with nothing to measure" (no operation
// completed, say) is another failure than failing a bound, and a shrink must not slip from one to
// the other.
constexpr std::string_view kNothingMeasured = " (nothing measured)";

std::vector<std::string> failing_of(const Scenario& sc, const RunOutcome& outcome) {
  std::vector<std::string> out;
  for (const scenario::AssertionResult& r :
       scenario::evaluate_assertions(sc.assertions, sc.world, outcome)) {
    if (!r.pass) out.push_back(r.measured ? r.name : r.name + std::string(kNothingMeasured));
  }
  return out;
}

std::string join(const std::vector<int>& items, const std::function<int(int)>& name) {
  std::string out;
  for (int i : items) out += (out.empty() ? "" : ",") + std::to_string(name(i));
  return out.empty() ? "none" : out;
}

std::vector<int> iota(std::size_t n) {
  std::vector<int> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<int>(i);
  return v;
}

// `v` with three significant digits: shrunk values read like hand-written ones.
double round3(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  return std::stod(fmt::format("{:.3g}", v));
}

// Rounded to whole seconds above 10 s, to milliseconds below (at least 1 ms).
Duration round_duration(Duration d) {
  using namespace std::chrono;
  if (d >= seconds(10)) return duration_cast<seconds>(d + milliseconds(500));
  return std::max<Duration>(duration_cast<milliseconds>(d + microseconds(500)), milliseconds(1));
}

// Values between `neutral` (does nothing) and `v`, most reduced first.
std::vector<double> toward(double v, double neutral) {
  std::vector<double> out;
  for (double f : {0.0, 0.125, 0.25, 0.5, 0.75}) {
    double c = round3(neutral + (v - neutral) * f);
    if (c != v && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

// The value a fault parameter takes when it does nothing.
std::optional<double> neutral_of(std::string_view param) {
  static const std::map<std::string_view, double> neutral = {
      {"factor", 1.0}, {"probability", 0.0}, {"latency", 0.0}, {"processing", 0.0}, {"delay", 1e-3},
      {"ppm", 0.0},    {"offset", 0.0},      {"gap", 0.0},     {"rate", 0.1}};
  auto it = neutral.find(param);
  if (it == neutral.end()) return std::nullopt;
  return it->second;
}

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& options, std::vector<std::string> targets, json start)
      : options_(options), targets_(std::move(targets)), current_(std::move(start)) {
    current_sc_ = load(current_);
  }

  void run() {
    faults();
    duration();
    fault_details();
    agents();
    workload();
    duration();
  }

  const json& current() const { return current_; }
  std::vector<ShrinkStep>& log() { return log_; }
  int runs() const { return runs_; }
  bool budget_exhausted() const { return budget_exhausted_; }
  bool stopped() const { return stopped_; }

 private:
  struct Candidate {
    std::string change;
    json doc;
  };

  // Runs the candidates (cached ones are not run again) and logs each; returns whether each
  // still fails every target assertion.
  std::vector<bool> test(const std::string& pass, const std::vector<Candidate>& candidates) {
    std::vector<bool> out(candidates.size(), false);
    std::vector<std::size_t> to_run;
    std::vector<std::string> keys(candidates.size());
    std::vector<std::optional<Scenario>> loaded(candidates.size());
    std::set<std::string> in_batch;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      keys[i] = candidates[i].doc.dump();
      if (cache_.count(keys[i]) || !in_batch.insert(keys[i]).second) continue;
      loaded[i] = load(candidates[i].doc);
      if (!loaded[i]) {
        cache_[keys[i]] = false;
        log_.push_back(
            {pass, candidates[i].change + " (refused by the loader)", false, false, runs_});
        continue;
      }
      if (runs_ + static_cast<int>(to_run.size()) >= options_.max_runs) {
        budget_exhausted_ = true;
        continue;
      }
      to_run.push_back(i);
    }
    std::vector<int> result(to_run.size(), -1);  // -1 not run (stopped), 0 passes, 1 fails
    parallel_for(
        static_cast<int>(to_run.size()), options_.jobs,
        [&](int k) {
          const Scenario& sc = *loaded[to_run[static_cast<std::size_t>(k)]];
          RunOutcome outcome = run_world(sc.world, sc.seed);
          std::vector<std::string> failing = failing_of(sc, outcome);
          std::sort(failing.begin(), failing.end());
          result[static_cast<std::size_t>(k)] =
              std::includes(failing.begin(), failing.end(), targets_.begin(), targets_.end());
        },
        [this] { return options_.stop && options_.stop(); });
    for (std::size_t k = 0; k < to_run.size(); ++k) {
      if (result[k] < 0) {
        stopped_ = true;
        continue;
      }
      ++runs_;
      cache_[keys[to_run[k]]] = result[k] == 1;
      log_.push_back({pass, candidates[to_run[k]].change, result[k] == 1, true, runs_});
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      auto hit = cache_.find(keys[i]);
      out[i] = hit != cache_.end() && hit->second;
    }
    if (options_.on_progress) options_.on_progress(pass, runs_);
    return out;
  }

  // Tries the candidates; keeps the first that still fails. Returns whether one did.
  bool try_keep(const std::string& pass, const std::vector<Candidate>& candidates) {
    if (done() || candidates.empty()) return false;
    std::vector<bool> fails = test(pass, candidates);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (!fails[i]) continue;
      current_ = candidates[i].doc;
      current_sc_ = load(current_);
      return true;
    }
    return false;
  }

  bool done() const { return budget_exhausted_ || stopped_; }

  // ddmin over `n` pieces; `make(kept)` builds the candidate keeping those pieces (nullopt:
  // impossible). Keeps the result.
  // `name(i)` shows piece i in the log (default: its index).
  void ddmin_pass(
      const std::string& pass, std::size_t n, const std::string& what,
      const std::function<std::optional<json>(const std::vector<int>&)>& make,
      const std::function<int(int)>& name = [](int i) { return i; }) {
    if (n == 0 || done()) return;
    std::vector<int> kept = ddmin(iota(n), [&](const std::vector<std::vector<int>>& subsets) {
      std::vector<Candidate> candidates;
      std::vector<bool> possible;
      for (const std::vector<int>& s : subsets) {
        std::optional<json> doc = done() ? std::nullopt : make(s);
        possible.push_back(doc.has_value());
        candidates.push_back(
            {fmt::format("keep {} {} of {} (remove {})", s.size(), what, n, n - s.size()) +
                 (s.size() <= 12 ? ": " + join(s, name) : ""),
             doc ? std::move(*doc) : json()});
      }
      std::vector<Candidate> runnable;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (possible[i]) runnable.push_back(candidates[i]);
      }
      std::vector<bool> r = runnable.empty() ? std::vector<bool>{} : test(pass, runnable);
      std::vector<bool> out;
      for (std::size_t i = 0, k = 0; i < candidates.size(); ++i) {
        out.push_back(possible[i] && r[k++]);
      }
      return out;
    });
    if (kept.size() == n) return;
    if (std::optional<json> doc = make(kept)) {
      current_ = std::move(*doc);
      current_sc_ = load(current_);
    }
  }

  // ---------------------------------------------------------------------------------------
  void faults() {
    if (!current_.contains("faults")) return;
    const json all = current_["faults"];
    ddmin_pass("faults", all.size(), "faults", [&](const std::vector<int>& kept) {
      json doc = current_;
      json faults = json::array();
      for (int i : kept) faults.push_back(all[static_cast<std::size_t>(i)]);
      if (faults.empty()) {
        doc.erase("faults");
      } else {
        doc["faults"] = faults;
      }
      return std::optional<json>(doc);
    });
  }

  // The earliest end a run can have: after every fault, the workload's start and tempo change.
  Duration earliest_end() const {
    const WorldConfig& w = current_sc_->world;
    Duration lo = w.workload.start_after + std::chrono::seconds(1);
    for (const FaultSpec& f : w.faults) {
      lo = std::max(lo, f.at + std::max<Duration>(f.duration, std::chrono::seconds(1)));
    }
    for (const TempoChange& t : w.pulse.tempo_changes) {
      lo = std::max(lo, t.at + std::chrono::seconds(1));
    }
    return lo;
  }

  void duration() {
    using std::chrono::seconds;
    for (int round = 0; round < 2 && !done(); ++round) {
      const Duration hi = current_sc_->world.duration;
      const Duration lo = earliest_end();
      if (hi - lo < seconds(2)) return;
      std::vector<Candidate> candidates;
      for (int k = 0; k < 8; ++k) {
        Duration d = std::chrono::ceil<seconds>(lo + (hi - lo) * k / 8);
        if (d >= hi) continue;
        json doc = current_;
        doc["duration"] = scenario::format_duration(d);
        candidates.push_back({"duration " + scenario::format_duration(d), doc});
      }
      if (!try_keep("duration", candidates)) return;
    }
  }

  // ---------------------------------------------------------------------------------------
  void fault_details() {
    if (!current_.contains("faults")) return;
    for (std::size_t i = 0; i < current_["faults"].size() && !done(); ++i) {
      fault_round_times(i);
      fault_duration(i);
      fault_targets(i);
      const FaultKind& kind = fault_kind(current_sc_->world.faults[i].kind);
      for (std::string_view param : kind.params) fault_number(i, param);
    }
  }

  std::string fault_label(std::size_t i) const {
    return fmt::format("fault {} ({})", i, fault_kind_name(current_sc_->world.faults[i].kind));
  }

  // Drawn times are nanosecond-exact; whole seconds read better when the failure allows.
  void fault_round_times(std::size_t i) {
    using std::chrono::seconds;
    const FaultSpec& f = current_sc_->world.faults[i];
    const Duration at = std::chrono::round<seconds>(f.at);
    const Duration duration =
        f.duration > Duration::zero()
            ? std::max<Duration>(std::chrono::round<seconds>(f.duration), seconds(1))
            : f.duration;
    if (at == f.at && duration == f.duration) return;
    json doc = current_;
    doc["faults"][i]["at"] = scenario::format_duration(at);
    doc["faults"][i]["duration"] = scenario::format_duration(duration);
    try_keep("fault details",
             {{fmt::format("{} at {} for {} (whole seconds)", fault_label(i),
                           scenario::format_duration(at), scenario::format_duration(duration)),
               doc}});
  }

  void fault_duration(std::size_t i) {
    for (int round = 0; round < 4 && !done(); ++round) {
      const Duration d = current_sc_->world.faults[i].duration;
      if (d <= std::chrono::milliseconds(1)) return;  // 0 = until the end: left as it is
      std::vector<Candidate> candidates;
      std::set<Duration> seen;
      for (int eighths : {1, 2, 4, 6}) {
        Duration c = round_duration(d * eighths / 8);
        if (c >= d || !seen.insert(c).second) continue;
        json doc = current_;
        doc["faults"][i]["duration"] = scenario::format_duration(c);
        candidates.push_back(
            {fmt::format("{} duration {}", fault_label(i), scenario::format_duration(c)), doc});
      }
      if (!try_keep("fault details", candidates)) return;
    }
  }

  void fault_targets(std::size_t i) {
    const FaultSpec& f = current_sc_->world.faults[i];
    if (!fault_kind(f.kind).has_param("targets") || !cuts_off_targets_only(f)) return;
    RandomStream unused = Seeds(0).stream("unused");  // the selector is never random here
    const std::vector<int> agents = select_agents(current_sc_->world, f.targets, unused);
    if (agents.size() < 2) return;
    const std::string label = fault_label(i);
    ddmin_pass(
        "fault details", agents.size(), label + " target agents",
        [&](const std::vector<int>& kept) -> std::optional<json> {
          if (kept.empty()) return std::nullopt;  // no target: remove the fault instead
          Selector s;
          s.kind = Selector::Kind::kAgentList;
          for (int k : kept) s.agents.push_back(agents[static_cast<std::size_t>(k)]);
          json doc = current_;
          doc["faults"][i]["targets"] = s.to_string();
          return doc;
        },
        [&](int k) { return agents[static_cast<std::size_t>(k)]; });
  }

  void fault_number(std::size_t i, std::string_view param) {
    std::optional<double> neutral = neutral_of(param);
    if (!neutral) return;
    const FaultParam& p = *find_fault_param(param);
    for (int round = 0; round < 4 && !done(); ++round) {
      const FaultSpec& f = current_sc_->world.faults[i];
      double value = 0;
      bool is_duration = false;
      if (auto* m = std::get_if<double FaultSpec::*>(&p.member)) {
        value = f.**m;
      } else if (auto* d = std::get_if<Duration FaultSpec::*>(&p.member)) {
        value = to_seconds(f.**d);
        is_duration = true;
      } else {
        return;
      }
      std::vector<Candidate> candidates;
      for (double c : toward(value, *neutral)) {
        c = std::clamp(c, p.min, p.max);
        json doc = current_;
        std::string shown = fmt::format("{:g}", c);
        if (is_duration) shown = scenario::format_duration(from_seconds(c));
        if (is_duration) {
          doc["faults"][i][std::string(param)] = shown;
        } else {
          doc["faults"][i][std::string(param)] = c;
        }
        candidates.push_back({fmt::format("{} {} {}", fault_label(i), param, shown), doc});
      }
      if (!try_keep("fault details", candidates)) return;
    }
  }

  // ---------------------------------------------------------------------------------------
  // The document with only the agents `kept` (old numbers, ascending), renumbered from 0 in
  // order: group counts shrink (a group left empty goes), agent lists and ranges are mapped,
  // a fault left with no target goes. Nullopt when a workload entry would be left without agents.
  std::optional<json> keep_agents(const std::vector<int>& kept) const {
    if (kept.empty()) return std::nullopt;
    const WorldConfig& w = current_sc_->world;
    std::map<int, int> renumber;
    for (std::size_t k = 0; k < kept.size(); ++k) renumber[kept[k]] = static_cast<int>(k);
    json doc = current_;
    json& cluster = doc["cluster"];
    if (cluster.contains("groups")) {
      json groups = json::array();
      int first = 0;
      for (std::size_t g = 0; g < w.cluster.groups.size(); ++g) {
        const int count = w.cluster.groups[g].count;
        const auto n = std::count_if(kept.begin(), kept.end(),
                                     [&](int a) { return a >= first && a < first + count; });
        first += count;
        if (n == 0 && count > 0) continue;
        json group = cluster["groups"][g];
        group["count"] = n;
        groups.push_back(group);
      }
      cluster["groups"] = groups;
    } else {
      cluster["agents"] = kept.size();
    }
    // A selector naming agents by number, mapped; nullopt when none of them stays.
    auto mapped = [&](const std::string& text) -> std::optional<std::string> {
      Result<Selector> s = parse_selector(text);
      if (!s.is_ok()) return text;
      if (s->kind != Selector::Kind::kAgentRange && s->kind != Selector::Kind::kAgentList) {
        return text;
      }
      RandomStream unused = Seeds(0).stream("unused");
      Selector out;
      out.kind = Selector::Kind::kAgentList;
      for (int a : select_agents(w, *s, unused)) {
        if (auto it = renumber.find(a); it != renumber.end()) out.agents.push_back(it->second);
      }
      if (out.agents.empty()) return std::nullopt;
      return out.to_string();
    };
    if (doc.contains("faults")) {
      json faults = json::array();
      for (json f : doc["faults"]) {
        if (f.contains("targets")) {
          std::optional<std::string> t = mapped(f["targets"].get<std::string>());
          if (!t) continue;
          f["targets"] = *t;
        }
        faults.push_back(f);
      }
      if (faults.empty()) {
        doc.erase("faults");
      } else {
        doc["faults"] = faults;
      }
    }
    if (doc.contains("workload") && doc["workload"].contains("operations")) {
      for (json& op : doc["workload"]["operations"]) {
        if (!op.contains("agents")) continue;
        std::optional<std::string> a = mapped(op["agents"].get<std::string>());
        if (!a) return std::nullopt;
        op["agents"] = *a;
      }
    }
    return doc;
  }

  void agents() {
    if (done()) return;
    const WorldConfig& w = current_sc_->world;
    // Whole groups first (cheap when there are several), then single agents.
    if (w.cluster.groups.size() > 1) {
      std::vector<std::vector<int>> members;
      int first = 0;
      for (const AgentGroup& g : w.cluster.groups) {
        std::vector<int> m;
        for (int k = 0; k < g.count; ++k) m.push_back(first + k);
        first += g.count;
        members.push_back(m);
      }
      ddmin_pass("agents", members.size(), "groups", [&](const std::vector<int>& kept) {
        std::vector<int> agents;
        for (int g : kept) {
          const std::vector<int>& m = members[static_cast<std::size_t>(g)];
          agents.insert(agents.end(), m.begin(), m.end());
        }
        return keep_agents(agents);
      });
    }
    ddmin_pass("agents", static_cast<std::size_t>(current_sc_->world.cluster.agent_count()),
               "agents", [&](const std::vector<int>& kept) { return keep_agents(kept); });
  }

  // ---------------------------------------------------------------------------------------
  void workload() {
    if (done() || !current_.contains("workload") || !current_["workload"].contains("operations")) {
      return;
    }
    const json ops = current_["workload"]["operations"];
    ddmin_pass("workload", ops.size(), "operation types",
               [&](const std::vector<int>& kept) -> std::optional<json> {
                 if (kept.empty()) return std::nullopt;  // a run without work measures nothing
                 json doc = current_;
                 json out = json::array();
                 std::set<std::string> types;
                 for (int i : kept) {
                   out.push_back(ops[static_cast<std::size_t>(i)]);
                   types.insert(ops[static_cast<std::size_t>(i)]["type"].get<std::string>());
                 }
                 doc["workload"]["operations"] = out;
                 if (doc.contains("budgets")) {
                   json budgets = json::object();
                   for (auto& [type, beats] : doc["budgets"].items()) {
                     if (types.count(type)) budgets[type] = beats;
                   }
                   doc["budgets"] = budgets;
                 }
                 return doc;
               });
    for (std::size_t i = 0; i < current_["workload"]["operations"].size() && !done(); ++i) {
      for (const char* key : {"count", "rate_per_beat"}) workload_amount(i, key);
    }
  }

  void workload_amount(std::size_t i, const char* key) {
    for (int round = 0; round < 4 && !done(); ++round) {
      const json& op = current_["workload"]["operations"][i];
      if (!op.contains(key) || !op[key].is_number()) return;
      const double value = op[key].get<double>();
      const bool integer = std::string_view(key) == "count";
      std::vector<Candidate> candidates;
      std::set<double> seen;
      for (double f : {0.125, 0.25, 0.5, 0.75}) {
        double c = integer ? std::max(1.0, std::floor(value * f)) : round3(value * f);
        if (c >= value || c <= 0 || !seen.insert(c).second) continue;
        json doc = current_;
        if (integer) {
          doc["workload"]["operations"][i][key] = static_cast<std::int64_t>(c);
        } else {
          doc["workload"]["operations"][i][key] = c;
        }
        candidates.push_back(
            {fmt::format("{} {} {:g}", op["type"].get<std::string>(), key, c), doc});
      }
      if (!try_keep("workload", candidates)) return;
    }
  }

  const ShrinkOptions& options_;
  const std::vector<std::string> targets_;  // sorted
  json current_;
  std::optional<Scenario> current_sc_;
  std::map<std::string, bool> cache_;  // candidate document -> still fails
  std::vector<ShrinkStep> log_;
  int runs_ = 0;
  bool budget_exhausted_ = false;
  bool stopped_ = false;
};

}  // namespace

std::vector<std::string> failing_assertions(const Scenario& sc) {
  return failing_of(sc, run_world(sc.world, sc.seed));
}

ScenarioShape shape_of(const WorldConfig& world) {
  ScenarioShape s;
  s.faults = world.faults.size();
  if (world.swarm.enabled) s.faults += static_cast<std::size_t>(world.swarm.faults);
  s.agents = world.cluster.agent_count();
  s.groups = world.cluster.groups.size();
  s.duration = world.duration;
  for (const OperationWorkload& op : world.workload.operations) {
    s.workload.push_back(op.rate_per_beat > 0
                             ? fmt::format("{} {:g}/beat", op.type, op.rate_per_beat)
                             : fmt::format("{} {}", op.type, op.count));
  }
  return s;
}

Result<ShrinkResult> shrink(const Scenario& sc, std::uint64_t seed, const ShrinkOptions& options) {
  ShrinkResult result;
  result.materialised = materialise(sc, seed);
  std::optional<Scenario> start = load(result.materialised);
  if (!start) {
    return Status::internal("the materialised scenario does not load (a bug in materialise)");
  }
  std::vector<std::string> failing = failing_assertions(*start);
  if (failing.empty()) {
    return Status::invalid_argument(fmt::format(
        "the run of {} with seed {} passes every assertion: nothing to shrink", sc.name, seed));
  }
  std::vector<std::string> targets = options.assertions;
  for (std::string& want : targets) {
    if (std::find(failing.begin(), failing.end(), want + std::string(kNothingMeasured)) !=
        failing.end()) {
      want += kNothingMeasured;
    }
    if (std::find(failing.begin(), failing.end(), want) == failing.end()) {
      std::string names;
      for (const std::string& f : failing) names += (names.empty() ? "'" : ", '") + f + "'";
      return Status::invalid_argument(
          fmt::format("--assertion '{}': the run of {} with seed {} does not fail it; it fails {}",
                      echo_text(want), sc.name, seed, names));
    }
  }
  if (targets.empty()) targets = failing;
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());

  Shrinker shrinker(options, targets, result.materialised);
  shrinker.run();
  result.minimal = shrinker.current();
  result.failing = targets;
  result.log = std::move(shrinker.log());
  result.runs = shrinker.runs();
  result.budget_exhausted = shrinker.budget_exhausted();
  result.stopped = shrinker.stopped();

  // Never hand back a scenario that passes: the final one is run once more.
  std::optional<Scenario> final_sc = load(result.minimal);
  if (!final_sc) return Status::internal("the shrunk scenario does not load (a bug in shrink)");
  std::vector<std::string> still = failing_assertions(*final_sc);
  std::sort(still.begin(), still.end());
  if (!std::includes(still.begin(), still.end(), targets.begin(), targets.end())) {
    return Status::internal("the shrunk scenario no longer fails (a bug in shrink)");
  }
  return result;
}

}  // namespace backbeat::sim::batch
