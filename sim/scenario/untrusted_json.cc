#include "sim/scenario/untrusted_json.h"

#include <fmt/format.h>

#include "sim/scenario/json_positions.h"

namespace backbeat::sim::scenario {

Result<nlohmann::json> parse_untrusted_json(std::string_view text) {
  if (std::optional<std::size_t> deep = offset_nested_deeper_than(text, kMaxJsonNesting)) {
    return Status::invalid_argument(fmt::format(
        "arrays and objects nested deeper than {} levels (at byte {})", kMaxJsonNesting, *deep));
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::invalid_argument(fmt::format("not JSON ({} bytes)", text.size()));
  }
  return j;
}

}  // namespace backbeat::sim::scenario
