// Scenario: one scenario file, loaded and checked — the world to simulate, the default seed, the
// assertions that decide the verdict, and the verdict CI expects.
//
// The file format (version 1) is documented in scenarios/README.md and scenarios/schema.json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/assertion.h"
#include "sim/world/world_config.h"

namespace backbeat::sim::scenario {

inline constexpr int kScenarioVersion = 1;

enum class Verdict { kPass, kFail };
inline const char* verdict_name(Verdict v) {
  return v == Verdict::kPass ? "pass" : "fail";
}

struct Scenario {
  int version = kScenarioVersion;
  std::string name;         // "name" in the file, else the file's stem
  std::string description;  // one paragraph: the story the scenario tells
  std::uint64_t seed = 1;   // used when the command line gives none
  Verdict expect = Verdict::kPass;
  // When set, exactly these assertions (by name) must fail, and all others pass: an expected-fail
  // scenario then also guards its other assertions ("expect": {"verdict", "failing"}).
  std::optional<std::vector<std::string>> expect_failing;
  WorldConfig world;
  std::vector<AssertionSpec> assertions;
  // The effective document (the file after --set overrides, without comments): what a saved run
  // directory stores so that `replay DIR` re-runs exactly this scenario.
  nlohmann::json document;
  std::string source;  // the path it was loaded from ("<text>" for in-memory loads)
};

}  // namespace backbeat::sim::scenario
