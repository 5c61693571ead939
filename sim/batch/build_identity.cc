#include "sim/batch/build_identity.h"

#include <fmt/format.h>

#include "sim/kernel/trace.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"

#ifndef BACKBEAT_VERSION
#define BACKBEAT_VERSION "unknown"
#endif
#ifndef BACKBEAT_GIT_COMMIT
#define BACKBEAT_GIT_COMMIT "unknown"
#endif

namespace backbeat::sim::batch {
namespace {

// Small enough to run in milliseconds, varied enough to touch the pulse, the workload with its
// distributions, the links with loss and the claims.
constexpr const char* kCanaryScenario = R"({
  "version": 1, "name": "build-canary", "seed": 7, "duration": "3m",
  "cluster": {"id": "canary", "agents": 4},
  "pulse": {"tempo_bpm": 12, "bar_length": 4, "frames_per_beat": 3},
  "workload": {"operations": [
    {"type": "dht_store", "count": 6,
     "duration": {"distribution": "lognormal", "median": 1, "sigma": 0.3}, "estimated_beats": 3},
    {"type": "peer_discovery", "count": 4,
     "duration": {"distribution": "uniform", "min": 0.5, "max": 2}, "estimated_beats": 3}]},
  "budgets": {"dht_store": 3, "peer_discovery": 3}
})";

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown-compiler";
#endif
}

std::string canary_fingerprint() {
  scenario::LoadResult r = scenario::load_scenario_text(kCanaryScenario, "<build canary>");
  if (!r.ok()) return "unloadable:" + r.problems_text();
  return hex64(run_world(r.scenario->world, r.scenario->seed).fingerprint);
}

}  // namespace

const std::string& build_identity() {
  static const std::string identity =
      fmt::format("backbeat-sim {}; {}; commit {}; canary {}", BACKBEAT_VERSION, compiler(),
                  BACKBEAT_GIT_COMMIT, canary_fingerprint());
  return identity;
}

}  // namespace backbeat::sim::batch
