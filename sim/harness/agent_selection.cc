#include "sim/harness/agent_selection.h"

#include <algorithm>
#include <cmath>

namespace backbeat::sim {

std::vector<int> select_agents(const WorldConfig& config, const Selector& selector,
                               RandomStream& rng) {
  std::vector<int> out;
  const int count = config.cluster.agent_count();
  switch (selector.kind) {
    case Selector::Kind::kAll:
      for (int i = 0; i < count; ++i) out.push_back(i);
      break;
    case Selector::Kind::kAgentRange:
      for (int i = selector.first; i <= selector.last && i < count; ++i) out.push_back(i);
      break;
    case Selector::Kind::kAgentList:
      for (int i : selector.agents) {
        if (i < count) out.push_back(i);
      }
      break;
    case Selector::Kind::kGroup: {
      int index = 0;
      for (const AgentGroup& g : config.cluster.groups) {
        for (int k = 0; k < g.count; ++k, ++index) {
          if (g.name == selector.group) out.push_back(index);
        }
      }
      break;
    }
    case Selector::Kind::kRandomFraction: {
      // A partial Fisher-Yates shuffle: exactly round(fraction x N) agents, at least one.
      std::vector<int> all(static_cast<std::size_t>(count));
      for (int i = 0; i < count; ++i) all[static_cast<std::size_t>(i)] = i;
      auto want = static_cast<std::size_t>(
          std::max(1.0, std::round(selector.fraction * static_cast<double>(count))));
      want = std::min(want, all.size());
      for (std::size_t i = 0; i < want; ++i) {
        std::size_t j = i + rng.uniform_u64(all.size() - i);
        std::swap(all[i], all[j]);
      }
      out.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(want));
      std::sort(out.begin(), out.end());
      break;
    }
    case Selector::Kind::kServer: {
      int index = 0;
      const int servers = config.cluster.nats_servers;
      for (const AgentGroup& g : config.cluster.groups) {
        for (int k = 0; k < g.count; ++k, ++index) {
          const int server = g.server >= 0 ? g.server : index % servers;
          if (server == selector.server) out.push_back(index);
        }
      }
      break;
    }
  }
  return out;
}

}  // namespace backbeat::sim
