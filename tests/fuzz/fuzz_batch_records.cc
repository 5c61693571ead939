// libFuzzer target: the parsers of what crosses machines in a scale-out run (sim/batch/): a job
// and a job result (the work queue's payloads, from any worker on the network) and a part file
// (what `merge` reads from a batch scheduler's shards). Input: JSON text; its first byte picks
// the parser (j: job, r: result, p: part file; the rest of the input is the JSON).
// Properties: never crashes or throws; an error is kInvalidArgument naming the field from the
// top ("job...", "result...", "part..."); an accepted value serialises, parses back and
// serialises to the same bytes (the writer is a function of the value, nothing is lost).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sim/batch/part_file.h"
#include "sim/batch/seed_job.h"
#include "sim/scenario/untrusted_json.h"

namespace {

using nlohmann::json;
using namespace backbeat;

[[noreturn]] void violated(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "FUZZ PROPERTY VIOLATED: %s\n  input: %.*s\n  detail: %s\n", what,
               static_cast<int>(input.size()), input.data(), detail.c_str());
  std::abort();
}

// One parser's properties: `parse` (json -> Result<T>), `write` (T -> json), errors start
// with `prefix`.
template <typename Parse, typename Write>
void check(std::string_view input, const json& j, const char* prefix, Parse parse, Write write) {
  auto first = parse(j);
  if (!first) {
    const Status& s = first.status();
    if (s.code() != StatusCode::kInvalidArgument || !s.message().starts_with(prefix)) {
      violated("an error that does not name its field", input, s.message());
    }
    return;
  }
  const std::string once = write(*first).dump();
  auto second = parse(json::parse(once));
  if (!second) violated("a written value does not parse back", input, second.status().message());
  const std::string twice = write(*second).dump();
  if (once != twice) violated("a round trip changed the value", input, once + "\n  " + twice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const char which = input.front();
  // As every caller reads such text: bounded nesting (deeper text, or not JSON, is refused
  // before these parsers see it; an unbounded copy of deep nesting overflows the stack).
  Result<json> parsed = sim::scenario::parse_untrusted_json(input.substr(1));
  if (!parsed) return 0;
  const json& j = *parsed;
  switch (which) {
    case 'j':
      check(input, j, "job", sim::batch::parse_seed_job, sim::batch::seed_job_json);
      break;
    case 'r':
      check(input, j, "result", sim::batch::parse_job_result, sim::batch::job_result_json);
      break;
    case 'p':
      check(input, j, "part", sim::batch::parse_part_file, sim::batch::part_file_json);
      break;
    default:
      break;
  }
  return 0;
}
