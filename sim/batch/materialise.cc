#include "sim/batch/materialise.h"

#include <type_traits>
#include <variant>

#include "sim/harness/agent_selection.h"
#include "sim/kernel/random.h"
#include "sim/scenario/duration_text.h"
#include "sim/world/fault_kinds.h"

namespace backbeat::sim::batch {
namespace {

using nlohmann::json;

Selector agent_list(const std::vector<int>& agents) {
  Selector s;
  s.kind = Selector::Kind::kAgentList;
  s.agents = agents;
  return s;
}

}  // namespace

json fault_json(const PlannedFault& fault, Duration run) {
  const FaultSpec& f = fault.spec;
  const FaultKind& kind = fault_kind(f.kind);
  json out;
  out["kind"] = std::string(kind.name);
  out["at"] = scenario::format_duration(f.at);
  Duration duration = f.duration;
  if (duration > Duration::zero() && f.at + duration > run) duration = run - f.at;
  out["duration"] = scenario::format_duration(duration);
  const bool by_servers = !cuts_off_targets_only(f) && kind.targets_agents();
  for (std::string_view name : kind.params) {
    const FaultParam& param = *find_fault_param(name);
    const std::string key(name);
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(f.*member)>;
          const T& value = f.*member;
          if constexpr (std::is_same_v<T, Selector>) {
            if (by_servers) return;  // a partition between servers: `servers` instead
            out[key] = value.kind == Selector::Kind::kRandomFraction
                           ? agent_list(fault.targets).to_string()
                           : value.to_string();
          } else if constexpr (std::is_same_v<T, Duration>) {
            out[key] = scenario::format_duration(value);
          } else if constexpr (std::is_same_v<T, std::vector<int>>) {
            if (!value.empty()) out[key] = value;
          } else {
            out[key] = value;
          }
        },
        param.member);
  }
  return out;
}

json materialise(const scenario::Scenario& sc, std::uint64_t seed) {
  const WorldConfig& world = sc.world;
  json doc = sc.document;
  doc["seed"] = seed;
  const Seeds seeds(seed);

  RandomStream faults_rng = seeds.stream("faults");
  json faults = json::array();
  for (const PlannedFault& f : plan_faults(world, faults_rng)) {
    faults.push_back(fault_json(f, world.duration));
  }
  doc.erase("swarm");
  if (faults.empty()) {
    doc.erase("faults");
  } else {
    doc["faults"] = std::move(faults);
  }

  // The workload draws its random agent subsets in entry order (sim/harness/workload.cc).
  RandomStream selectors_rng = seeds.stream("workload-selectors");
  const std::vector<OperationWorkload>& ops = world.workload.operations;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].agents.kind != Selector::Kind::kRandomFraction) continue;
    std::vector<int> drawn = select_agents(world, ops[i].agents, selectors_rng);
    doc["workload"]["operations"][i]["agents"] = agent_list(drawn).to_string();
  }
  return doc;
}

}  // namespace backbeat::sim::batch
