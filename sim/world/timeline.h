// Timeline: a readable account of what happened in one run, beside the trace (sim/kernel/trace.h).
//
// The trace exists for the fingerprint and holds digests; the timeline holds what a person asks
// when a run fails: at this virtual time and beat, on this node (an agent, a pulse node, a NATS
// server, the reverb), this happened (a frame was published, delivered or dropped and why, a claim
// published or received, a fault began, a connection was lost, an agent degraded, an operation
// overran its budget...), on this subject, this many bytes. It never feeds the fingerprint: a run
// records the same trace with or without a timeline.
//
// Cost: the world's parts hold a `Timeline*` that is null unless the run was given a
// TimelineSink (RunOptions::timeline_sink); every hook is one null check when it is, and nothing
// is formatted. Entries reach the sink in the kernel's event order, so the timeline is as
// deterministic as the run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "sim/kernel/kernel.h"
#include "sim/kernel/trace.h"

namespace backbeat::sim {

class Pulse;

// What happened. Names (timeline_event_name) are "group.what"; `--kind frame` selects a group.
enum class TimelineEvent : std::uint8_t {
  kFramePublished,
  kFrameDelivered,
  kFrameDropped,  // detail: the reason (loss, partition, slow_consumer, ...)
  kClaimPublished,
  kClaimReceived,
  kClaimDropped,  // detail: the reason
  kFaultBegin,    // subject: the targets; detail: the fault's kind
  kFaultEnd,
  kDisconnect,  // the client noticed its connection was gone
  kReconnect,
  kConnectionClosed,  // gave up reconnecting
  kDegradationEntered,
  kDegradationLeft,
  kResync,  // back on the beat after being cut off; detail: how long it took
  kBudgetOverrun,
  kOperationStarted,
  kOperationCompleted,
  kOperationFailed,
  kOperationLost,
  kAgentCrashed,
};
inline constexpr int kTimelineEventCount = 20;

const char* timeline_event_name(TimelineEvent event);
std::optional<TimelineEvent> timeline_event_from_name(std::string_view name);
// Whether the event counts against a verdict (overrun, failed or lost operation, dropped claim,
// degradation, crash): what "the first failing observation" of a run looks for.
bool is_failure_signal(TimelineEvent event);

// Who it happened on.
enum class TimelineRole : std::uint8_t { kAgent, kPulse, kServer, kReverb, kWorld };
const char* timeline_role_name(TimelineRole role);
std::optional<TimelineRole> timeline_role_from_name(std::string_view name);

// One entry, as sinks receive it (views valid during the call) and as it is kept or read back.
struct TimelineEntry {
  Duration at{};          // virtual time since the start of the run
  std::int64_t beat = 0;  // the pulse's beat at that time (-1 before the first)
  TimelineRole role = TimelineRole::kWorld;
  std::string node;  // "chorus:agent-3", "pulse-0", "nats-1", "reverb", "faults"
  TimelineEvent event = TimelineEvent::kFaultBegin;
  std::string subject;
  std::uint64_t size = 0;  // payload bytes; 0 when not a message
  std::string detail;
};

// Where entries go. Receives the run's header first, then each entry in order.
class TimelineSink {
 public:
  virtual ~TimelineSink() = default;
  // Once, before any entry: the run's seed and its tempo (for beats in filters).
  virtual void on_start(std::uint64_t seed, double tempo_bpm) = 0;
  virtual void on_entry(const TimelineEntry& entry) = 0;
};

// Hands everything to several sinks (a run takes one).
class TimelineTee final : public TimelineSink {
 public:
  void add(TimelineSink* sink) {
    if (sink != nullptr) sinks_.push_back(sink);
  }
  bool empty() const { return sinks_.empty(); }
  void on_start(std::uint64_t seed, double tempo_bpm) override {
    for (TimelineSink* s : sinks_) s->on_start(seed, tempo_bpm);
  }
  void on_entry(const TimelineEntry& entry) override {
    for (TimelineSink* s : sinks_) s->on_entry(entry);
  }

 private:
  std::vector<TimelineSink*> sinks_;
};

// The world's side: knows the nodes' names and the current beat, and hands entries to the sink.
class Timeline {
 public:
  Timeline(Kernel& kernel, TimelineSink& sink);

  void name_node(NodeId node, std::string name, TimelineRole role);
  // The pulse whose beat stamps each entry (none: -1).
  void set_pulse(const Pulse* pulse) { pulse_ = pulse; }
  void start(std::uint64_t seed, double tempo_bpm);

  void on_node(NodeId node, TimelineEvent event, std::string_view subject = {},
               std::uint64_t size = 0, std::string_view detail = {});
  void on_server(int server, TimelineEvent event, std::string_view subject = {},
                 std::string_view detail = {});
  void on_world(TimelineEvent event, std::string_view subject = {}, std::string_view detail = {});

 private:
  void emit(TimelineRole role, std::string_view node, TimelineEvent event, std::string_view subject,
            std::uint64_t size, std::string_view detail);

  Kernel& kernel_;
  TimelineSink& sink_;
  const Pulse* pulse_ = nullptr;
  Time start_{};
  struct Node {
    std::string name;
    TimelineRole role = TimelineRole::kWorld;
  };
  std::vector<Node> nodes_;  // by NodeId
  TimelineEntry entry_;      // reused, so its strings keep their capacity
};

}  // namespace backbeat::sim
