#include "sim/batch/seed_job.h"

#include <fmt/format.h>

#include <array>

#include "sim/batch/build_identity.h"
#include "sim/batch/json_fields.h"
#include "sim/batch/seed_range.h"
#include "sim/kernel/hash.h"
#include "sim/kernel/trace.h"
#include "sim/scenario/loader.h"

namespace backbeat::sim::batch {

using json = nlohmann::json;

namespace {

constexpr std::array<const char*, 2> kKindNames = {"sweep", "tune"};

bool is_hex_digest(const json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// kind, first_seed and last_seed, shared by jobs and results.
Status parse_kind_and_seeds(const json& j, const std::string& where, JobKind& kind,
                            std::uint64_t& first, std::uint64_t& last) {
  const json* k = json_member(j, "kind", [](const json& v) {
    return v.is_string() && parse_job_kind(v.get<std::string>());
  });
  if (!k) return bad_field(where, "kind", "\"sweep\" or \"tune\"");
  kind = *parse_job_kind(k->get<std::string>());
  auto is_seed = is_json_unsigned;
  const json* f = json_member(j, "first_seed", is_seed);
  if (!f) return bad_field(where, "first_seed", "an integer 0..2^64-1");
  first = f->get<std::uint64_t>();
  const json* l = json_member(j, "last_seed", [&](const json& v) {
    return is_seed(v) && v.get<std::uint64_t>() >= first &&
           v.get<std::uint64_t>() - first < kMaxSeeds;
  });
  if (!l) return bad_field(where, "last_seed", "an integer first_seed..first_seed+9999999");
  last = l->get<std::uint64_t>();
  return Status::ok();
}

}  // namespace

const char* job_kind_name(JobKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<JobKind> parse_job_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (name == kKindNames[i]) return static_cast<JobKind>(i);
  }
  return std::nullopt;
}

std::string scenario_digest(std::string_view scenario_text) {
  return hex64(fnv1a64(scenario_text));
}

SeedJob seed_job(JobKind kind, const scenario::Scenario& sc, std::uint64_t first_seed,
                 std::uint64_t last_seed) {
  SeedJob job;
  job.kind = kind;
  job.scenario_text = sc.document.dump();  // objects keep their keys sorted: canonical
  job.scenario_digest = scenario_digest(job.scenario_text);
  job.first_seed = first_seed;
  job.last_seed = last_seed;
  return job;
}

json seed_job_json(const SeedJob& job) {
  return {{"kind", job_kind_name(job.kind)},
          {"scenario_digest", job.scenario_digest},
          {"first_seed", job.first_seed},
          {"last_seed", job.last_seed},
          {"scenario", job.scenario_text}};
}

Result<SeedJob> parse_seed_job(const json& j) {
  const std::string where = "job";
  if (!j.is_object()) return Status::invalid_argument(where + ": expected an object");
  SeedJob job;
  if (Status s = parse_kind_and_seeds(j, where, job.kind, job.first_seed, job.last_seed); !s) {
    return s;
  }
  const json* digest = json_member(j, "scenario_digest", is_hex_digest);
  if (!digest) return bad_field(where, "scenario_digest", "16 lower-case hex digits");
  job.scenario_digest = digest->get<std::string>();
  const json* text = json_member(j, "scenario", [](const json& v) { return v.is_string(); });
  if (!text) return bad_field(where, "scenario", "the scenario document as a string");
  job.scenario_text = text->get<std::string>();
  if (scenario_digest(job.scenario_text) != job.scenario_digest) {
    return Status::invalid_argument(
        fmt::format("{}/scenario_digest: {} does not match the scenario text (digest {})", where,
                    job.scenario_digest, scenario_digest(job.scenario_text)));
  }
  return job;
}

Result<scenario::Scenario> load_job_scenario(const SeedJob& job, const std::string& source_name) {
  const std::string digest = scenario_digest(job.scenario_text);
  if (digest != job.scenario_digest) {
    return Status::invalid_argument(
        fmt::format("{}: scenario digest {} does not match its text (digest {})", source_name,
                    job.scenario_digest, digest));
  }
  scenario::LoadResult r = scenario::load_scenario_text(job.scenario_text, source_name);
  if (!r.ok()) {
    return Status::invalid_argument(
        fmt::format("{}: the job's scenario does not load:\n{}", source_name, r.problems_text()));
  }
  return std::move(*r.scenario);
}

json job_result_json(const JobResult& result) {
  return {{"kind", job_kind_name(result.kind)},
          {"scenario_digest", result.scenario_digest},
          {"build", result.build},
          {"first_seed", result.first_seed},
          {"last_seed", result.last_seed},
          {"interrupted", result.interrupted},
          {"records", result.records}};
}

Result<JobResult> parse_job_result(const json& j) {
  const std::string where = "result";
  if (!j.is_object()) return Status::invalid_argument(where + ": expected an object");
  JobResult r;
  if (Status s = parse_kind_and_seeds(j, where, r.kind, r.first_seed, r.last_seed); !s) return s;
  const json* digest = json_member(j, "scenario_digest", is_hex_digest);
  if (!digest) return bad_field(where, "scenario_digest", "16 lower-case hex digits");
  r.scenario_digest = digest->get<std::string>();
  const json* build = json_member(j, "build", [](const json& v) { return v.is_string(); });
  if (!build) return bad_field(where, "build", "a string (the build identity)");
  r.build = build->get<std::string>();
  const json* interrupted =
      json_member(j, "interrupted", [](const json& v) { return v.is_boolean(); });
  if (!interrupted) return bad_field(where, "interrupted", "true or false");
  r.interrupted = interrupted->get<bool>();
  const json* records = json_member(j, "records", [](const json& v) { return v.is_array(); });
  if (!records) return bad_field(where, "records", "an array");
  r.records.assign(records->begin(), records->end());
  // Typed parse: every record well formed, seeds ascending, once each, inside the range.
  std::vector<std::uint64_t> seeds;
  if (r.kind == JobKind::kSweep) {
    Result<std::vector<SeedRecord>> typed = sweep_records(r);
    if (!typed) return typed.status();
    for (const SeedRecord& s : *typed) seeds.push_back(s.seed);
  } else {
    Result<std::vector<TuneRecord>> typed = tune_records(r);
    if (!typed) return typed.status();
    for (const TuneRecord& t : *typed) seeds.push_back(t.seed);
  }
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i] < r.first_seed || seeds[i] > r.last_seed || (i > 0 && seeds[i] <= seeds[i - 1])) {
      return Status::invalid_argument(fmt::format(
          "{}/records/{}: seed {} out of order or outside first_seed..last_seed ({}..{})", where, i,
          seeds[i], r.first_seed, r.last_seed));
    }
  }
  if (!r.interrupted && seeds.size() != r.last_seed - r.first_seed + 1) {
    return Status::invalid_argument(
        fmt::format("{}/records: {} records for {} seeds in a result not interrupted", where,
                    seeds.size(), r.last_seed - r.first_seed + 1));
  }
  return r;
}

