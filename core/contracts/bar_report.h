// INT-C BarReport v1 (reverb -> everyone, at each downbeat): type, decoder, encoder.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace backbeat {

inline constexpr std::string_view kBarReportType = "backbeat.barreport.v1";

struct BarReportIssue {
  std::string severity;
  std::string category;
  std::int64_t count = 0;

  friend bool operator==(const BarReportIssue&, const BarReportIssue&) = default;
};

struct BarReport {
  std::string window_id;  // 32 hex: the bar reported
  std::int64_t from_beat = 0;
  std::int64_t to_beat = 0;  // inclusive
  std::int64_t agents_reporting = 0;
  std::int64_t on_time_reviews = 0;
  std::int64_t help_promises_fulfilled = 0;
  bool secret_rotations_ok = true;
  double tempo_drift_ms = 0.0;         // positive = behind, negative = ahead
  std::vector<BarReportIssue> issues;  // at most 100; empty = absent

  friend bool operator==(const BarReport&, const BarReport&) = default;
};

// Parses and validates one report; errors and check order as for decode_beat_frame. An issue's
// error names it "issues[i]..." (e.g. "issues[0].count: ..."); keys of an issue other than
// severity, category and count are ignored (the contract closes the top level only).
Result<BarReport> decode_bar_report(std::string_view json_text);
Result<BarReport> bar_report_from_json(const nlohmann::json& json);
Status validate_bar_report(const BarReport& report);
// Compact JSON in contract order; `issues` omitted when empty.
std::string encode_bar_report(const BarReport& report);
nlohmann::json bar_report_to_json(const BarReport& report);

}  // namespace backbeat
