// Shared checks for the libFuzzer targets (tests/fuzz/): bit-exact comparison of decoded
// messages and a crash-on-violation helper. A violated property aborts, which libFuzzer reports
// as a crash and saves the input (crash-<sha1>) for a regression test.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/contracts/decode_paths.h"
#include "tests/support/same_value.h"

namespace backbeat::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view input, const std::string& a,
                              const std::string& b) {
  std::fprintf(stderr, "FUZZ PROPERTY VIOLATED: %s\n  input: %.*s\n  a: %s\n  b: %s\n", what,
               static_cast<int>(input.size()), input.data(), a.c_str(), b.c_str());
  std::abort();
}

using testing::Integers;
using testing::same_result;
using testing::same_value;
using testing::show;

// The decoder properties every contract target checks on one input:
//  1. decode (fast path with fallback) == reference decoder, byte for byte in error messages;
//  2. when the fast path answers itself, its answer is the reference's;
//  3. an error names a field: the message is "<field>: ..." (or "(json): ...");
//  4. an accepted message passes validate, encodes, and decodes back to an equal value; the
//     re-encoding is byte-identical (the encoder is a function of the value).
template <typename T, typename Decode, typename Reference, typename Fast, typename Validate,
          typename Encode>
void check_decoder(std::string_view input, Decode decode, Reference reference, Fast fast,
                   Validate validate, Encode encode) {
  Result<T> ref = reference(input);
  Result<T> got = decode(input);
  if (!same_result(got, ref)) fail("decode != reference", input, show(got), show(ref));
  if (std::optional<Result<T>> quick = fast(input)) {
    if (!same_result(*quick, ref)) fail("fast path != reference", input, show(*quick), show(ref));
  }
  if (!ref.is_ok()) {
    const std::string& message = ref.status().message();
    // The name is never empty: odd keys are quoted (`"": unknown field`, `": x": ...`), found by
    // this fuzzer; regressions/status_claim/{empty_unknown_key,colon_space_unknown_key}.
    std::size_t colon = message.find(": ");
    if (ref.status().code() != StatusCode::kInvalidArgument || colon == 0 ||
        colon == std::string::npos) {
      fail("error does not name a field", input, message, "");
    }
    return;
  }
  if (Status s = validate(*ref); !s) fail("accepted but invalid", input, s.to_string(), "");
  std::string encoded = encode(*ref);
  Result<T> again = reference(encoded);
  if (!again.is_ok()) fail("round trip rejected", input, encoded, show(again));
  if (!same_value(*again, *ref, Integers::kSameValue))
    fail("round trip changed the value", input, encoded, "");
  std::string encoded_again = encode(*again);
  if (encoded_again != encoded) fail("re-encoding differs", input, encoded, encoded_again);
}

}  // namespace backbeat::fuzz
