// The two paths behind decode_beat_frame, decode_status_claim and decode_bar_report.
//
// reference::  the original DOM decoders: nlohmann::json::parse (strict, no comments), then
//              the *_from_json checks. They define the behaviour: accepted set, rejected set,
//              error messages.
// fast_path::  a single-pass scanner (json_scan.h) that reads the known top-level fields
//              straight into the struct and builds nlohmann::json only for free-form fields.
//              It returns nullopt for any input it does not handle exactly (syntax errors,
//              a byte-order mark, nesting deeper than json_scan::kMaxDepth, unusual floats);
//              decode_* then asks the reference decoder.
//
// decode_* = fast_path, else reference. tests/contracts/fast_decode_test.cc checks that the
// result is always the reference's result, byte for byte in error messages.
#pragma once

#include <optional>
#include <string_view>

#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"

namespace backbeat {

namespace reference {
Result<BeatFrame> decode_beat_frame(std::string_view json_text);
Result<StatusClaim> decode_status_claim(std::string_view json_text);
Result<BarReport> decode_bar_report(std::string_view json_text);
}  // namespace reference

namespace fast_path {
std::optional<Result<BeatFrame>> decode_beat_frame(std::string_view json_text);
std::optional<Result<StatusClaim>> decode_status_claim(std::string_view json_text);
std::optional<Result<BarReport>> decode_bar_report(std::string_view json_text);
}  // namespace fast_path

}  // namespace backbeat
