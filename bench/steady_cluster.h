// The steady cluster the whole-cluster benchmarks share: N agents at 2 BPM, three frames per
// beat, one virtual hour, about one operation per 10 agents per beat (four types, 1-3 beats).
#pragma once

#include <chrono>

#include "sim/world/world_config.h"

namespace backbeat::sim {

inline WorldConfig steady_cluster(int agents) {
  WorldConfig config;
  config.cluster.groups[0].count = agents;
  config.duration = std::chrono::hours(1);
  for (const char* type : {"dht_store", "pubsub_sync", "peer_discovery", "election"}) {
    OperationWorkload op;
    op.type = type;
    op.rate_per_beat = agents / 40.0;
    op.duration.kind = DurationDistribution::Kind::kUniform;
    op.duration.min = 1;
    op.duration.max = 3;
    op.estimated_beats = 3;
    config.workload.operations.push_back(op);
  }
  return config;
}

}  // namespace backbeat::sim
