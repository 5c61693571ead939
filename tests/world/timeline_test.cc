// The timeline (sim/world/timeline.h): it never changes a run's fingerprint, every event kind it
// names appears when a world produces it, its JSON Lines read back as they were written, its
// filters select what they say, and its window holds the first failing observation.
#include "sim/world/timeline.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "sim/world/timeline_filter.h"
#include "sim/world/timeline_jsonl.h"
#include "sim/world/timeline_window.h"
#include "sim/world/world.h"
#include "tests/world/random_world.h"

namespace backbeat::sim {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// Keeps every entry.
class Collect final : public TimelineSink {
 public:
  void on_start(std::uint64_t seed, double tempo) override {
    this->seed = seed;
    tempo_bpm = tempo;
  }
  void on_entry(const TimelineEntry& e) override { entries.push_back(e); }

  std::uint64_t seed = 0;
  double tempo_bpm = 0;
  std::vector<TimelineEntry> entries;
};

FaultSpec fault(FaultSpec::Kind kind, Duration at, Duration duration, const char* targets = "") {
  FaultSpec f;
  f.kind = kind;
  f.at = at;
  f.duration = duration;
  if (*targets != '\0') f.targets = *parse_selector(targets);
  return f;
}

// Six agents, a workload with a tight budget and failures, and one fault of each family that
// makes the timeline's events: disconnects (one that never comes back), a pulse outage,
// claim loss, a crash, a downed server.
WorldConfig eventful_world() {
  WorldConfig config;
  config.cluster.groups[0].count = 6;
  config.cluster.nats_servers = 2;
  config.cluster.nats.max_reconnect_attempts = 3;
  config.duration = minutes(30);
  OperationWorkload op;
  op.type = "dht_store";
  op.count = 60;
  op.duration.kind = DurationDistribution::Kind::kUniform;
  op.duration.min = 1;
  op.duration.max = 4;
  op.failure_probability = 0.2;
  config.workload.operations.push_back(op);
  config.budgets["dht_store"] = 2;
  config.faults.push_back(
      fault(FaultSpec::Kind::kNatsDisconnect, minutes(3), seconds(20), "agents:0-1"));
  config.faults.push_back(
      fault(FaultSpec::Kind::kNatsDisconnect, minutes(6), minutes(2), "agents:2-2"));
  config.faults.push_back(fault(FaultSpec::Kind::kPulseOutage, minutes(10), minutes(2)));
  FaultSpec loss = fault(FaultSpec::Kind::kMessageLoss, minutes(14), minutes(3));
  loss.probability = 0.5;
  config.faults.push_back(loss);
  config.faults.push_back(
      fault(FaultSpec::Kind::kAgentCrash, minutes(18), minutes(2), "agents:4-4"));
  FaultSpec down = fault(FaultSpec::Kind::kServerDown, minutes(22), seconds(30));
  down.server = 1;
  config.faults.push_back(down);
  return config;
}

TEST(TimelineTest, RecordingATimelineLeavesTheFingerprintUnchanged) {
  std::vector<std::pair<std::string, WorldConfig>> worlds = {{"eventful", eventful_world()}};
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    worlds.emplace_back("random_world(" + std::to_string(seed) + ")", testing::random_world(seed));
  }
  WorldConfig swarm = testing::random_world(6);
  swarm.swarm.enabled = true;
  swarm.swarm.faults = 10;
  worlds.emplace_back("swarm of 10 faults", swarm);
  for (const auto& [name, config] : worlds) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(config.validate().is_ok()) << config.validate().message();
    const RunOutcome plain = run_world(config, 7);
    Collect timeline;
    RunOptions options;
    options.timeline_sink = &timeline;
    const RunOutcome recorded = run_world(config, 7, options);
    EXPECT_EQ(recorded.fingerprint, plain.fingerprint);
    EXPECT_EQ(recorded.trace_records, plain.trace_records);
    EXPECT_EQ(recorded.events, plain.events);
    EXPECT_FALSE(timeline.entries.empty());
  }
}

TEST(TimelineTest, EveryEventKindAppearsInAWorldThatProducesIt) {
  Collect timeline;
  RunOptions options;
  options.timeline_sink = &timeline;
  run_world(eventful_world(), 11, options);
  std::set<TimelineEvent> seen;
  for (const TimelineEntry& e : timeline.entries) seen.insert(e.event);
  for (int i = 0; i < kTimelineEventCount; ++i) {
    const auto event = static_cast<TimelineEvent>(i);
    EXPECT_TRUE(seen.contains(event)) << timeline_event_name(event);
  }
  EXPECT_EQ(timeline.seed, 11u);
  EXPECT_EQ(timeline.tempo_bpm, 2.0);
}

