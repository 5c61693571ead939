#include "sim/queue/run_id.h"

#include <fmt/format.h>

#include "sim/kernel/hash.h"

namespace backbeat::sim::queue {

std::string run_id(std::string_view kind, std::string_view scenario_digest,
                   std::uint64_t first_seed, std::uint64_t last_seed, std::uint64_t job_size) {
  Fnv1a64 h;
  for (std::string_view part : {std::string_view("backbeat-run-v1"), kind, scenario_digest}) {
    h.u64le(part.size()).bytes(part);
  }
  h.u64le(first_seed).u64le(last_seed).u64le(job_size);
  return fmt::format("{:016x}", h.value());
}

}  // namespace backbeat::sim::queue
