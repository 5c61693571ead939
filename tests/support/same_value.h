// Bit-exact comparison of decoded contract messages, for the differential tests
// (tests/contracts/fast_decode_test.cc) and the fuzz targets (tests/fuzz/fuzz_common.h).
// nlohmann's operator== calls 1, 1u and 1.0 equal and NaN unequal to itself; these do not.
#pragma once

#include <bit>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/status.h"

namespace backbeat::testing {

// How integers compare. Two decoders of one text must build the very same DOM (kSameStorage).
// A round trip only has to keep the wire value: nlohmann stores "-0" as a signed 0 and the
// re-encoded "0" as an unsigned 0 (kSameValue; found by fuzz_beat_frame,
// tests/fuzz/regressions/beat_frame/metadata-minus-zero).
enum class Integers { kSameStorage, kSameValue };

// Equal JSON values with equal types all the way down, doubles equal bit for bit.
inline bool same_json(const nlohmann::json& a, const nlohmann::json& b,
                      Integers integers = Integers::kSameStorage) {
  if (integers == Integers::kSameValue && a.is_number_integer() && b.is_number_integer() &&
      a.is_number_unsigned() != b.is_number_unsigned()) {
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
        if (ia.key() != ib.key() || !same_json(*ia, *ib, integers)) return false;
      }
      return true;
    }
    case nlohmann::json::value_t::array:
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_json(a[i], b[i], integers)) return false;
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
                               const std::optional<nlohmann::json>& b, Integers integers) {
  if (a.has_value() != b.has_value()) return false;
  return !a || same_json(*a, *b, integers);
}

inline bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

inline bool same_value(const BeatFrame& a, const BeatFrame& b,
                       Integers integers = Integers::kSameStorage) {
  return a == b && same_bits(a.tempo_bpm, b.tempo_bpm) &&
         same_optional_json(a.metadata, b.metadata, integers);
}
inline bool same_value(const StatusClaim& a, const StatusClaim& b,
                       Integers integers = Integers::kSameStorage) {
  return a == b && same_bits(a.progress, b.progress) &&
         same_optional_json(a.resources, b.resources, integers) &&
         same_optional_json(a.metadata, b.metadata, integers);
}
inline bool same_value(const BarReport& a, const BarReport& b,
                       Integers /*integers*/ = Integers::kSameStorage) {
  return a == b && same_bits(a.tempo_drift_ms, b.tempo_drift_ms);
}

// Both OK with the same value (kSameStorage), or both errors with the same code and message.
template <typename T>
bool same_result(const Result<T>& a, const Result<T>& b) {
  if (a.is_ok() != b.is_ok()) return false;
  if (!a.is_ok()) {
    return a.status().code() == b.status().code() && a.status().message() == b.status().message();
  }
  return same_value(*a, *b);
}

template <typename T>
std::string show(const Result<T>& r) {
  return r.is_ok() ? std::string("OK") : r.status().to_string();
}

}  // namespace backbeat::testing
