#include "sim/batch/part_file.h"

#include <fmt/format.h>

#include "sim/batch/json_fields.h"

namespace backbeat::sim::batch {

using json = nlohmann::json;

namespace {

auto is_string = [](const json& v) { return v.is_string(); };

Status prefixed(const std::string& where, const Status& s) {
  return Status::invalid_argument(fmt::format("{}/{}", where, s.message()));
}

Result<PartScenario> parse_part_scenario(const json& j, const std::string& where,
                                         const PartFile& part, const SeedRange& slice) {
  if (!j.is_object()) return Status::invalid_argument(where + ": expected an object");
  PartScenario p;
  const json* argument = json_member(j, "argument", is_string);
  if (!argument) return bad_field(where, "argument", "a string");
  p.argument = argument->get<std::string>();
  const json* source = json_member(j, "source", is_string);
  if (!source) return bad_field(where, "source", "a string");
  p.source = source->get<std::string>();
  auto job_it = j.find("job");
  if (job_it == j.end()) return bad_field(where, "job", "an object");
  Result<SeedJob> job = parse_seed_job(*job_it);
  if (!job) return prefixed(where, job.status());
  p.job = std::move(*job);
  auto result_it = j.find("result");
  if (result_it == j.end()) return bad_field(where, "result", "an object");
  Result<JobResult> result = parse_job_result(*result_it);
  if (!result) return prefixed(where, result.status());
  p.result = std::move(*result);
  if (p.job.kind != part.kind || p.result.kind != part.kind) {
    return bad_field(where, "job/kind", "the part's kind");
  }
  if (p.job.first_seed != slice.first || p.job.last_seed != slice.last) {
    return Status::invalid_argument(
        fmt::format("{}/job: seeds {}..{}, but shard {} of seeds {}..{} is {}..{}", where,
                    p.job.first_seed, p.job.last_seed, part.shard.text(), part.first_seed,
                    part.last_seed, slice.first, slice.last));
  }
  if (p.result.first_seed != p.job.first_seed || p.result.last_seed != p.job.last_seed) {
    return bad_field(where, "result/first_seed", "the job's seeds");
  }
  if (p.result.scenario_digest != p.job.scenario_digest) {
    return Status::invalid_argument(
        fmt::format("{}/result/scenario_digest: {} is not the job's scenario ({})", where,
                    p.result.scenario_digest, p.job.scenario_digest));
  }
  if (p.result.interrupted) {
    return bad_field(where, "result/interrupted", "false (a part holds every seed of its shard)");
  }
  if (p.result.build != part.build) {
    return Status::invalid_argument(fmt::format(
        "{}/result/build: computed by \"{}\", not by the part's build", where, p.result.build));
  }
  return p;
}

}  // namespace

json part_file_json(const PartFile& part) {
  json scenarios = json::array();
  for (const PartScenario& s : part.scenarios) {
    scenarios.push_back({{"argument", s.argument},
                         {"source", s.source},
                         {"job", seed_job_json(s.job)},
                         {"result", job_result_json(s.result)}});
  }
  return {{"format", kPartFormat},
          {"kind", job_kind_name(part.kind)},
          {"shard", {{"index", part.shard.index}, {"count", part.shard.count}}},
          {"first_seed", part.first_seed},
          {"last_seed", part.last_seed},
          {"sets", part.sets},
          {"options", part.options},
          {"build", part.build},
          {"scenarios", scenarios}};
}

Result<PartFile> parse_part_file(const json& j) {
  const std::string where = "part";
  if (!j.is_object()) return Status::invalid_argument(where + ": expected an object");
  const json* format = json_member(j, "format", [](const json& v) { return v == kPartFormat; });
  if (!format) return bad_field(where, "format", "\"backbeat.part.v1\"");
  PartFile part;
  const json* kind = json_member(j, "kind", [](const json& v) {
    return v.is_string() && parse_job_kind(v.get<std::string>());
  });
  if (!kind) return bad_field(where, "kind", "\"sweep\" or \"tune\"");
  part.kind = *parse_job_kind(kind->get<std::string>());
  const json* shard = json_member(j, "shard", [](const json& v) { return v.is_object(); });
  if (!shard) return bad_field(where, "shard", "{index, count}");
  const json* index = json_member(*shard, "index", is_json_unsigned);
  const json* count = json_member(*shard, "count", is_json_unsigned);
  Result<Shard> parsed_shard = index && count
                                   ? parse_shard(fmt::format("{}/{}", index->get<std::uint64_t>(),
                                                             count->get<std::uint64_t>()))
                                   : Result<Shard>(Status::invalid_argument(""));
  if (!parsed_shard) {
    return bad_field(where, "shard", "{index: K, count: N} with 1 <= K <= N <= 100000");
  }
  part.shard = *parsed_shard;
  const json* first = json_member(j, "first_seed", is_json_unsigned);
  if (!first) return bad_field(where, "first_seed", "an integer 0..2^64-1");
  part.first_seed = first->get<std::uint64_t>();
  const json* last = json_member(j, "last_seed", [&](const json& v) {
    return is_json_unsigned(v) && v.get<std::uint64_t>() >= part.first_seed &&
           v.get<std::uint64_t>() - part.first_seed < kMaxSeeds;
  });
  if (!last) return bad_field(where, "last_seed", "an integer first_seed..first_seed+9999999");
  part.last_seed = last->get<std::uint64_t>();
  Result<SeedRange> slice = shard_range({part.first_seed, part.last_seed}, part.shard);
  if (!slice) return Status::invalid_argument(where + "/shard: " + slice.status().message());
  const json* sets = json_member(j, "sets", [](const json& v) {
    return v.is_array() &&
           std::all_of(v.begin(), v.end(), [](const json& s) { return s.is_string(); });
  });
  if (!sets) return bad_field(where, "sets", "an array of strings");
  part.sets = sets->get<std::vector<std::string>>();
  const json* options = json_member(j, "options", [](const json& v) { return v.is_object(); });
  if (!options) return bad_field(where, "options", "an object");
  part.options = *options;
  const json* build = json_member(j, "build", is_string);
  if (!build) return bad_field(where, "build", "a string (the build identity)");
  part.build = build->get<std::string>();
  const json* scenarios = json_member(j, "scenarios", [](const json& v) {
    return v.is_array() && !v.empty() && v.size() <= 100000;
  });
  if (!scenarios) return bad_field(where, "scenarios", "a non-empty array");
  for (std::size_t i = 0; i < scenarios->size(); ++i) {
    Result<PartScenario> s = parse_part_scenario(
        (*scenarios)[i], fmt::format("{}/scenarios/{}", where, i), part, *slice);
    if (!s) return s.status();
    part.scenarios.push_back(std::move(*s));
  }
  return part;
}

std::string part_mismatch(const PartFile& a, const PartFile& b) {
  if (a.kind != b.kind) {
    return fmt::format("kind {} vs {}", job_kind_name(b.kind), job_kind_name(a.kind));
  }
  if (a.shard.count != b.shard.count) {
    return fmt::format("shard count {} vs {}", b.shard.count, a.shard.count);
  }
  if (a.build != b.build) {
    return fmt::format("build \"{}\" vs \"{}\" (results of different builds are not merged)",
                       b.build, a.build);
  }
  if (a.first_seed != b.first_seed || a.last_seed != b.last_seed) {
    return fmt::format("seeds {}..{} vs {}..{}", b.first_seed, b.last_seed, a.first_seed,
                       a.last_seed);
  }
  if (a.sets != b.sets) {
    return fmt::format("--set {} vs {}", json(b.sets).dump(), json(a.sets).dump());
  }
  if (a.options != b.options) {
    return fmt::format("options {} vs {}", b.options.dump(), a.options.dump());
  }
  if (a.scenarios.size() != b.scenarios.size()) {
    return fmt::format("{} scenarios vs {}", b.scenarios.size(), a.scenarios.size());
  }
  for (std::size_t i = 0; i < a.scenarios.size(); ++i) {
    const PartScenario& x = a.scenarios[i];
    const PartScenario& y = b.scenarios[i];
    if (x.argument != y.argument || x.source != y.source) {
      return fmt::format("scenario {} is {} ({}) vs {} ({})", i + 1, y.argument, y.source,
                         x.argument, x.source);
    }
    if (x.job.scenario_digest != y.job.scenario_digest) {
      return fmt::format("scenario {} has digest {} vs {} (the scenario file changed)", y.argument,
                         y.job.scenario_digest, x.job.scenario_digest);
    }
  }
  return "";
}

}  // namespace backbeat::sim::batch
