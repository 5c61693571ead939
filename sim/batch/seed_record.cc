#include "sim/batch/seed_record.h"

#include <fmt/format.h>

#include <array>

#include "sim/batch/json_fields.h"
#include "sim/kernel/trace.h"

namespace backbeat::sim::batch {

using json = nlohmann::json;

namespace {

constexpr std::array<const char*, 3> kHowNames = {"above_bound", "below_bound", "unmeasured"};

json optional_number(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

Result<FailedAssertion> parse_failed(const json& j, const std::string& where) {
  if (!j.is_object()) return Status::invalid_argument(where + ": expected an object");
  auto is_string = [](const json& v) { return v.is_string(); };
  auto is_number = [](const json& v) { return v.is_number(); };
  FailedAssertion f;
  const json* name = json_member(j, "name", is_string);
  if (!name) return bad_field(where, "name", "a string");
  f.name = name->get<std::string>();
  const json* how = json_member(j, "how", is_string);
  std::optional<FailureHow> parsed =
      how ? parse_failure_how(how->get<std::string>()) : std::nullopt;
  if (!parsed) return bad_field(where, "how", "above_bound, below_bound or unmeasured");
  f.how = *parsed;
  auto measured = j.find("measured");
  if (measured == j.end() || !(measured->is_null() || measured->is_number())) {
    return bad_field(where, "measured", "a number or null");
  }
  if (measured->is_number()) f.measured = measured->get<double>();
  const json* bound = json_member(j, "bound", is_number);
  if (!bound) return bad_field(where, "bound", "a number");
  f.bound = bound->get<double>();
  for (auto [key, out] : {std::pair{"comparison", &f.comparison}, std::pair{"unit", &f.unit},
                          std::pair{"detail", &f.detail}}) {
    const json* text = json_member(j, key, is_string);
    if (!text) return bad_field(where, key, "a string");
    *out = text->get<std::string>();
  }
  return f;
}

}  // namespace

const char* failure_how_name(FailureHow how) {
  return kHowNames[static_cast<std::size_t>(how)];
}

std::optional<FailureHow> parse_failure_how(std::string_view name) {
  for (std::size_t i = 0; i < kHowNames.size(); ++i) {
    if (name == kHowNames[i]) return static_cast<FailureHow>(i);
  }
  return std::nullopt;
}

FailureHow failure_how(const scenario::AssertionResult& failed) {
  if (!failed.measured) return FailureHow::kUnmeasured;
  return failed.comparison == ">=" ? FailureHow::kBelowBound : FailureHow::kAboveBound;
}

SeedRecord seed_record(const scenario::RunReport& report) {
  SeedRecord r;
  r.seed = report.outcome->seed;
  r.fingerprint = hex64(report.outcome->fingerprint);
  r.passed = report.passed();
  r.mismatches = scenario::expectation_mismatches(report);
  r.as_expected = r.mismatches.empty();
  for (const scenario::AssertionResult& a : report.results) {
    if (a.pass) continue;
    r.failed.push_back(
        {a.name, failure_how(a), a.measured, a.bound, a.comparison, a.unit, a.detail});
  }
  return r;
}

json seed_record_json(const SeedRecord& record) {
  json failed = json::array();
  for (const FailedAssertion& f : record.failed) {
    failed.push_back({{"name", f.name},
                      {"how", failure_how_name(f.how)},
                      {"measured", optional_number(f.measured)},
                      {"bound", f.bound},
                      {"comparison", f.comparison},
                      {"unit", f.unit},
                      {"detail", f.detail}});
  }
  return {{"seed", record.seed},
          {"fingerprint", record.fingerprint},
          {"verdict", record.passed ? "pass" : "fail"},
          {"as_expected", record.as_expected},
          {"failed", failed},
          {"mismatches", record.mismatches}};
}

Result<SeedRecord> parse_seed_record(const json& j) {
  const std::string where = "record";
  if (!j.is_object()) return Status::invalid_argument(where + ": expected an object");
  SeedRecord r;
  const json* seed = json_member(j, "seed", [](const json& v) { return v.is_number_unsigned(); });
  if (!seed) return bad_field(where, "seed", "an integer 0..2^64-1");
  r.seed = seed->get<std::uint64_t>();
  const std::string at = fmt::format("seed {}", r.seed);
  const json* fingerprint =
      json_member(j, "fingerprint", [](const json& v) { return v.is_string(); });
  if (!fingerprint) return bad_field(at, "fingerprint", "a string");
  r.fingerprint = fingerprint->get<std::string>();
  const json* verdict = json_member(
      j, "verdict", [](const json& v) { return v.is_string() && (v == "pass" || v == "fail"); });
  if (!verdict) return bad_field(at, "verdict", "\"pass\" or \"fail\"");
  r.passed = *verdict == "pass";
  const json* as_expected =
      json_member(j, "as_expected", [](const json& v) { return v.is_boolean(); });
  if (!as_expected) return bad_field(at, "as_expected", "true or false");
  r.as_expected = as_expected->get<bool>();
  const json* failed = json_member(j, "failed", [](const json& v) { return v.is_array(); });
  if (!failed) return bad_field(at, "failed", "an array");
  for (std::size_t i = 0; i < failed->size(); ++i) {
    Result<FailedAssertion> f = parse_failed((*failed)[i], fmt::format("{}/failed/{}", at, i));
    if (!f) return f.status();
    r.failed.push_back(std::move(*f));
  }
  const json* mismatches = json_member(j, "mismatches", [](const json& v) {
    return v.is_array() &&
           std::all_of(v.begin(), v.end(), [](const json& m) { return m.is_string(); });
  });
  if (!mismatches) return bad_field(at, "mismatches", "an array of strings");
  r.mismatches = mismatches->get<std::vector<std::string>>();
  return r;
}

}  // namespace backbeat::sim::batch
