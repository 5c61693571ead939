// libFuzzer target: the strict scenario loader (sim/scenario/loader.h) on arbitrary text.
// Input: the scenario text; when it contains a line "#SET <PATH=VALUE>" at the very start, that
// line is a --set override instead (so overrides are fuzzed too). Properties: never crashes
// or throws; a load either yields a scenario with no diagnostics or at least one diagnostic,
// and every diagnostic is located (in the file, "fuzz.json:LINE:COL", or at the --set) and says
// what was expected.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backbeat::sim::scenario;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  if (input.starts_with("#SET ")) {
    std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return 0;
    overrides.emplace_back(input.substr(5, nl - 5));
    input.remove_prefix(nl + 1);
  }
  LoadResult result = load_scenario_text(input, "fuzz.json", overrides);
  bool violated = result.ok() == !result.errors.empty();
  for (const Diagnostic& d : result.errors) {
    bool located = d.location.starts_with("fuzz.json") || d.location.starts_with("--set ");
    if (!located || d.message.empty()) violated = true;
  }
  if (violated) {
    std::fprintf(stderr, "FUZZ PROPERTY VIOLATED: ok=%d, %zu diagnostics:\n%s\n", result.ok(),
                 result.errors.size(), format_diagnostics(result.errors).c_str());
    std::abort();
  }
  return 0;
}
