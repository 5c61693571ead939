// RunOutcome: what one simulated run produced, for verdicts, reports and the tuner.
// Plain values only; everything is ordered (vectors in time or index order, std::map by key).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/contracts/bar_report.h"
#include "core/time.h"

namespace backbeat {
class BeatClient;
}

namespace backbeat::sim {

struct OperationOutcome {
  enum class Result {
    kCompleted,
    kFailed,      // the workload failed it (failure_probability)
    kLost,        // its agent crashed or its connection closed before it finished
    kUnfinished,  // still running when the run ended
    kCutOff,      // cut off at its deadline beat (cut_off: the asynchronous beat budget)
    kShed,        // shed by its agent's admission: queue full or waited too long (admission)
  };
  std::string id;
  std::string type;
  int agent = 0;
  std::int64_t start_beat = 0;
  std::int64_t end_beat = 0;  // the agent's beat when it finished (start_beat if never)
  int estimated_beats = 0;
  int budget_beats = 0;  // the agent's budget: the table's (else estimated_beats), or adapted
  int static_budget_beats = 0;  // what the budget table (else estimated_beats) gives
  bool budget_warned = false;   // the agent sent its budget warning before the end
  std::string priority;         // its priority's name (core/operation_admission.h)
  bool waited = false;  // it waited for admission (start_beat and elapsed count from admission)
  std::int64_t waited_beats = 0;  // beats from its request to its admission or shedding
  bool waiting_at_end = false;    // still waiting for admission when the run ended (unfinished)
  Result result = Result::kUnfinished;
  Duration elapsed{};  // virtual time from start to end
  // A workflow's step (sim/harness/workload.h): the instance id, its template, the step's name
  // and its parents' operation ids; empty otherwise.
  std::string workflow_id;
  std::string workflow;
  std::string step;
  std::vector<std::string> parents;
  int workflow_steps = 0;  // the template's step count

  std::int64_t beats() const { return end_beat - start_beat; }
  // A cut-off operation overran too: it was still running past its budget.
  bool over_budget() const {
    return result == Result::kCutOff || (result == Result::kCompleted && beats() > budget_beats);
  }
};
const char* operation_result_name(OperationOutcome::Result result);

struct TimeWindow {
  Time start{};
  Time end{};  // == start while still open at the end of the run (closed at run end)
};

struct AgentOutcome {
  int index = 0;
  std::string agent_id;
  std::string group;
  std::vector<TimeWindow> degradation_windows;
  std::vector<TimeWindow> disconnect_windows;  // connection down (as the agent saw it)
  std::uint64_t reconnects = 0;
  std::uint64_t crashes = 0;
  std::uint64_t frames_accepted = 0;
  std::uint64_t frames_invalid = 0;
  std::uint64_t frames_foreign = 0;
  std::uint64_t frames_backwards = 0;
  std::uint64_t frames_unconfirmed = 0;  // implausible forward jumps held (BeatClient)
  std::uint64_t frames_stale = 0;
  std::uint64_t synthetic_beats = 0;
  std::uint64_t skipped_beats = 0;
  std::uint64_t errors = 0;
  std::uint64_t claims_published = 0;  // accepted by the transport
  std::uint64_t claims_failed = 0;     // refused by the transport (buffer full, closed)
  std::int64_t final_beat = 0;
  double measured_bpm = 0.0;               // the agent's own measurement at the end of the run
  std::string tempo_drift = "acceptable";  // its drift class at the end of the run
  bool in_sync_at_end = true;    // not degraded and on the pulse's beat at the end of the run
  bool backbeat_enabled = true;  // false: its group ran without the core (never judged)
  // Longest time from the end of a disconnect (or outage) to the first real beat after it.
  std::optional<Duration> longest_resync;
};

// Adds what `client` counted (frames, beats, claims, errors, reconnects) to `out` and takes its
// final beat, tempo and drift class: once per agent incarnation (a crash starts a new client).
void add_client_counters(const BeatClient& client, AgentOutcome& out);

struct MessageAccounting {
  std::uint64_t published = 0;  // publish() calls accepted
  std::uint64_t refused = 0;    // publish() calls refused (error returned to the publisher)
  std::uint64_t delivered = 0;  // deliveries to subscribers
  std::map<std::string, std::uint64_t> dropped;  // by reason: loss, partition, disconnected, ...
};

struct ClaimAccounting {
  std::uint64_t published = 0;      // accepted by publish() on the agents' side
  std::uint64_t received = 0;       // distinct (agent, seq) the reverb received
  std::uint64_t duplicates = 0;     // received more than once
  std::uint64_t in_flight = 0;      // still on the wire or in a reconnect buffer when the run ended
  std::uint64_t lost = 0;           // accepted, never received and not in flight: lost silently
  std::uint64_t nonconforming = 0;  // failed contract validation at the reverb
  std::map<std::string, std::uint64_t> lost_by_cause;  // detection_window, buffer_discarded, ...
};

struct FaultWindow {
  std::string kind;
  std::string targets;             // as the user reads it: the selector and what it resolved to
  std::vector<int> target_agents;  // the agents it acted on, resolved (fault_plan.h), ascending
  Time start{};
  Time end{};
};

struct TempoSample {  // one per beat, as the reverb saw the pulse
  Time at{};
  std::int64_t beat_index = 0;
  double advertised_bpm = 0;
  double measured_bpm = 0;  // from the arrival of this beat and the previous one
  double drift_ms = 0;      // offset from the advertised schedule (positive = late: pulse slow)
};

struct BarReportRecord {
  Time at{};
  BarReport report;
};

struct RunOutcome {
  std::uint64_t seed = 0;
  std::uint64_t fingerprint = 0;
  Time start{};
  Duration sim_time{};
  std::uint64_t events = 0;
  std::uint64_t trace_records = 0;
  std::vector<OperationOutcome> operations;
  std::vector<AgentOutcome> agents;
  std::map<std::string, MessageAccounting> messages;  // "beat_frame", "status_claim", "bar_report"
  ClaimAccounting claims;
  std::vector<BarReportRecord> bar_reports;
  std::vector<FaultWindow> faults;
  std::vector<TempoSample> tempo;
  // Set when the pulse was silent at the end of the run: since when, and why ("every pulse node
  // failed", "pulse outage", ...). Agents cannot be on a silent pulse's beat.
  std::optional<Time> pulse_silent_since;
  std::string pulse_silence_cause;
  std::vector<std::string> derived_options;  // "name = value" lines derived from the seed
};

}  // namespace backbeat::sim
