// Agent selection: which agents a scenario selector names (all, agent:N, agents:A-B,
// agents:A-B,N,..., group:NAME, random:P%, server:N), the same in both worlds. Agents are numbered
// in group order, as the scenario lists them; an agent's server is its group's `server`, or its
// number modulo the cluster's nats_servers.
#pragma once

#include <vector>

#include "sim/kernel/random.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

// Agent numbers `selector` names in `config`'s cluster, ascending; random fractions draw exactly
// round(fraction x N) agents (at least one) from `rng`.
std::vector<int> select_agents(const WorldConfig& config, const Selector& selector,
                               RandomStream& rng);

}  // namespace backbeat::sim
