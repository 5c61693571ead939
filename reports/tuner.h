// The beat-budget tuner: runs one scenario over many seeds and recommends, per operation type, the
// smallest whole-beat budget that covers percentile P of beats-to-complete, plus a margin.
//
// Method. Seeds first_seed, first_seed+1, ... are simulated on `jobs` std::thread workers, each
// running whole single-threaded simulations; results are stored per seed index and merged in seed
// order, so the result is identical for any `jobs`. Per type, the beats-to-complete of every
// completed operation of every completed seed are pooled; the quantile is the nearest-rank
// percentile (sim/scenario/percentile.h), so it is a whole number of beats and the budget that
// just meets P; recommended = max(1, quantile + margin). The confidence interval of the quantile is
// a percentile-method bootstrap: `resamples` resamples of the pooled values with replacement,
// drawn from the project's RandomStream (Seeds(bootstrap_seed).stream("bootstrap", type index),
// one stream per type so types do not perturb each other), never from std:: distributions.
// "Share over current budget" = completed operations with beats > the scenario's budget /
// completed.
//
// Margin default 0: the pooled p99 over many seeds already bounds what a single run's p95
// assertion sees; a margin buys headroom against what the scenario does not model.
//
// Interruption: `stop` is polled before each seed and inside running simulations; a stopped tuner
// abandons in-flight seeds and returns the seeds completed so far (interrupted = true).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/batch/tune_record.h"
#include "sim/scenario/scenario.h"

namespace backbeat::reports {

struct TuneOptions {
  int seeds = 100;
  std::uint64_t first_seed = 1;
  double percentile = 99;
  int margin = 0;  // whole beats added to the quantile
  int jobs = 1;
  int resamples = 1000;
  double confidence = 0.95;
  std::uint64_t bootstrap_seed = 0x7e57;
  // Called from worker threads (serialise yourself) after each finished seed: (done, total).
  std::function<void(int done, int total)> on_seed_done;
  // Polled by workers; returning true stops the tuner (Ctrl-C).
  std::function<bool()> stop;
};

// The seed document's "Beat Budget Guidelines", by the project's type names.
struct Guideline {
  int low = 0;
  int high = 0;
};
// The seed's "Beat Budget Guidelines" row for `type`: its table names (leader_election, ...)
// and the seed's own type strings ("election" is the Leader Election row).
std::optional<Guideline> guideline_for(const std::string& type);

struct TypeTuning {
  std::string type;
  std::size_t started = 0;
  std::size_t completed = 0;              // samples pooled
  std::optional<std::int64_t> quantile;   // nearest-rank percentile of the pooled beats
  std::optional<double> ci_low, ci_high;  // bootstrap confidence interval of the quantile
  std::optional<int> recommended;         // quantile + margin (at least 1)
  int current_budget = 0;
  std::size_t over_current = 0;  // completed with beats > current budget
  double share_over_current = 0;
  std::size_t over_recommended = 0;
  double share_over_recommended = 0;
  std::optional<Guideline> guideline;
  std::map<std::int64_t, std::uint64_t> histogram;  // pooled beats -> count
};

struct TuneResult {
  std::string scenario;
  int seeds_requested = 0;
  int seeds_completed = 0;
  std::uint64_t first_seed = 0;
  double percentile = 99;
  int margin = 0;
  int resamples = 0;
  double confidence = 0.95;
  bool interrupted = false;
  int seeds_passing = 0;  // completed seeds whose verdict passed with the current table
  std::vector<std::uint64_t> completed_seeds;  // ascending
  std::vector<TypeTuning> types;

  // The recommended table in the scenario's "budgets" format: {type: beats}; types without
  // completed operations keep their current budget.
  nlohmann::json budgets() const;
};

// The seeds run on threads (sim/batch/tune_record.h) and aggregated: run records + aggregate_tune.
TuneResult tune(const sim::scenario::Scenario& scenario, const TuneOptions& options);

// The recommendation from per-seed records, a pure function of the set of records: any order, a
// seed repeated counted once, so records from any machines or shards give the same result. Uses
// options' seeds, first_seed, percentile, margin, resamples, confidence and bootstrap_seed (jobs
// only parallelises the bootstraps); `interrupted` is reported as given.
TuneResult aggregate_tune(const sim::scenario::Scenario& scenario,
                          std::vector<sim::batch::TuneRecord> records, const TuneOptions& options,
                          bool interrupted);

// Bootstrap confidence interval (percentile method) of the nearest-rank `percentile` of `sorted`.
// Deterministic for a given `stream_seed`.
std::pair<double, double> bootstrap_quantile_ci(const std::vector<std::int64_t>& sorted,
                                                double percentile, int resamples, double confidence,
                                                std::uint64_t stream_seed);

nlohmann::json tune_json(const TuneResult& result);
// The side-by-side table: current budget, guideline, quantile with CI, recommended, shares.
std::string tune_text(const TuneResult& result);

}  // namespace backbeat::reports
