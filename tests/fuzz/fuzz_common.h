// Shared checks for the libFuzzer targets (tests/fuzz/): bit-exact comparison of decoded
// messages and a crash-on-violation helper. A violated property aborts, which libFuzzer reports
// as a crash and saves the input (crash-<sha1>) for a regression test.
#pragma once

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/contracts/decode_paths.h"

namespace backbeat::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view input, const std::string& a,
                              const std::string& b) {
  std::fprintf(stderr, "FUZZ PROPERTY VIOLATED: %s\n  input: %.*s\n  a: %s\n  b: %s\n", what,
               static_cast<int>(input.size()), input.data(), a.c_str(), b.c_str());
  std::abort();
}

// Equal JSON values with equal types all the way down (nlohmann's operator== calls 1, 1u and
// 1.0 equal), doubles equal bit for bit. Integers are one JSON type: nlohmann stores "-0" as a
// signed 0 and "0" as an unsigned 0, the same wire value, so integers compare by value across
// that storage split (found by fuzz_beat_frame; regressions/beat_frame/metadata-minus-zero).
inline bool same_json(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    if (a.is_number_unsigned() == b.is_number_unsigned()) return a == b;
    const nlohmann::json& sign = a.is_number_unsigned() ? b : a;
    const nlohmann::json& unsign = a.is_number_unsigned() ? a : b;
    return sign.get<std::int64_t>() >= 0 &&
           static_cast<std::uint64_t>(sign.get<std::int64_t>()) == unsign.get<std::uint64_t>();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case nlohmann::json::value_t::object: {
      if (a.size() != b.size()) return false;
      auto ia = a.begin();
      auto ib = b.begin();
      for (; ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !same_json(*ia, *ib)) return false;
      }
      return true;
    }
    case nlohmann::json::value_t::array:
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_json(a[i], b[i])) return false;
      }
      return true;
    case nlohmann::json::value_t::number_float:
      return std::bit_cast<std::uint64_t>(a.get<double>()) ==
             std::bit_cast<std::uint64_t>(b.get<double>());
    default:
      return a == b;
  }
}

inline bool same_optional_json(const std::optional<nlohmann::json>& a,
                               const std::optional<nlohmann::json>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || same_json(*a, *b);
}

inline bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

inline bool same_value(const BeatFrame& a, const BeatFrame& b) {
  return a == b && same_bits(a.tempo_bpm, b.tempo_bpm) &&
         same_optional_json(a.metadata, b.metadata);
}
inline bool same_value(const StatusClaim& a, const StatusClaim& b) {
  return a == b && same_bits(a.progress, b.progress) &&
         same_optional_json(a.resources, b.resources) && same_optional_json(a.metadata, b.metadata);
}
inline bool same_value(const BarReport& a, const BarReport& b) {
  return a == b && same_bits(a.tempo_drift_ms, b.tempo_drift_ms);
}

template <typename T>
std::string show(const Result<T>& r) {
  return r.is_ok() ? std::string("OK") : r.status().to_string();
}

template <typename T>
bool same_result(const Result<T>& a, const Result<T>& b) {
  if (a.is_ok() != b.is_ok()) return false;
  if (!a.is_ok()) {
    return a.status().code() == b.status().code() && a.status().message() == b.status().message();
  }
  return same_value(*a, *b);
}

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
  if (!same_value(*again, *ref)) fail("round trip changed the value", input, encoded, "");
  std::string encoded_again = encode(*again);
  if (encoded_again != encoded) fail("re-encoding differs", input, encoded, encoded_again);
}

}  // namespace backbeat::fuzz
