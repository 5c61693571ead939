// The report model and its renderers: report.json against the shipped schema, the HTML's
// self-containment, deterministic rendering, merged windows.
#include "reports/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>

#include "sim/scenario/assertion.h"
#include "sim/scenario/loader.h"
#include "sim/world/world.h"
#include "tests/reports/schema_check.h"

namespace backbeat::reports {
namespace {

using nlohmann::json;

struct Ran {
  sim::scenario::Scenario scenario;
  sim::RunOutcome outcome;
  sim::scenario::RunReport run;
};

// Runs a shipped scenario (shortened by `sets`) and keeps everything a report needs.
std::unique_ptr<Ran> run_scenario(const std::string& name, std::vector<std::string> sets = {}) {
  auto loaded = sim::scenario::load_scenario_file(
      std::string(BACKBEAT_SCENARIOS_DIR) + "/" + name + ".json", sets);
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  auto r = std::make_unique<Ran>();
  r->scenario = std::move(*loaded.scenario);
  r->outcome = sim::run_world(r->scenario.world, r->scenario.seed);
  r->run.scenario = &r->scenario;
  r->run.outcome = &r->outcome;
  r->run.results =
      sim::scenario::evaluate_assertions(r->scenario.assertions, r->scenario.world, r->outcome);
  return r;
}

json load_schema() {
  std::ifstream in(BACKBEAT_REPORT_SCHEMA);
  return json::parse(in);
}

void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=\s*["']?//)")));
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)\s*=)")))
      << "no attribute may load anything";
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("@font-face"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  EXPECT_EQ(html.find("fetch("), std::string::npos);
  EXPECT_EQ(html.find("XMLHttpRequest"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

TEST(Report, StormScenarioHasEverySectionAndValidatesAgainstTheSchema) {
  auto r = run_scenario("nats_disconnect_storm");
  Report report = build_report(r->run);
  EXPECT_EQ(report.scenario, "nats_disconnect_storm");
  ASSERT_FALSE(report.types.empty());
  EXPECT_FALSE(report.disconnects.empty());
  EXPECT_FALSE(report.faults.empty());
  EXPECT_FALSE(report.tempo.empty());
  EXPECT_FALSE(report.bars.empty());
  EXPECT_EQ(report.agents.size(), report.agent_count);
  for (const TypeDistribution& t : report.types) {
    std::uint64_t n = 0;
    for (const auto& [beats, count] : t.histogram) n += count;
    EXPECT_EQ(n, t.completed) << t.type;
  }
  json j = report_json(report);
  std::vector<std::string> errors = testing::validate(load_schema(), j);
  for (const std::string& e : errors) ADD_FAILURE() << e;
  // The summary is exactly what run --json prints.
  EXPECT_EQ(j["summary"], sim::scenario::run_summary_json(r->run));
}

TEST(Report, SchemaRejectsBrokenReports) {
  auto r = run_scenario("baseline", {"duration=10m"});
  json j = report_json(build_report(r->run));
  json schema = load_schema();
  ASSERT_TRUE(testing::validate(schema, j).empty());
  json missing = j;
  missing.erase("types");
  EXPECT_FALSE(testing::validate(schema, missing).empty());
  json extra = j;
  extra["types"][0]["bogus"] = 1;
  EXPECT_FALSE(testing::validate(schema, extra).empty());
  json wrong = j;
  wrong["types"][0]["verdict"] = "maybe";
  EXPECT_FALSE(testing::validate(schema, wrong).empty());
  json negative = j;
  negative["claims"]["lost"] = -1;
  EXPECT_FALSE(testing::validate(schema, negative).empty());
}

TEST(Report, HtmlIsSelfContainedWithChartsStyleAndSortableTables) {
  auto r = run_scenario("nats_disconnect_storm");
  std::string html = report_html(build_report(r->run));
  expect_self_contained(html);
  EXPECT_NE(html.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(html.find("prefers-color-scheme:dark"), std::string::npos);
  EXPECT_NE(html.find("class=\"sortable\""), std::string::npos);
  EXPECT_NE(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("class=\"cdf\""), std::string::npos);    // a CDF per type
  EXPECT_NE(html.find("class=\"budget"), std::string::npos);   // its budget line
  EXPECT_NE(html.find("class=\"adv\""), std::string::npos);    // advertised tempo
  EXPECT_NE(html.find("class=\"meas\""), std::string::npos);   // measured tempo
  EXPECT_NE(html.find("class=\"drift\""), std::string::npos);  // drift
  EXPECT_NE(html.find("w-disconnect"), std::string::npos);     // shaded windows
  EXPECT_NE(html.find("w-fault"), std::string::npos);
  EXPECT_NE(html.find("w-degradation"), std::string::npos);
  EXPECT_NE(html.find("Bar reports over time"), std::string::npos);
  EXPECT_NE(html.find("Message accounting"), std::string::npos);
  // Balanced SVG elements.
  std::size_t open = 0, close = 0;
  for (std::size_t p = 0; (p = html.find("<svg", p)) != std::string::npos; ++p) ++open;
  for (std::size_t p = 0; (p = html.find("</svg>", p)) != std::string::npos; ++p) ++close;
  EXPECT_EQ(open, close);
  EXPECT_GE(open, 5u);
}

TEST(Report, RenderingIsDeterministicAndEscapesText) {
  auto a = run_scenario("baseline", {"duration=10m", "description=<b>&\"x\"</b>"});
  auto b = run_scenario("baseline", {"duration=10m", "description=<b>&\"x\"</b>"});
  Report ra = build_report(a->run), rb = build_report(b->run);
  EXPECT_EQ(report_html(ra), report_html(rb));
  EXPECT_EQ(report_markdown(ra), report_markdown(rb));
  EXPECT_EQ(report_json(ra).dump(), report_json(rb).dump());
  std::string html = report_html(ra);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"), std::string::npos);
}

// A type's verdict is its own assertions': slow_peers fails dht_store's budget only.
TEST(Report, EachTypeShowsTheVerdictOfItsOwnAssertions) {
  auto r = run_scenario("slow_peers");
  Report report = build_report(r->run);
  std::map<std::string, std::string> verdicts;
  for (const TypeDistribution& t : report.types) verdicts[t.type] = t.verdict;
  EXPECT_EQ(verdicts["dht_store"], "fail");
  EXPECT_EQ(verdicts["pubsub_sync"], "pass");
}

TEST(Report, MarkdownNamesVerdictTypesAndAssertions) {
  auto r = run_scenario("slow_peers");
  std::string md = report_markdown(build_report(r->run));
  EXPECT_NE(md.find("# slow_peers — FAIL"), std::string::npos) << md;
  EXPECT_NE(md.find("| type | budget |"), std::string::npos);
  EXPECT_NE(md.find("❌"), std::string::npos);
}

TEST(Report, ALiveRunsReportsSpeakOfWallClockTimeNotVirtualTime) {
  auto r = run_scenario("baseline");
  Report simulated = build_report(r->run);
  EXPECT_STREQ(clock_name(simulated), "virtual");
  EXPECT_NE(report_html(simulated).find("virtual time (s)"), std::string::npos);
  Report live = simulated;
  live.summary["mode"] = "live";  // what `live` puts in its run summary
  EXPECT_STREQ(clock_name(live), "wall-clock");
  const std::string html = report_html(live);
  const std::string md = report_markdown(live);
  EXPECT_EQ(html.find("virtual time"), std::string::npos) << "a live report names no virtual time";
  EXPECT_EQ(md.find("virtual time"), std::string::npos) << md.substr(0, 400);
  EXPECT_NE(html.find("wall-clock time (s)"), std::string::npos) << "the charts' time axes";
  EXPECT_NE(md.find("s wall-clock time at"), std::string::npos) << md.substr(0, 400);
  // A live run has no fingerprint: the reports say so rather than print zeros.
  EXPECT_NE(md.find("no fingerprint (live run)"), std::string::npos) << md.substr(0, 400);
  EXPECT_NE(html.find("no fingerprint (live run)"), std::string::npos);
  EXPECT_NE(report_markdown(simulated).find("fingerprint `"), std::string::npos);
}

TEST(Report, MergeWindowsUnitesOverlapsAndCountsThem) {
  std::vector<Window> w = {{"d", "", 10, 20, 1},
                           {"d", "", 0, 5, 1},
                           {"d", "", 15, 30, 1},
                           {"d", "", 30, 31, 1},
                           {"d", "", 40, 41, 1}};
  std::vector<Window> m = merge_windows(w);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].start_s, 0);
  EXPECT_EQ(m[0].end_s, 5);
  EXPECT_EQ(m[1].start_s, 10);
  EXPECT_EQ(m[1].end_s, 31);
  EXPECT_EQ(m[1].agents, 3u);
  EXPECT_EQ(m[2].agents, 1u);
}

// The bar-report chart explains itself (issue 13): a caption for the 8-beat health rhythm, on-time
// reviews on their own claims axis (24 claims > 20 agents must not overflow an agents axis), an
// orange bar that says what its issues were, every column inside the plot, and the measured tempo
// named as the 16-beat regression it is.
TEST(Report, BarChartExplainsItself) {
  auto r = run_scenario("baseline", {"duration=10m"});
  Report model = build_report(r->run);
  ASSERT_GE(model.bars.size(), 3u);
  model.bars.back().on_time_reviews = 24;  // more claims than the 20 agents
  model.bars[1].issues = 3;
  model.bars[1].issue_text = "2 late_claims (warning), 1 duplicate_claims (info)";
  model.bars.back().at_s = model.sim_time_s;  // a report at the very end
  const std::string html = report_html(model);

  EXPECT_NE(html.find("Agents send a health claim every 8 beats"), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"On-time reviews per bar\""), std::string::npos);
  EXPECT_NE(html.find("a count of claims, not of agents"), std::string::npos);
  EXPECT_NE(html.find("<li>beats " + std::to_string(model.bars[1].from_beat) + "-" +
                      std::to_string(model.bars[1].to_beat)),
            std::string::npos);
  EXPECT_NE(html.find("2 late_claims (warning), 1 duplicate_claims (info)</li>"),
            std::string::npos);
  EXPECT_NE(html.find("least-squares fit over the last 16 beats"), std::string::npos);

  // Every column of the agents chart lies within the plot (width 1100, right margin 16).
  const std::regex rect(
      R"re(<rect class="bar[^"]*" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)")re");
  std::size_t columns = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), rect); it != std::sregex_iterator();
       ++it) {
    const double right = std::stod((*it)[1]) + std::stod((*it)[2]);
    EXPECT_LE(right, 1100.0 - 16.0 + 0.05) << (*it)[0];
    ++columns;
  }
  EXPECT_EQ(columns, model.bars.size());
}

}  // namespace
}  // namespace backbeat::reports
