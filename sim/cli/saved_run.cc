#include "sim/cli/saved_run.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/cli/seed_text.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/echo_text.h"
#include "sim/scenario/untrusted_json.h"

namespace backbeat::sim::cli {
namespace {

namespace fs = std::filesystem;

// A JSON value as a problem quotes it: short and printable.
std::string shown(const nlohmann::json& v) {
  return scenario::echo_text(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

Result<SavedRun> read_saved_run(const std::string& dir) {
  const fs::path run_file = fs::path(dir) / "run.json";
  const fs::path seed_file = fs::path(dir) / "seed";
  auto bad = [](const fs::path& file, const std::string& what) {
    return Status::invalid_argument(
        fmt::format("{}: {}", scenario::echo_path(file.string()), what));
  };
  std::error_code ec;
  if (!fs::exists(run_file, ec)) {
    return bad(run_file,
               "no such file: not a run directory (run --out writes run.json last; a run that "
               "failed before its end leaves none)");
  }
  if (!fs::is_regular_file(run_file, ec)) return bad(run_file, "not a regular file");
  Result<std::string> text =
      scenario::read_bounded_file(run_file.string(), scenario::kMaxRunFileBytes, "run file");
  if (!text.is_ok()) return bad(run_file, text.status().message());
  Result<nlohmann::json> parsed = scenario::parse_untrusted_json(*text);
  if (!parsed || !parsed->is_object()) {
    return bad(run_file, "corrupt: not a JSON object (rewrite it with run --out)");
  }
  nlohmann::json& run = *parsed;
  SavedRun saved;
  saved.scenario_file = (fs::path(dir) / "scenario.json").string();
  if (!run.contains("seed") || !run["seed"].is_number_unsigned()) {
    return bad(run_file, "/seed: expected the run's seed, an integer 0..2^64-1; got " +
                             (run.contains("seed") ? shown(run["seed"]) : "nothing"));
  }
  saved.seed = run["seed"].get<std::uint64_t>();
  const nlohmann::json fingerprint = run.value("fingerprint", nlohmann::json());
  if (!fingerprint.is_string() ||
      !parse_fingerprint(fingerprint.get<std::string>(), saved.fingerprint)) {
    return bad(run_file, "/fingerprint: expected 16 hex digits; got " +
                             (fingerprint.is_null() ? "nothing" : shown(fingerprint)));
  }
  if (run.value("interrupted", false)) {
    const nlohmann::json covered = run.value("sim_time_s", nlohmann::json());
    if (!covered.is_number() || covered.get<double>() < 0) {
      return bad(run_file,
                 "/sim_time_s: an interrupted run must say how many virtual seconds it covered; "
                 "got " +
                     (covered.is_null() ? "nothing" : shown(covered)));
    }
    saved.interrupted_after_s = covered.get<double>();
  }
  if (run.contains("backbeat")) saved.backbeat = run["backbeat"];
  // The seed file is for people and scripts; a copy that disagrees means the directory was
  // edited or mixed up, and which one to trust is not ours to guess.
  if (fs::exists(seed_file, ec)) {
    if (!fs::is_regular_file(seed_file, ec)) return bad(seed_file, "not a regular file");
    // A seed is at most 20 digits: reading a little more is enough to see anything else.
    std::ifstream seed_in(seed_file, std::ios::binary);
    std::string seed_text(64, '\0');
    seed_in.read(seed_text.data(), static_cast<std::streamsize>(seed_text.size()));
    seed_text.resize(static_cast<std::size_t>(seed_in.gcount()));
    while (!seed_text.empty() && (seed_text.back() == '\n' || seed_text.back() == '\r')) {
      seed_text.pop_back();
    }
    std::uint64_t seed = 0;
    if (!parse_seed(seed_text, seed)) {
      return bad(seed_file, "corrupt: expected one integer, the run's seed; got \"" +
                                scenario::echo_text(seed_text) + "\"");
    }
    if (seed != saved.seed) {
      return bad(seed_file, fmt::format("says seed {} but run.json says {}: the directory was "
                                        "edited or mixed up",
                                        seed, saved.seed));
    }
  }
  return saved;
}

}  // namespace backbeat::sim::cli
