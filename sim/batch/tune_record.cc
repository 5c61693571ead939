#include "sim/batch/tune_record.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "sim/batch/json_fields.h"
#include "sim/scenario/assertion.h"

namespace backbeat::sim::batch {

using json = nlohmann::json;

std::uint64_t TypeSample::completed() const {
  std::uint64_t n = 0;
  for (const auto& [beats, count] : this->beats) n += count;
  return n;
}

TuneRecord tune_record(const scenario::Scenario& sc, const RunOutcome& outcome) {
  TuneRecord r;
  r.seed = outcome.seed;
  for (const OperationOutcome& op : outcome.operations) {
    TypeSample& t = r.types[op.type];
    ++t.started;
    if (op.result == OperationOutcome::Result::kCompleted) ++t.beats[op.beats()];
  }
  auto checks = scenario::evaluate_assertions(sc.assertions, sc.world, outcome);
  r.passed = std::all_of(checks.begin(), checks.end(),
                         [](const scenario::AssertionResult& c) { return c.pass; });
  return r;
}

TuneRun run_tune_seeds(const scenario::Scenario& sc, const SweepOptions& options) {
  std::vector<std::optional<TuneRecord>> records(
      static_cast<std::size_t>(options.last_seed - options.first_seed + 1));
  TuneRun run;
  run.interrupted = run_seed_outcomes(sc.world, options, [&](std::size_t i, const RunOutcome& o) {
    records[i] = tune_record(sc, o);
  });
  for (std::optional<TuneRecord>& r : records) {
    if (r) run.records.push_back(std::move(*r));
  }
  return run;
}

json tune_record_json(const TuneRecord& record) {
  json types = json::array();
  for (const auto& [type, sample] : record.types) {
    json beats = json::array();
    for (const auto& [b, count] : sample.beats) beats.push_back({{"beats", b}, {"count", count}});
    types.push_back({{"type", type},
                     {"started", sample.started},
                     {"completed", sample.completed()},
                     {"beats", beats}});
  }
  return {{"seed", record.seed}, {"verdict", record.passed ? "pass" : "fail"}, {"types", types}};
}

Result<TuneRecord> parse_tune_record(const json& j) {
  if (!j.is_object()) return Status::invalid_argument("record: expected an object");
  auto is_unsigned = is_json_unsigned;
  TuneRecord r;
  const json* seed = json_member(j, "seed", is_unsigned);
  if (!seed) return bad_field("record", "seed", "an integer 0..2^64-1");
  r.seed = seed->get<std::uint64_t>();
  const std::string at = fmt::format("seed {}", r.seed);
  const json* verdict = json_member(
      j, "verdict", [](const json& v) { return v.is_string() && (v == "pass" || v == "fail"); });
  if (!verdict) return bad_field(at, "verdict", "\"pass\" or \"fail\"");
  r.passed = *verdict == "pass";
  const json* types = json_member(j, "types", [](const json& v) { return v.is_array(); });
  if (!types) return bad_field(at, "types", "an array");
  for (std::size_t i = 0; i < types->size(); ++i) {
    const json& t = (*types)[i];
    const std::string where = fmt::format("{}/types/{}", at, i);
    if (!t.is_object()) return Status::invalid_argument(where + ": expected an object");
    const json* type = json_member(t, "type", [](const json& v) { return v.is_string(); });
    if (!type || type->get<std::string>().empty()) return bad_field(where, "type", "a name");
    if (r.types.count(type->get<std::string>())) {
      return bad_field(where, "type", "a type not listed before");
    }
    TypeSample sample;
    const json* started = json_member(t, "started", is_unsigned);
    if (!started) return bad_field(where, "started", "an integer >= 0");
    sample.started = started->get<std::size_t>();
    const json* beats = json_member(t, "beats", [](const json& v) { return v.is_array(); });
    if (!beats) return bad_field(where, "beats", "an array");
    for (std::size_t k = 0; k < beats->size(); ++k) {
      const json& b = (*beats)[k];
      const std::string bucket = fmt::format("{}/beats/{}", where, k);
      if (!b.is_object()) return Status::invalid_argument(bucket + ": expected an object");
      const json* value =
          json_member(b, "beats", [](const json& v) { return v.is_number_integer(); });
      if (!value) return bad_field(bucket, "beats", "an integer");
      const json* count = json_member(b, "count", [](const json& v) {
        return is_json_unsigned(v) && v.get<std::uint64_t>() > 0;
      });
      if (!count) return bad_field(bucket, "count", "an integer >= 1");
      if (!sample.beats.emplace(value->get<std::int64_t>(), count->get<std::uint64_t>()).second) {
        return bad_field(bucket, "beats", "a value not listed before");
      }
    }
    const json* completed = json_member(t, "completed", is_unsigned);
    if (!completed || completed->get<std::uint64_t>() != sample.completed()) {
      return bad_field(where, "completed", "the sum of the beats' counts");
    }
    if (sample.completed() > sample.started) {
      return bad_field(where, "completed", "at most \"started\"");
    }
    r.types.emplace(type->get<std::string>(), std::move(sample));
  }
  return r;
}

}  // namespace backbeat::sim::batch
