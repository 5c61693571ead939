#include "sim/cli/scenario_catalog.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/scenario/did_you_mean.h"
#include "sim/scenario/echo_text.h"

namespace backbeat::sim::cli {

namespace fs = std::filesystem;

namespace {

// $BACKBEAT_SCENARIOS_DIR when set and not empty. Read by the command line only, never inside a
// simulation.
const char* scenarios_dir_from_environment() {
  const char* env = std::getenv("BACKBEAT_SCENARIOS_DIR");
  return env != nullptr && *env != '\0' ? env : nullptr;
}

}  // namespace

std::string scenarios_dir() {
  const char* env = scenarios_dir_from_environment();
  return env != nullptr ? env : BACKBEAT_SCENARIOS_DIR;
}

std::string resolve_scenario(const std::string& arg) {
  std::error_code ec;
  if (fs::exists(arg, ec)) return arg;
  if (arg.find('/') == std::string::npos) {
    fs::path shipped = fs::path(scenarios_dir()) / (arg + ".json");
    if (fs::exists(shipped, ec)) return shipped.string();
  }
  return arg;
}

scenario::LoadResult load_scenario_argument(const std::string& arg,
                                            const std::vector<std::string>& sets) {
  const std::string path = resolve_scenario(arg);
  std::error_code ec;
  if (fs::exists(path, ec)) return scenario::load_scenario_file(path, sets);
  const bool from_environment = scenarios_dir_from_environment() != nullptr;
  std::string guess;
  if (arg.find('/') == std::string::npos && arg.size() <= 256) {
    std::vector<std::string> names;
    for (const std::string& file : shipped_scenarios())
      names.push_back(fs::path(file).stem().string());
    const std::string stem =
        fs::path(arg).extension() == ".json" ? fs::path(arg).stem().string() : arg;
    if (auto best = scenario::did_you_mean(stem, names)) guess = "; did you mean '" + *best + "'?";
  }
  scenario::Diagnostic missing;
  missing.location = scenario::echo_path(arg);
  missing.message =
      arg.find('/') == std::string::npos
          ? "no such file, and no shipped scenario of that name in " +
                scenario::echo_path(scenarios_dir()) +
                (from_environment
                     ? " (from BACKBEAT_SCENARIOS_DIR)"
                     : " (the built-in directory; BACKBEAT_SCENARIOS_DIR changes it)") +
                "; backbeat-sim list shows the shipped ones" + guess
          : "no such file";
  scenario::LoadResult result;
  result.errors.push_back(std::move(missing));
  return result;
}

void print_load_problems(const scenario::LoadResult& loaded, const std::string& arg) {
  // Decided over every problem, not only the ones shown: a file problem hidden behind fifty --set
  // problems still makes the file wrong.
  const bool only_overrides = loaded.only_overrides_wrong();
  // The loader keeps the first problems and counts the rest (problems_text says how many more).
  std::fputs(loaded.problems_text().c_str(), stderr);
  const std::string where = only_overrides ? "the --set overrides of " + scenario::echo_path(arg)
                                           : scenario::echo_path(arg);
  std::fprintf(stderr,
               "backbeat-sim: %zu problem(s) in %s; see scenarios/README.md for the format\n",
               loaded.problem_count(), where.c_str());
}

bool is_json_schema_file(const std::string& path) {
  std::error_code ec;
  // Bounded, and only a regular file: the loader, not this peek, deals with devices and pipes.
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > (1u << 20) || ec) return false;
  std::ifstream in(path, std::ios::binary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false,
                                                   /*ignore_comments=*/true);
  if (!doc.is_object()) return false;
  const auto schema = doc.find("$schema");
  return schema != doc.end() && schema->is_string() &&
         schema->get<std::string>().find("json-schema.org") != std::string::npos;
}

std::string default_scenario() {
  return (fs::path(scenarios_dir()) / "baseline.json").string();
}

std::vector<std::string> scenario_files_in(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json" && !is_json_schema_file(e.path().string())) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> shipped_scenarios() {
  return scenario_files_in(scenarios_dir());
}

}  // namespace backbeat::sim::cli
