#include "reports/tuner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/budget_profiles.h"
#include "sim/batch/parallel_for.h"
#include "sim/kernel/random.h"
#include "sim/scenario/assertion.h"
#include "sim/scenario/percentile.h"

namespace backbeat::reports {

using json = nlohmann::json;

std::optional<Guideline> guideline_for(const std::string& type) {
  // The seed's table lives with the budget profiles derived from it (core/budget_profiles.h).
  std::optional<BudgetGuideline> g = budget_guideline(type);
  if (!g) return std::nullopt;
  return Guideline{g->low, g->high};
}

std::pair<double, double> bootstrap_quantile_ci(const std::vector<std::int64_t>& sorted,
                                                double percentile, int resamples, double confidence,
                                                std::uint64_t stream_seed) {
  if (sorted.empty()) return {0, 0};
  const std::size_t n = sorted.size();
  const std::int64_t lo = sorted.front();
  const std::int64_t range = sorted.back() - lo + 1;
  // Rank of the nearest-rank percentile in a resample of n.
  const std::uint64_t rank = sim::scenario::nearest_rank_position(n, percentile);
  sim::RandomStream rng(stream_seed);
  std::vector<std::int64_t> quantiles;
  quantiles.reserve(static_cast<std::size_t>(std::max(resamples, 1)));
  if (range <= (1 << 22)) {
    // Whole beats take few distinct values: count the resample instead of sorting it.
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(range));
    for (int b = 0; b < resamples; ++b) {
      std::fill(counts.begin(), counts.end(), 0);
      for (std::size_t i = 0; i < n; ++i) ++counts[sorted[rng.uniform_u64(n)] - lo];
      std::uint64_t cum = 0;
      std::size_t v = 0;
      for (; v < counts.size(); ++v) {
        cum += counts[v];
        if (cum >= rank) break;
      }
      quantiles.push_back(lo + static_cast<std::int64_t>(std::min(v, counts.size() - 1)));
    }
  } else {
    std::vector<std::int64_t> sample(n);
    for (int b = 0; b < resamples; ++b) {
      for (std::size_t i = 0; i < n; ++i) sample[i] = sorted[rng.uniform_u64(n)];
      std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                       sample.end());
      quantiles.push_back(sample[rank - 1]);
    }
  }
  std::sort(quantiles.begin(), quantiles.end());
  double tail = (1.0 - confidence) / 2.0 * 100.0;
  return {static_cast<double>(*sim::scenario::nearest_rank(quantiles, tail)),
          static_cast<double>(*sim::scenario::nearest_rank(quantiles, 100.0 - tail))};
}

json TuneResult::budgets() const {
  json b = json::object();
  for (const TypeTuning& t : types) b[t.type] = t.recommended ? *t.recommended : t.current_budget;
  return b;
}

TuneResult tune(const sim::scenario::Scenario& sc, const TuneOptions& options) {
  sim::batch::SweepOptions seeds;
  seeds.first_seed = options.first_seed;
  seeds.last_seed = options.first_seed + static_cast<std::uint64_t>(std::max(options.seeds, 1) - 1);
  seeds.jobs = options.jobs;
  seeds.on_seed_done = options.on_seed_done;
  seeds.stop = options.stop;
  if (options.seeds < 1) return aggregate_tune(sc, {}, options, false);
  sim::batch::TuneRun run = sim::batch::run_tune_seeds(sc, seeds);
  return aggregate_tune(sc, std::move(run.records), options, run.interrupted);
}

TuneResult aggregate_tune(const sim::scenario::Scenario& sc,
                          std::vector<sim::batch::TuneRecord> records, const TuneOptions& options,
                          bool interrupted) {
  TuneResult out;
  out.scenario = sc.name;
  out.seeds_requested = std::max(options.seeds, 0);
  out.first_seed = options.first_seed;
  out.percentile = options.percentile;
  out.margin = options.margin;
  out.resamples = options.resamples;
  out.confidence = options.confidence;
  out.interrupted = interrupted;

  // Pool in seed order, each seed once.
  std::sort(records.begin(), records.end(),
            [](const sim::batch::TuneRecord& a, const sim::batch::TuneRecord& b) {
              return a.seed < b.seed;
            });
  std::vector<std::string> types = sim::scenario::workload_types(sc.world);
  std::map<std::string, std::map<std::int64_t, std::uint64_t>> pooled_histograms;
  std::map<std::string, std::size_t> started;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const sim::batch::TuneRecord& r = records[i];
    if (i > 0 && records[i - 1].seed == r.seed) continue;
    ++out.seeds_completed;
    out.completed_seeds.push_back(r.seed);
    if (r.passed) ++out.seeds_passing;
    for (const auto& [type, sample] : r.types) {
      started[type] += sample.started;
      auto& h = pooled_histograms[type];
      for (const auto& [beats, count] : sample.beats) h[beats] += count;
    }
  }
  for (const auto& [type, count] : started) {
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
  }
  std::map<std::string, std::vector<std::int64_t>> pooled;  // sorted beats, by type
  for (const auto& [type, histogram] : pooled_histograms) {
    std::vector<std::int64_t>& v = pooled[type];
    for (const auto& [beats, count] : histogram) v.insert(v.end(), count, beats);
  }

  out.types.resize(types.size());
  sim::batch::parallel_for(
      static_cast<int>(types.size()), options.jobs,
      [&](int k) {
        TypeTuning& t = out.types[static_cast<std::size_t>(k)];
        t.type = types[static_cast<std::size_t>(k)];
        t.current_budget = sim::scenario::budget_for(sc.world, t.type);
        t.guideline = guideline_for(t.type);
        t.started = started.count(t.type) ? started.at(t.type) : 0;
        auto it = pooled.find(t.type);
        if (it == pooled.end() || it->second.empty()) return;
        const std::vector<std::int64_t>& beats = it->second;
        t.completed = beats.size();
        for (std::int64_t b : beats) ++t.histogram[b];
        t.quantile = *sim::scenario::nearest_rank(beats, options.percentile);
        auto [lo, hi] = bootstrap_quantile_ci(
            beats, options.percentile, options.resamples, options.confidence,
            sim::Seeds(options.bootstrap_seed).derive("bootstrap", static_cast<std::uint64_t>(k)));
        t.ci_low = lo;
        t.ci_high = hi;
        t.recommended =
            static_cast<int>(std::clamp<std::int64_t>(*t.quantile + options.margin, 1, 1000));
        auto over = [&](std::int64_t budget) {
          return static_cast<std::size_t>(beats.end() -
                                          std::upper_bound(beats.begin(), beats.end(), budget));
        };
        t.over_current = over(t.current_budget);
        t.share_over_current =
            static_cast<double>(t.over_current) / static_cast<double>(beats.size());
        t.over_recommended = over(*t.recommended);
        t.share_over_recommended =
            static_cast<double>(t.over_recommended) / static_cast<double>(beats.size());
      },
      nullptr);
  return out;
}