TEST(TimelineTest, EntriesAreInTimeOrderAndNameTheirNodes) {
  Collect timeline;
  RunOptions options;
  options.timeline_sink = &timeline;
  run_world(eventful_world(), 11, options);
  std::set<std::string> servers;
  for (std::size_t i = 1; i < timeline.entries.size(); ++i) {
    ASSERT_LE(timeline.entries[i - 1].at, timeline.entries[i].at) << i;
  }
  for (const TimelineEntry& e : timeline.entries) {
    ASSERT_FALSE(e.node.empty());
    ASSERT_FALSE(e.node.starts_with("node-")) << "an unnamed node: " << e.node;
    if (e.role == TimelineRole::kServer) servers.insert(e.node);
    if (e.event == TimelineEvent::kFrameDropped) {
      EXPECT_FALSE(e.detail.empty());  // the reason
    }
    if (e.event == TimelineEvent::kFramePublished) {
      EXPECT_EQ(e.role, TimelineRole::kPulse);
      EXPECT_GT(e.size, 0u);
    }
  }
  EXPECT_EQ(servers, std::set<std::string>{"nats-1"});  // the downed server's fault
}

TEST(TimelineTest, JsonLinesReadBackAsWritten) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "timeline_test.jsonl").string();
  Collect timeline;
  auto writer = TimelineJsonlWriter::open(path);
  ASSERT_TRUE(writer.is_ok()) << writer.status().message();
  TimelineTee tee;
  tee.add(&timeline);
  tee.add(writer->get());
  RunOptions options;
  options.timeline_sink = &tee;
  run_world(eventful_world(), 11, options);
  ASSERT_TRUE((*writer)->close().is_ok());

  std::ifstream in(path);
  std::string text;
  std::size_t n = 0;
  while (std::getline(in, text)) {
    Result<TimelineLine> line = parse_timeline_line(text);
    ASSERT_TRUE(line.is_ok()) << "line " << n + 1 << ": " << line.status().message();
    if (n == 0) {
      ASSERT_TRUE(line->is_header);
      EXPECT_EQ(line->header.seed, 11u);
      EXPECT_EQ(line->header.tempo_bpm, 2.0);
    } else {
      ASSERT_FALSE(line->is_header) << n + 1;
      const TimelineEntry& want = timeline.entries[n - 1];
      const TimelineEntry& got = line->entry;
      ASSERT_EQ(got.at, want.at);
      ASSERT_EQ(got.beat, want.beat);
      ASSERT_EQ(got.role, want.role);
      ASSERT_EQ(got.node, want.node);
      ASSERT_EQ(got.event, want.event);
      ASSERT_EQ(got.subject, want.subject);
      ASSERT_EQ(got.size, want.size);
      ASSERT_EQ(got.detail, want.detail);
    }
    ++n;
  }
  EXPECT_EQ(n, timeline.entries.size() + 1);
  std::remove(path.c_str());
}

TEST(TimelineTest, MalformedLinesAreRefusedNamingTheField) {
  EXPECT_FALSE(parse_timeline_line("{").is_ok());
  EXPECT_FALSE(parse_timeline_line("[1]").is_ok());
  auto missing = parse_timeline_line(R"({"beat":1,"role":"agent","node":"a","event":"resync"})");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("t_ns"), std::string::npos);
  auto unknown =
      parse_timeline_line(R"({"t_ns":1,"beat":1,"role":"agent","node":"a","event":"nope"})");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("nope"), std::string::npos);
  EXPECT_FALSE(parse_timeline_line(R"({"format":"other","seed":1,"tempo_bpm":2})").is_ok());
}

TimelineEntry entry(double at_s, const char* node, TimelineRole role, TimelineEvent event) {
  TimelineEntry e;
  e.at = Duration(static_cast<std::int64_t>(at_s * 1e9));
  e.node = node;
  e.role = role;
  e.event = event;
  return e;
}

