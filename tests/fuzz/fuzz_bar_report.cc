// libFuzzer target: decode_bar_report (INT contract) on arbitrary bytes. Checks the fast path and
// the reference decoder agree, errors name a field, and accepted messages round-trip through the
// encoder (tests/fuzz/fuzz_common.h). Never crashes, never throws, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backbeat;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::check_decoder<BarReport>(
      input, [](std::string_view t) { return decode_bar_report(t); },
      [](std::string_view t) { return reference::decode_bar_report(t); },
      [](std::string_view t) { return fast_path::decode_bar_report(t); },
      [](const BarReport& v) { return validate_bar_report(v); },
      [](const BarReport& v) { return encode_bar_report(v); });
  return 0;
}
