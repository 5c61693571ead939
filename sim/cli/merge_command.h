// backbeat-sim merge PARTS... --out DIR: the parts of a sharded sweep or tune (`--shard K/N`,
// sim/cli/shards.h) combined into exactly what the one-machine command prints and writes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace backbeat::sim::cli {

struct MergeArgs {
  std::vector<std::string> parts;  // part.json files or directories holding one
  std::string out_dir;
  int jobs = 0;  // threads for tune's bootstraps; 0 = every hardware thread
  bool json = false;
};

CLI::App* add_merge_command(CLI::App& app, MergeArgs& args);
int merge_command(const MergeArgs& args);

}  // namespace backbeat::sim::cli
