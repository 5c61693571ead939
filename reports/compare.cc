#include "reports/compare.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

#include "core/echo_text.h"
#include "sim/scenario/bounded_file.h"
#include "sim/scenario/untrusted_json.h"

namespace backbeat::reports {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool is_summary(const json& j) {
  return j.is_object() && j.contains("operations") && j["operations"].is_object() &&
         j.contains("assertions") && j["assertions"].is_array() && j.contains("verdict");
}

std::optional<double> num_at(const json& j, const char* a, const char* b = nullptr) {
  const json* v = &j;
  if (!v->contains(a)) return std::nullopt;
  v = &(*v)[a];
  if (b) {
    if (!v->is_object() || !v->contains(b)) return std::nullopt;
    v = &(*v)[b];
  }
  if (!v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::string type_verdict(const json& summary, const std::string& type) {
  std::string needle = "[" + type + "]";
  std::string verdict = "none";
  for (const json& a : summary["assertions"]) {
    std::string name = a.value("name", "");
    if (name.find(needle) == std::string::npos) continue;
    if (!a.value("pass", false)) return "fail";
    verdict = "pass";
  }
  return verdict;
}

std::string cell(const std::optional<double>& v, const char* fmt_spec = "{:g}") {
  return v ? fmt::format(fmt::runtime(fmt_spec), *v) : "-";
}

std::string delta(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b) return "";
  double d = *b - *a;
  if (d == 0) return "=";
  return fmt::format("{:+g}", d);
}

json opt(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

Result<json> load_run_summary(const std::string& path) {
  std::error_code ec;
  std::vector<fs::path> candidates;
  if (fs::is_directory(path, ec)) {
    candidates = {fs::path(path) / "report.json", fs::path(path) / "run.json"};
  } else {
    candidates = {fs::path(path)};
  }
  for (const fs::path& p : candidates) {
    if (!fs::exists(p, ec)) continue;
    Result<std::string> text = sim::scenario::read_bounded_file(
        p.string(), sim::scenario::kMaxRunFileBytes, "run summary");
    if (!text.is_ok()) {
      return Status::invalid_argument(fmt::format("{}: {}", p.string(), text.status().message()));
    }
    Result<json> parsed = sim::scenario::parse_untrusted_json(*text);
    const json j = parsed ? std::move(parsed).value() : json();
    if (j.is_object() && j.contains("summary") && is_summary(j["summary"])) return j["summary"];
    if (is_summary(j)) return j;
    return Status::invalid_argument(
        fmt::format("{}: not a run summary: expected run.json or report.json written by run --out",
                    p.string()));
  }
  return Status::invalid_argument(fmt::format(
      "{}: no report.json or run.json (expected a run directory written by run --out)", path));
}

std::string Tolerance::describe() const {
  return percent ? fmt::format("{:g}% of A", *percent) : fmt::format("{:g} beats", beats);
}

Result<Tolerance> parse_tolerance(const std::string& text) {
  Tolerance t;
  const bool is_percent = !text.empty() && text.back() == '%';
  const std::string number = is_percent ? text.substr(0, text.size() - 1) : text;
  double value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() ||
      !(value >= 0) || value > 1e9) {
    return Status::invalid_argument(
        "expected a number of beats (2) or a percentage of A's value (10%), at least 0");
  }
  if (is_percent) {
    t.percent = value;
  } else {
    t.beats = value;
  }
  return t;
}

std::vector<std::string> regressions(const Comparison& c, const Tolerance& tolerance) {
  std::vector<std::string> out;
  for (const AssertionChange& ch : c.changes) {
    if (ch.a != "pass" || ch.b != "fail") continue;
    out.push_back(fmt::format("assertion {} passed in A and fails in B (measured {} -> {})",
                              ch.name, cell(ch.measured_a), cell(ch.measured_b)));
  }
  for (const TypeComparison& t : c.types) {
    for (auto [label, a, b] :
         {std::tuple{"p95", t.p95_a, t.p95_b}, std::tuple{"p99", t.p99_a, t.p99_b}}) {
      if (!a || !b || *b - *a <= tolerance.allowed(*a)) continue;
      out.push_back(fmt::format("{} beats of {} grew from {:g} to {:g} (+{:g}; tolerance {})",
                                label, t.type, *a, *b, *b - *a, tolerance.describe()));
    }
  }
  return out;
}

Comparison compare_runs(const json& a, const json& b, std::string label_a, std::string label_b) {
  Comparison c;
  c.label_a = std::move(label_a);
  c.label_b = std::move(label_b);
  c.verdict_a = a.value("verdict", "?");
  c.verdict_b = b.value("verdict", "?");
  std::vector<std::string> order;
  for (const json* s : {&a, &b}) {
    for (const auto& [type, _] : (*s)["operations"].items()) {
      if (std::find(order.begin(), order.end(), type) == order.end()) order.push_back(type);
    }
  }
  for (const std::string& type : order) {
    TypeComparison t;
    t.type = type;
    auto fill = [&](const json& s, bool& in, std::optional<double>& budget,
                    std::optional<double>& p95, std::optional<double>& p99,
                    std::optional<double>& share, std::string& verdict) {
      if (!s["operations"].contains(type)) return;
      in = true;
      const json& op = s["operations"][type];
      budget = num_at(op, "budget_beats");
      p95 = num_at(op, "beats", "p95");
      p99 = num_at(op, "beats", "p99");
      auto completed = num_at(op, "completed");
      auto over = num_at(op, "over_budget");
      if (completed && over && *completed > 0) share = *over / *completed;
      verdict = type_verdict(s, type);
    };
    fill(a, t.in_a, t.budget_a, t.p95_a, t.p99_a, t.over_share_a, t.verdict_a);
    fill(b, t.in_b, t.budget_b, t.p95_b, t.p99_b, t.over_share_b, t.verdict_b);
    c.types.push_back(std::move(t));
  }
  std::map<std::string, const json*> in_a, in_b;
  std::vector<std::string> names;
  for (const json& r : a["assertions"]) {
    std::string n = r.value("name", "");
    if (!in_a.count(n)) names.push_back(n);
    in_a[n] = &r;
  }
  for (const json& r : b["assertions"]) {
    std::string n = r.value("name", "");
    if (!in_a.count(n) && !in_b.count(n)) names.push_back(n);
    in_b[n] = &r;
  }
  for (const std::string& n : names) {
    auto result = [](const std::map<std::string, const json*>& m, const std::string& key) {
      auto it = m.find(key);
      if (it == m.end()) return std::string("absent");
      return std::string(it->second->value("pass", false) ? "pass" : "fail");
    };
    AssertionChange ch{n, result(in_a, n), result(in_b, n), std::nullopt, std::nullopt};
    if (ch.a == ch.b) continue;
    if (in_a.count(n)) ch.measured_a = num_at(*in_a[n], "measured");
    if (in_b.count(n)) ch.measured_b = num_at(*in_b[n], "measured");
    c.changes.push_back(std::move(ch));
  }
  return c;
}

std::string comparison_text(const Comparison& c) {
  std::string s;
  auto out = std::back_inserter(s);
  // The labels are the paths the user gave: shown printable, one line each.
  fmt::format_to(out, "A  {}  ({})\nB  {}  ({})\n\n", printable(c.label_a), c.verdict_a,
                 printable(c.label_b), c.verdict_b);
  fmt::format_to(out, "{:<20} {:>11} {:>14} {:>14} {:>19} {:>13}\n", "type", "budget A/B",
                 "p95 A/B (d)", "p99 A/B (d)", "over budget A/B", "verdict A/B");
  for (const TypeComparison& t : c.types) {
    std::string budget = fmt::format("{}/{}", cell(t.budget_a), cell(t.budget_b));
    std::string p95 =
        fmt::format("{}/{} ({})", cell(t.p95_a), cell(t.p95_b), delta(t.p95_a, t.p95_b));
    std::string p99 =
        fmt::format("{}/{} ({})", cell(t.p99_a), cell(t.p99_b), delta(t.p99_a, t.p99_b));
    auto pct = [](const std::optional<double>& v) {
      return v ? fmt::format("{:.1f}%", *v * 100) : std::string("-");
    };
    std::string over = fmt::format("{}/{}", pct(t.over_share_a), pct(t.over_share_b));
    std::string verdict = fmt::format("{}/{}", t.verdict_a, t.verdict_b);
    fmt::format_to(out, "{:<20} {:>11} {:>14} {:>14} {:>19} {:>13}{}\n", t.type, budget, p95, p99,
                   over, verdict, t.verdict_a != t.verdict_b ? "  CHANGED" : "");
  }
  if (c.changes.empty()) {
    s += "\nno assertion changed its verdict\n";
  } else {
    s += "\nassertions whose verdict changed:\n";
    for (const AssertionChange& ch : c.changes) {
      fmt::format_to(out, "  {:<44} {} -> {}  (measured {} -> {})\n", ch.name, ch.a, ch.b,
                     cell(ch.measured_a), cell(ch.measured_b));
    }
  }
  return s;
}

json comparison_json(const Comparison& c) {
  json types = json::array();
  for (const TypeComparison& t : c.types) {
    types.push_back({{"type", t.type},
                     {"budget_a", opt(t.budget_a)},
                     {"budget_b", opt(t.budget_b)},
                     {"p95_a", opt(t.p95_a)},
                     {"p95_b", opt(t.p95_b)},
                     {"p99_a", opt(t.p99_a)},
                     {"p99_b", opt(t.p99_b)},
                     {"over_share_a", opt(t.over_share_a)},
                     {"over_share_b", opt(t.over_share_b)},
                     {"verdict_a", t.verdict_a},
                     {"verdict_b", t.verdict_b}});
  }
  json changes = json::array();
  for (const AssertionChange& ch : c.changes) {
    changes.push_back({{"name", ch.name},
                       {"a", ch.a},
                       {"b", ch.b},
                       {"measured_a", opt(ch.measured_a)},
                       {"measured_b", opt(ch.measured_b)}});
  }
  return {{"a", c.label_a},           {"b", c.label_b}, {"verdict_a", c.verdict_a},
          {"verdict_b", c.verdict_b}, {"types", types}, {"changes", changes}};
}

}  // namespace backbeat::reports
