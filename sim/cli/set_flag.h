// The --set PATH=VALUE flag, the same on every command that loads a scenario (run, replay,
// validate, tune, live): repeatable, applied in order, validated like the file itself.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace backbeat::sim::cli {

inline CLI::Option* add_set_flag(CLI::App* cmd, std::vector<std::string>& sets) {
  return cmd
      ->add_option("--set", sets,
                   "Override a scenario value, validated like the file: PATH=VALUE with a dotted "
                   "path (pulse.tempo_bpm=4, workload.operations.0.count=10). Repeatable.")
      ->type_name("PATH=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace backbeat::sim::cli