json tune_json(const TuneResult& r) {
  json types = json::array();
  for (const TypeTuning& t : r.types) {
    json hist = json::array();
    for (const auto& [beats, count] : t.histogram) {
      hist.push_back({{"beats", beats}, {"count", count}});
    }
    types.push_back(
        {{"type", t.type},
         {"started", t.started},
         {"completed", t.completed},
         {"quantile", t.quantile ? json(*t.quantile) : json(nullptr)},
         {"ci_low", t.ci_low ? json(*t.ci_low) : json(nullptr)},
         {"ci_high", t.ci_high ? json(*t.ci_high) : json(nullptr)},
         {"recommended", t.recommended ? json(*t.recommended) : json(nullptr)},
         {"current_budget", t.current_budget},
         {"over_current", t.over_current},
         {"share_over_current", t.share_over_current},
         {"over_recommended", t.over_recommended},
         {"share_over_recommended", t.share_over_recommended},
         {"guideline", t.guideline ? json{{"low", t.guideline->low}, {"high", t.guideline->high}}
                                   : json(nullptr)},
         {"histogram", hist}});
  }
  return {{"format", "backbeat.tune.v1"},
          {"scenario", r.scenario},
          {"seeds_requested", r.seeds_requested},
          {"seeds_completed", r.seeds_completed},
          {"first_seed", r.first_seed},
          {"completed_seeds", r.completed_seeds},
          {"interrupted", r.interrupted},
          {"percentile", r.percentile},
          {"margin", r.margin},
          {"resamples", r.resamples},
          {"confidence", r.confidence},
          {"seeds_passing_current", r.seeds_passing},
          {"types", types},
          {"budgets", r.budgets()}};
}

std::string tune_text(const TuneResult& r) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "tune      {}: {} of {} seeds ({}..{}){}\n", r.scenario, r.seeds_completed,
                 r.seeds_requested, r.first_seed,
                 r.first_seed + static_cast<std::uint64_t>(std::max(r.seeds_requested, 1) - 1),
                 r.interrupted ? ", INTERRUPTED: partial result" : "");
  fmt::format_to(out,
                 "method    p{:g} of beats-to-complete pooled over seeds, + {} beat(s) margin; "
                 "{:g}% bootstrap CI ({} resamples)\n\n",
                 r.percentile, r.margin, r.confidence * 100, r.resamples);
  fmt::format_to(out, "{:<20} {:>9} {:>9} {:>8} {:>6} {:>11} {:>11} {:>12} {:>9}\n", "type",
                 "completed", "guideline", "current", "p" + fmt::format("{:g}", r.percentile), "CI",
                 "recommended", "over current", "over new");
  for (const TypeTuning& t : r.types) {
    std::string guide =
        t.guideline ? fmt::format("{}-{}", t.guideline->low, t.guideline->high) : std::string("-");
    std::string q = t.quantile ? std::to_string(*t.quantile) : "-";
    std::string ci = t.ci_low ? fmt::format("[{:g}, {:g}]", *t.ci_low, *t.ci_high) : "-";
    std::string rec = t.recommended ? std::to_string(*t.recommended) : "-";
    std::string mark;
    if (t.recommended && *t.recommended != t.current_budget) {
      mark = *t.recommended > t.current_budget ? " (raise)" : " (lower)";
    }
    fmt::format_to(out, "{:<20} {:>9} {:>9} {:>8} {:>6} {:>11} {:>11} {:>11.2f}% {:>8.2f}%{}\n",
                   t.type, t.completed, guide, t.current_budget, q, ci, rec,
                   t.share_over_current * 100, t.share_over_recommended * 100, mark);
  }
  fmt::format_to(out, "\nverdict   {} of {} completed seeds pass with the current table\n",
                 r.seeds_passing, r.seeds_completed);
  fmt::format_to(out, "budgets   {}\n", r.budgets().dump());
  return s;
}

}  // namespace backbeat::reports