TEST(TimelineTest, FiltersSelectByNodeTimeRangeAndKind) {
  const TimelineEntry a3 =
      entry(10, "chorus:agent-3", TimelineRole::kAgent, TimelineEvent::kFrameDelivered);
  const TimelineEntry a13 =
      entry(20, "chorus:agent-13", TimelineRole::kAgent, TimelineEvent::kBudgetOverrun);
  const TimelineEntry pulse =
      entry(30, "pulse-0", TimelineRole::kPulse, TimelineEvent::kFramePublished);

  TimelineFilter by_index;
  by_index.nodes = {"3"};
  EXPECT_TRUE(by_index.matches(a3));
  EXPECT_FALSE(by_index.matches(a13));  // "-3" is not "-13"'s suffix match
  EXPECT_FALSE(by_index.matches(pulse));
  TimelineFilter by_name;
  by_name.nodes = {"pulse-0", "chorus:agent-13"};
  EXPECT_FALSE(by_name.matches(a3));
  EXPECT_TRUE(by_name.matches(a13));
  EXPECT_TRUE(by_name.matches(pulse));

  TimelineFilter range;
  range.from = seconds(15);
  range.to = seconds(30);
  EXPECT_FALSE(range.matches(a3));
  EXPECT_TRUE(range.matches(a13));
  EXPECT_TRUE(range.matches(pulse));  // inclusive

  TimelineFilter group;
  group.kinds = {"frame"};
  EXPECT_TRUE(group.matches(a3));
  EXPECT_FALSE(group.matches(a13));
  EXPECT_TRUE(group.matches(pulse));
  TimelineFilter exact;
  exact.kinds = {"budget.overrun", "frame.published"};
  EXPECT_FALSE(exact.matches(a3));
  EXPECT_TRUE(exact.matches(a13));
  EXPECT_TRUE(exact.matches(pulse));

  EXPECT_TRUE(check_timeline_kind("frame").is_ok());
  EXPECT_TRUE(check_timeline_kind("link.disconnect").is_ok());
  EXPECT_FALSE(check_timeline_kind("frames").is_ok());
  EXPECT_FALSE(check_timeline_kind("").is_ok());
}

TEST(TimelineTest, WindowHoldsTheFirstFailingObservationAndItsSurroundings) {
  Collect timeline;
  TimelineWindowSink window;
  TimelineTee tee;
  tee.add(&timeline);
  tee.add(&window);
  RunOptions options;
  options.timeline_sink = &tee;
  run_world(eventful_world(), 11, options);
  const std::optional<TimelineWindow> w = window.window();
  ASSERT_TRUE(w.has_value());
  const TimelineEntry* first = nullptr;
  for (const TimelineEntry& e : timeline.entries) {
    if (is_failure_signal(e.event)) {
      first = &e;
      break;
    }
  }
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(w->first_failure.at, first->at);
  EXPECT_EQ(w->first_failure.event, first->event);
  EXPECT_EQ(w->first_failure.node, first->node);
  ASSERT_FALSE(w->entries.empty());
  EXPECT_GE(w->entries.front().at, w->from);
  EXPECT_LE(w->entries.back().at, w->to);
  EXPECT_LT(w->from, first->at);
  EXPECT_GT(w->to, first->at);
  // Every entry of the full timeline inside the window is in it (nothing was capped here).
  std::size_t inside = 0;
  for (const TimelineEntry& e : timeline.entries) inside += e.at >= w->from && e.at <= w->to;
  EXPECT_EQ(w->entries.size(), inside);
}

TEST(TimelineTest, WindowKeepsSpansStillOpenWhenItStarts) {
  TimelineWindowSink window(8, 4);
  window.on_start(1, 2.0);  // 8 beats = 240 s before the failure
  TimelineEntry fault = entry(10, "faults", TimelineRole::kWorld, TimelineEvent::kFaultBegin);
  fault.detail = "fault[0] slow_peers";
  window.on_entry(fault);
  window.on_entry(entry(20, "chorus:agent-1", TimelineRole::kAgent, TimelineEvent::kDisconnect));
  window.on_entry(entry(30, "chorus:agent-1", TimelineRole::kAgent, TimelineEvent::kReconnect));
  window.on_entry(entry(40, "chorus:agent-2", TimelineRole::kAgent, TimelineEvent::kDisconnect));
  window.on_entry(
      entry(1000, "chorus:agent-2", TimelineRole::kAgent, TimelineEvent::kBudgetOverrun));
  const std::optional<TimelineWindow> w = window.window();
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->from, seconds(760));
  ASSERT_EQ(w->entries.size(), 1u);
  // The fault and agent-2's disconnect; not agent-1's, which closed before the window.
  ASSERT_EQ(w->open_at_start.size(), 2u);
  EXPECT_EQ(w->open_at_start[0].event, TimelineEvent::kFaultBegin);
  EXPECT_EQ(w->open_at_start[1].node, "chorus:agent-2");
}

TEST(TimelineTest, APassingQuietRunKeepsNoWindow) {
  WorldConfig config;
  config.cluster.groups[0].count = 3;
  config.duration = minutes(5);
  TimelineWindowSink window;
  RunOptions options;
  options.timeline_sink = &window;
  run_world(config, 1, options);
  EXPECT_FALSE(window.window().has_value());
}

}  // namespace
}  // namespace backbeat::sim
