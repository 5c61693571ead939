#include "core/contracts/bar_report.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <tuple>

#include "core/contracts/decode_paths.h"
#include "core/contracts/field_rules.h"
#include "core/contracts/json_fields.h"
#include "core/contracts/json_scan.h"
#include "core/contracts/json_writer.h"
#include "core/contracts/utf8.h"

namespace backbeat {

namespace {

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kMaxIssues = 100;
constexpr std::string_view kCountRule = "an integer 0..9223372036854775807";
constexpr std::string_view kIssuesRule =
    "an array of at most 100 {severity, category, count} objects";

bool is_any_number(double) {
  return true;
}  // read_number has already required finiteness
bool is_utf8_string(std::string_view text) {
  return utf8_char_count(text).has_value();
}

// One issue, named "issues[i]" in errors. Keys other than the three are ignored: the contract
// forbids unknown fields at the top level only.
Result<BarReportIssue> issue_from_json(const nlohmann::json& json, std::size_t index) {
  const std::string name = fmt::format("issues[{}]", index);
  if (!json.is_object()) return field_error(name, "an object", describe_json(&json));
  BarReportIssue issue;
  if (Status s = read_string(json, "severity", true, is_utf8_string, "a string", &issue.severity);
      !s.is_ok()) {
    return Status::invalid_argument(name + "." + s.message());
  }
  if (Status s = read_string(json, "category", true, is_utf8_string, "a string", &issue.category);
      !s.is_ok()) {
    return Status::invalid_argument(name + "." + s.message());
  }
  if (Status s = read_int64(json, "count", true, 0, kMaxCount, &issue.count); !s.is_ok()) {
    return Status::invalid_argument(name + "." + s.message());
  }
  return issue;
}

}  // namespace

Result<BarReport> decode_bar_report(std::string_view json_text) {
  if (std::optional<Result<BarReport>> fast = fast_path::decode_bar_report(json_text)) {
    return std::move(*fast);
  }
  return reference::decode_bar_report(json_text);
}

Result<BarReport> reference::decode_bar_report(std::string_view json_text) {
  nlohmann::json json;
  if (Status s = parse_json_object(json_text, &json); !s.is_ok()) return s;
  return bar_report_from_json(json);
}

// The checks of bar_report_from_json, in the same order, on scanned fields.
std::optional<Result<BarReport>> fast_path::decode_bar_report(std::string_view json_text) {
  enum Slot {
    kType,
    kWindow,
    kFrom,
    kTo,
    kAgents,
    kOnTime,
    kHelp,
    kSecrets,
    kDrift,
    kIssues,
    kSlots
  };
  static constexpr json_scan::Field kFields[kSlots] = {
      {"type"},
      {"window_id"},
      {"from_beat"},
      {"to_beat"},
      {"agents_reporting"},
      {"on_time_reviews"},
      {"help_promises_fulfilled"},
      {"secret_rotations_ok"},
      {"tempo_drift_ms"},
      {"issues", true},
  };
  json_scan::Value v[kSlots];
  bool has_unknown = false;
  std::string first_unknown;
  if (!json_scan::scan_object(json_text, kFields, v, &has_unknown, &first_unknown)) {
    return std::nullopt;
  }
  if (Status s = json_scan::check_type_field(v[kType], kBarReportType); !s.is_ok()) return s;

  BarReport report;
  if (Status s = json_scan::read_string(v[kWindow], "window_id", true, is_window_id, kWindowIdRule,
                                        &report.window_id);
      !s.is_ok()) {
    return s;
  }
  const std::tuple<Slot, std::string_view, std::int64_t*> counters[] = {
      {kFrom, "from_beat", &report.from_beat},
      {kTo, "to_beat", &report.to_beat},
      {kAgents, "agents_reporting", &report.agents_reporting},
      {kOnTime, "on_time_reviews", &report.on_time_reviews},
      {kHelp, "help_promises_fulfilled", &report.help_promises_fulfilled},
  };
  for (const auto& [slot, field, out] : counters) {
    if (Status s = json_scan::read_int64(v[slot], field, true, 0, kMaxCount, out); !s.is_ok()) {
      return s;
    }
  }
  if (Status s =
          json_scan::read_bool(v[kSecrets], "secret_rotations_ok", &report.secret_rotations_ok);
      !s.is_ok()) {
    return s;
  }
  if (Status s = json_scan::read_number(v[kDrift], "tempo_drift_ms", true, is_any_number,
                                        "a number", &report.tempo_drift_ms);
      !s.is_ok()) {
    return s;
  }
  if (v[kIssues].present()) {
    // Scanned with `build`: json holds the value whatever its kind.
    const nlohmann::json& issues = *v[kIssues].json;
    if (!issues.is_array() || issues.size() > kMaxIssues) {
      return field_error(
          "issues", kIssuesRule,
          issues.is_array() ? fmt::format("{} entries", issues.size()) : describe_json(&issues));
    }
    report.issues.reserve(issues.size());
    for (std::size_t i = 0; i < issues.size(); ++i) {
      Result<BarReportIssue> issue = issue_from_json(issues[i], i);
      if (!issue.is_ok()) return issue.status();
      report.issues.push_back(std::move(issue).value());
    }
  }
  if (has_unknown) return unknown_field_error(first_unknown);
  return report;
}

// Checks, in this order: the value is an object, type, the fields in contract order, then
// unknown fields (first in key order). The first failure is the one reported.
Result<BarReport> bar_report_from_json(const nlohmann::json& json) {
  if (Status s = check_is_object(json); !s.is_ok()) return s;
  if (Status s = check_type_field(json, kBarReportType); !s.is_ok()) return s;

  BarReport report;
  if (Status s =
          read_string(json, "window_id", true, is_window_id, kWindowIdRule, &report.window_id);
      !s.is_ok()) {
    return s;
  }
  const std::pair<std::string_view, std::int64_t*> counters[] = {
      {"from_beat", &report.from_beat},
      {"to_beat", &report.to_beat},
      {"agents_reporting", &report.agents_reporting},
      {"on_time_reviews", &report.on_time_reviews},
      {"help_promises_fulfilled", &report.help_promises_fulfilled},
  };
  for (const auto& [field, out] : counters) {
    if (Status s = read_int64(json, field, true, 0, kMaxCount, out); !s.is_ok()) return s;
  }
  if (Status s = read_bool(json, "secret_rotations_ok", &report.secret_rotations_ok); !s.is_ok()) {
    return s;
  }
  if (Status s = read_number(json, "tempo_drift_ms", true, is_any_number, "a number",
                             &report.tempo_drift_ms);
      !s.is_ok()) {
    return s;
  }
  if (const nlohmann::json* issues = find_field(json, "issues"); issues != nullptr) {
    if (!issues->is_array() || issues->size() > kMaxIssues) {
      return field_error(
          "issues", kIssuesRule,
          issues->is_array() ? fmt::format("{} entries", issues->size()) : describe_json(issues));
    }
    report.issues.reserve(issues->size());
    for (std::size_t i = 0; i < issues->size(); ++i) {
      Result<BarReportIssue> issue = issue_from_json((*issues)[i], i);
      if (!issue.is_ok()) return issue.status();
      report.issues.push_back(std::move(issue).value());
    }
  }
  if (Status s = check_known_fields(
          json, {"type", "window_id", "from_beat", "to_beat", "agents_reporting", "on_time_reviews",
                 "help_promises_fulfilled", "secret_rotations_ok", "tempo_drift_ms", "issues"});
      !s.is_ok()) {
    return s;
  }
  return report;
}

Status validate_bar_report(const BarReport& report) {
  if (!is_window_id(report.window_id)) {
    return field_error("window_id", kWindowIdRule, describe_string(report.window_id));
  }
  const std::pair<std::string_view, std::int64_t> counters[] = {
      {"from_beat", report.from_beat},
      {"to_beat", report.to_beat},
      {"agents_reporting", report.agents_reporting},
      {"on_time_reviews", report.on_time_reviews},
      {"help_promises_fulfilled", report.help_promises_fulfilled},
  };
  for (const auto& [field, value] : counters) {
    if (value < 0) return field_error(field, kCountRule, std::to_string(value));
  }
  if (!std::isfinite(report.tempo_drift_ms)) {
    return field_error("tempo_drift_ms", "a finite number", describe_double(report.tempo_drift_ms));
  }
  if (report.issues.size() > kMaxIssues) {
    return field_error("issues", kIssuesRule, fmt::format("{} entries", report.issues.size()));
  }
  for (std::size_t i = 0; i < report.issues.size(); ++i) {
    for (const auto& [field, text] :
         {std::pair<std::string_view, std::string_view>{"severity", report.issues[i].severity},
          {"category", report.issues[i].category}}) {
      if (!is_utf8_string(text)) {
        return field_error(fmt::format("issues[{}].{}", i, field), "a string of valid UTF-8",
                           describe_string(text));
      }
    }
    if (report.issues[i].count < 0) {
      return field_error(fmt::format("issues[{}].count", i), kCountRule,
                         std::to_string(report.issues[i].count));
    }
  }
  return Status::ok();
}

std::string encode_bar_report(const BarReport& report) {
  JsonObjectWriter out;
  out.add_string("type", kBarReportType);
  out.add_string("window_id", report.window_id);
  out.add_int("from_beat", report.from_beat);
  out.add_int("to_beat", report.to_beat);
  out.add_int("agents_reporting", report.agents_reporting);
  out.add_int("on_time_reviews", report.on_time_reviews);
  out.add_int("help_promises_fulfilled", report.help_promises_fulfilled);
  out.add_bool("secret_rotations_ok", report.secret_rotations_ok);
  out.add_double("tempo_drift_ms", report.tempo_drift_ms);
  if (!report.issues.empty()) {
    std::string& buffer = out.add_raw("issues");
    buffer.push_back('[');
    for (std::size_t i = 0; i < report.issues.size(); ++i) {
      if (i > 0) buffer.push_back(',');
      JsonObjectWriter issue;
      issue.add_string("severity", report.issues[i].severity);
      issue.add_string("category", report.issues[i].category);
      issue.add_int("count", report.issues[i].count);
      buffer.append(std::move(issue).finish());
    }
    buffer.push_back(']');
  }
  return std::move(out).finish();
}

nlohmann::json bar_report_to_json(const BarReport& report) {
  nlohmann::json json = {
      {"type", kBarReportType},
      {"window_id", report.window_id},
      {"from_beat", report.from_beat},
      {"to_beat", report.to_beat},
      {"agents_reporting", report.agents_reporting},
      {"on_time_reviews", report.on_time_reviews},
      {"help_promises_fulfilled", report.help_promises_fulfilled},
      {"secret_rotations_ok", report.secret_rotations_ok},
      {"tempo_drift_ms", report.tempo_drift_ms},
  };
  if (!report.issues.empty()) {
    nlohmann::json issues = nlohmann::json::array();
    for (const BarReportIssue& issue : report.issues) {
      issues.push_back(
          {{"severity", issue.severity}, {"category", issue.category}, {"count", issue.count}});
    }
    json["issues"] = std::move(issues);
  }
  return json;
}

}  // namespace backbeat
