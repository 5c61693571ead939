#include "sim/batch/junit.h"

#include <fmt/format.h>

#include "core/contracts/utf8.h"

namespace backbeat::sim::batch {

namespace {

std::string number(double v) {
  return fmt::format("{:g}", v);
}

// One failed assertion: "FAIL name: measured 7 beats, expected <= 4 beats (detail)".
std::string failed_line(const FailedAssertion& f) {
  const std::string unit = f.unit.empty() ? "" : " " + f.unit;
  return fmt::format(
      "FAIL {}: {}, expected {} {}{}{}", f.name,
      f.measured ? "measured " + number(*f.measured) + unit : std::string("nothing measured"),
      f.comparison, number(f.bound), unit, f.detail.empty() ? "" : " (" + f.detail + ")");
}

std::string testcase(const ScenarioSweep& s, const SeedRecord& r) {
  std::string body;
  for (const FailedAssertion& f : r.failed) body += failed_line(f) + "\n";
  for (const std::string& why : r.mismatches) body += "not as expected: " + why + "\n";
  body += "replay: " + replay_command(s.target, r.seed) + "\n";
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"seed {}\"",
                                xml_escape(s.target.scenario), r.seed);
  if (!r.as_expected) {
    return out + fmt::format(
                     ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                     xml_escape(failure_signature(r)),
                     r.passed ? "unexpected pass" : "unexpected failure", xml_escape(body));
  }
  if (!r.failed.empty()) {
    return out + fmt::format(
                     ">\n      <system-out>failed as expected\n{}</system-out>\n    </testcase>\n",
                     xml_escape(body));
  }
  return out + "/>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  const std::string clean = sanitize_utf8(text);
  std::string out;
  out.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += fmt::format("\\x{:02x}", byte);
        } else if (byte == 0xEF && clean.compare(i, 2, "\xEF\xBF") == 0 && i + 2 < clean.size() &&
                   (clean[i + 2] == '\xBE' || clean[i + 2] == '\xBF')) {
          out += "\xEF\xBF\xBD";  // U+FFFE and U+FFFF are not XML characters
          i += 2;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string junit_xml(const std::vector<ScenarioSweep>& sweeps) {
  std::size_t tests = 0, failures = 0;
  std::string suites;
  for (const ScenarioSweep& s : sweeps) {
    const std::size_t failed = s.records.size() - s.as_expected;
    tests += s.records.size();
    failures += failed;
    const SweepTarget& t = s.target;
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n"
        "    <properties>\n"
        "      <property name=\"source\" value=\"{}\"/>\n"
        "      <property name=\"seeds\" value=\"{}..{}\"/>\n"
        "      <property name=\"expected_verdict\" value=\"{}\"/>\n",
        xml_escape(t.scenario), s.records.size(), failed, xml_escape(t.source), t.first_seed,
        t.last_seed, t.expected_verdict);
    for (const std::string& set : t.sets) {
      suites += fmt::format("      <property name=\"set\" value=\"{}\"/>\n", xml_escape(set));
    }
    suites += "    </properties>\n";
    for (const SeedRecord& r : s.records) suites += testcase(s, r);
    suites += "  </testsuite>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"backbeat-sim sweep\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n{}"
      "</testsuites>\n",
      tests, failures, suites);
}

}  // namespace backbeat::sim::batch
