// The benchmarks' 100-agent, one-virtual-hour world with the seed's six operation types (2 BPM,
// so 120 beats), shared by bench_tune (a tune over many seeds) and bench_queue (seeds through the
// work queue), so their figures are about the same seeds.
#pragma once

namespace backbeat::bench {

inline constexpr const char* kHundredAgentHourScenario = R"json({
  "version": 1, "name": "tune_bench", "seed": 1, "duration": "1h",
  "cluster": { "agents": 100 },
  "pulse": { "tempo_bpm": 2 },
  "workload": {
    "start_after": "2 beats",
    "operations": [
      { "type": "peer_discovery", "count": 100, "estimated_beats": 5,
        "duration": { "distribution": "uniform", "min": 1.5, "max": 3.5 } },
      { "type": "dht_store", "count": 400, "estimated_beats": 4,
        "duration": { "distribution": "lognormal", "median": 2, "sigma": 0.25 } },
      { "type": "dht_retrieve", "count": 600, "estimated_beats": 3,
        "duration": { "distribution": "uniform", "min": 0.5, "max": 1.8 } },
      { "type": "pubsub_sync", "rate_per_beat": 2, "estimated_beats": 2,
        "duration": { "distribution": "uniform", "min": 0.3, "max": 0.9 } },
      { "type": "leader_election", "count": 30, "estimated_beats": 10,
        "duration": { "distribution": "uniform", "min": 3, "max": 8 } },
      { "type": "task_coordination", "count": 60, "estimated_beats": 20,
        "duration": { "distribution": "lognormal", "median": 9, "sigma": 0.3 } }
    ]
  },
  "budgets": { "peer_discovery": 5, "dht_store": 4, "dht_retrieve": 3, "pubsub_sync": 2,
               "leader_election": 10, "task_coordination": 20 },
  "assertions": [ { "kind": "beats_within_budget", "percentile": 95 } ]
})json";

}  // namespace backbeat::bench
