// junit.xml read back with a strict XML reader: well-formed, one testsuite per scenario and one
// testcase per seed, failures exactly where a seed missed its expectation, hostile text escaped.
#include "sim/batch/junit.h"

#include <gtest/gtest.h>

#include "sim/batch/sweep.h"
#include "tests/batch/sweep_fixture.h"
#include "tests/batch/xml_reader.h"

namespace backbeat::sim::batch {
namespace {

using backbeat::testing::parse_xml;
using backbeat::testing::sweep_of;
using backbeat::testing::tight_swarm_sets;
using backbeat::testing::XmlElement;
using backbeat::testing::XmlParse;

TEST(Junit, ReadsBackWithATestsuitePerScenarioAndAFailurePerUnexpectedSeed) {
  std::vector<ScenarioSweep> sweeps = {sweep_of("swarm", tight_swarm_sets(), 8),
                                       sweep_of("slow_peers", {}, 3)};
  XmlParse xml = parse_xml(junit_xml(sweeps));
  ASSERT_TRUE(xml.root) << xml.error;
  EXPECT_EQ(xml.root->name, "testsuites");
  EXPECT_EQ(xml.root->attributes.at("tests"), "11");
  std::vector<const XmlElement*> suites = xml.root->all("testsuite");
  ASSERT_EQ(suites.size(), 2u);
  std::size_t failures = 0;
  for (std::size_t i = 0; i < suites.size(); ++i) {
    const ScenarioSweep& s = sweeps[i];
    EXPECT_EQ(suites[i]->attributes.at("name"), s.target.scenario);
    std::vector<const XmlElement*> cases = suites[i]->all("testcase");
    ASSERT_EQ(cases.size(), s.records.size());
    std::size_t failed_here = 0;
    for (std::size_t c = 0; c < cases.size(); ++c) {
      const SeedRecord& r = s.records[c];
      EXPECT_EQ(cases[c]->attributes.at("name"), "seed " + std::to_string(r.seed));
      std::vector<const XmlElement*> failure = cases[c]->all("failure");
      EXPECT_EQ(failure.size(), r.as_expected ? 0u : 1u) << "seed " << r.seed;
      if (failure.empty()) continue;
      ++failed_here;
      EXPECT_EQ(failure[0]->attributes.at("message"), failure_signature(r));
      EXPECT_NE(failure[0]->text.find("replay: " + replay_command(s.target, r.seed)),
                std::string::npos);
      for (const FailedAssertion& f : r.failed) {
        EXPECT_NE(failure[0]->text.find("FAIL " + f.name + ": "), std::string::npos);
      }
    }
    EXPECT_EQ(suites[i]->attributes.at("failures"), std::to_string(failed_here));
    failures += failed_here;
  }
  EXPECT_GT(failures, 0u) << "the fixture must produce unexpected failures";
  EXPECT_EQ(xml.root->attributes.at("failures"), std::to_string(failures));
  // slow_peers fails as its expect names: passing test cases that say so.
  for (const XmlElement* c : suites[1]->all("testcase")) {
    ASSERT_EQ(c->all("system-out").size(), 1u);
    EXPECT_NE(c->all("system-out")[0]->text.find("failed as expected"), std::string::npos);
  }
}

TEST(Junit, HostileNamesSetsAndDetailsAreEscapedAndReadBackAsWritten) {
  const std::string hostile = "a<b>&\"c\"'d' ]]> \x01\x1b[31m \xff\xfe end \xEF\xBF\xBE";
  SeedRecord r;
  r.seed = 3;
  r.fingerprint = "0123456789abcdef";
  r.failed.push_back({hostile, FailureHow::kAboveBound, 2, 1, "<=", "beats", hostile});
  r.mismatches = {"verdict fail, expected pass"};
  SweepTarget t{hostile, hostile, "x.json", {"name=" + hostile}, "pass", std::nullopt, 3, 3};
  ScenarioSweep s = aggregate(t, {r});
  const std::string doc = junit_xml({s});
  XmlParse xml = parse_xml(doc);
  ASSERT_TRUE(xml.root) << xml.error << "\n" << doc;
  const XmlElement* suite = xml.root->all("testsuite").at(0);
  EXPECT_EQ(suite->attributes.at("name"),
            "a<b>&\"c\"'d' ]]> \\x01\\x1b[31m \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD");
  EXPECT_EQ(suite->all("properties").at(0)->all("property").at(0)->attributes.at("value"),
            suite->attributes.at("name"));
  const XmlElement* failure = suite->all("testcase").at(0)->all("failure").at(0);
  EXPECT_NE(failure->text.find("FAIL a<b>&\"c\"'d'"), std::string::npos);
}

TEST(XmlReader, RefusesWhatXmlRefusesSoTheChecksAboveCanFail) {
  EXPECT_TRUE(parse_xml("<a x=\"1\"><b/>t &amp; u</a>").root);
  for (const char* bad :
       {"<a><b></a>", "<a>&</a>", "<a>x & y</a>", "<a x=\"<\"/>", "<a>\x01</a>",
        "<a x=\"1\" x=\"2\"/>", "<a>\xff</a>", "<a>", "<a/><b/>", "<a>&bogus;</a>"}) {
    EXPECT_FALSE(parse_xml(bad).root) << bad;
  }
}

}  // namespace
}  // namespace backbeat::sim::batch
