// A run id names one distributed sweep or tune on the work queue (sim/queue/work_queue.h): its
// jobs' subject and its results' subjects carry it. It is a digest of what the run computes and
// how it is cut into jobs, and of nothing else (no time, no host), so the same command gives the
// same id and a restarted coordinator finds its results; a different scenario, seed range or job
// size gives another id and never mixes with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace backbeat::sim::queue {

// 16 hex digits: FNV-1a-64 (sim/kernel/hash.h) over "backbeat-run-v1", kind, the scenario digest
// (each length-prefixed), then first_seed, last_seed and job_size as little-endian u64.
std::string run_id(std::string_view kind, std::string_view scenario_digest,
                   std::uint64_t first_seed, std::uint64_t last_seed, std::uint64_t job_size);

}  // namespace backbeat::sim::queue
