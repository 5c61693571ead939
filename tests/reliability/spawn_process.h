// Runs a command the way a user's shell would, for the CLI tests of tests/reliability: a fresh
// process with a controlled environment (every BACKBEAT_* and CHORUS_BACKBEAT_* variable of the
// caller removed, then `env_changes` applied: a value sets, nullopt leaves unset), standard input
// from /dev/null, standard output and error captured through files in `dir` (removed after).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace backbeat {

struct Spawned {
  int exit_code = -1;  // 128 + signal when killed; -1 when it could not be started
  std::string out;
  std::string err;
};

Spawned spawn(const std::vector<std::string>& args, const std::filesystem::path& dir,
              const std::map<std::string, std::optional<std::string>>& env_changes = {});

// The whole file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

}  // namespace backbeat