Result<std::vector<SeedRecord>> sweep_records(const JobResult& result) {
  if (result.kind != JobKind::kSweep) {
    return Status::invalid_argument("result/kind: expected \"sweep\"");
  }
  std::vector<SeedRecord> out;
  for (std::size_t i = 0; i < result.records.size(); ++i) {
    Result<SeedRecord> r = parse_seed_record(result.records[i]);
    if (!r)
      return Status::invalid_argument(
          fmt::format("result/records/{}: {}", i, r.status().message()));
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<TuneRecord>> tune_records(const JobResult& result) {
  if (result.kind != JobKind::kTune)
    return Status::invalid_argument("result/kind: expected \"tune\"");
  std::vector<TuneRecord> out;
  for (std::size_t i = 0; i < result.records.size(); ++i) {
    Result<TuneRecord> r = parse_tune_record(result.records[i]);
    if (!r)
      return Status::invalid_argument(
          fmt::format("result/records/{}: {}", i, r.status().message()));
    out.push_back(std::move(*r));
  }
  return out;
}

Result<JobResult> run_seed_job(const SeedJob& job, const JobRunOptions& options) {
  Result<scenario::Scenario> sc = load_job_scenario(job, "job " + job.scenario_digest);
  if (!sc) return sc.status();
  SweepOptions seeds;
  seeds.first_seed = job.first_seed;
  seeds.last_seed = job.last_seed;
  seeds.jobs = options.jobs;
  seeds.on_seed_done = options.on_seed_done;
  seeds.stop = options.stop;
  JobResult result;
  result.kind = job.kind;
  result.scenario_digest = job.scenario_digest;
  result.build = build_identity();
  result.first_seed = job.first_seed;
  result.last_seed = job.last_seed;
  if (job.kind == JobKind::kSweep) {
    SeedRun run = run_seeds(*sc, seeds);
    result.interrupted = run.interrupted;
    for (const SeedRecord& r : run.records) result.records.push_back(seed_record_json(r));
  } else {
    TuneRun run = run_tune_seeds(*sc, seeds);
    result.interrupted = run.interrupted;
    for (const TuneRecord& r : run.records) result.records.push_back(tune_record_json(r));
  }
  return result;
}

}  // namespace backbeat::sim::batch
