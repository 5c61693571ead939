// Operation priorities under contention (a planned feature of the seed: "prioritize critical
// operations during contention"). An agent may limit how many operations run at once; above the
// limit a new operation waits in a bounded queue ordered by priority, then arrival, and is
// admitted when a running operation ends, or is shed. Rules and why: docs/decisions.md,
// "Priorities under contention". Summary:
// - max_concurrent 0 (the default) is the seed: every operation starts at once, nothing here
//   changes a claim.
// - Admission: a slot frees (an operation completes or fails) -> the first waiting operation
//   (highest priority, earliest arrival) starts. Running operations are never pre-empted.
// - Shedding: (a) a full queue sheds the lowest-priority, latest-arrived of the waiting
//   operations and the newcomer, so a newcomer of higher priority displaces it and one of equal or
//   lower priority is shed at once; (b) a waiting operation is shed on the first beat on which it
//   has waited more than max_wait_beats beats (0: no limit).
// - Budget clock: waiting does not count against the budget; an admitted operation starts (its
//   start beat, its budget) when admitted, as the seed's budgets run from the operation's start.
// This file is the pure queue and its tallies; the integration emits the claims
// (core/integration_admission.cc).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace backbeat {

// Levels, lowest first. Defaults by type (default_operation_priority): election high (a leader or
// quorum gates the cluster's other work), dht_store and pubsub_sync normal, peer_discovery low (it
// is retried by nature and only widens the peer set); any other type normal.
enum class OperationPriority { kLow, kNormal, kHigh };
inline constexpr int kOperationPriorityLevels = 3;

const char* operation_priority_name(OperationPriority priority);  // "low", "normal", "high"
std::vector<std::string> operation_priority_names();              // lowest first
std::optional<OperationPriority> parse_operation_priority(std::string_view name);
OperationPriority default_operation_priority(std::string_view type);

struct AdmissionSettings {
  int max_concurrent = 0;  // per agent, 0..10000; 0: unlimited (the seed)
  int max_queue = 32;      // waiting operations, 0..10000; 0: above the limit every one is shed
  int max_wait_beats = 8;  // 0..1000; 0: a waiting operation waits as long as it takes

  bool limited() const { return max_concurrent > 0; }
  // kInvalidArgument "admission <field>: expected <range>, got <value>".
  Status validate() const;
};

// Why an operation was shed (the shed claim's notes and metadata).
enum class ShedReason { kQueueFull, kDisplaced, kWaitedTooLong, kStopped };
const char* shed_reason_name(ShedReason reason);  // "queue_full", "displaced", "max_wait", ...

struct WaitingOperation {
  std::string id;
  std::string type;
  int estimated_beats = 1;
  OperationPriority priority = OperationPriority::kNormal;
  nlohmann::json data = nullptr;
  std::int64_t arrival_beat = 0;
  std::uint64_t sequence = 0;  // arrival order
};

struct ShedOperation {
  WaitingOperation operation;
  ShedReason reason = ShedReason::kQueueFull;
};

// What became of an operation that waited, for the host that requested it.
struct AdmissionNotice {
  std::string id;
  bool admitted = false;          // true: it is now active (started at this beat); false: shed
  std::int64_t waited_beats = 0;  // from its request to now
  ShedReason reason = ShedReason::kQueueFull;  // when shed
};

// Per priority, over the agent's life.
struct AdmissionTally {
  std::uint64_t admitted_at_once = 0;
  std::uint64_t admitted_after_wait = 0;
  std::uint64_t shed = 0;
  std::int64_t waited_beats_total = 0;  // of the operations admitted after a wait
  std::int64_t waited_beats_max = 0;
};

class OperationAdmission {
 public:
  enum class Verdict { kAdmit, kQueue, kShed };
  struct Offer {
    Verdict verdict = Verdict::kAdmit;
    std::optional<ShedOperation> displaced;  // a waiting operation shed to make room
  };

  explicit OperationAdmission(AdmissionSettings settings = {});
  // Replaces the settings; operations already waiting stay. Errors: validate's.
  Status set_settings(AdmissionSettings settings);
  const AdmissionSettings& settings() const { return settings_; }

  // A new operation while `running` operations run. kAdmit: start it now; kQueue: it waits;
  // kShed: shed at once (queue full). The caller checks that the id is neither running nor waiting.
  Offer offer(WaitingOperation operation, std::size_t running);
  // The next operation to start while `running` run, removed from the queue; none when the limit
  // is reached or nothing waits. `beat`: now, for the tallies of the time waited.
  std::optional<WaitingOperation> admit_next(std::size_t running, std::int64_t beat);
  // Removes and returns the waiting operations that waited more than max_wait_beats at `beat`.
  std::vector<ShedOperation> shed_overdue(std::int64_t beat);
  // Removes and returns every waiting operation (the integration stops).
  std::vector<ShedOperation> shed_all();

  // Waiting operations in admission order (position 1 first).
  const std::vector<WaitingOperation>& waiting() const { return waiting_; }
  bool is_waiting(const std::string& id) const;
  const AdmissionTally& tally(OperationPriority priority) const;

  // {"max_concurrent", "max_queue", "max_wait_beats", "waiting", "by_priority": {"high":
  // {"admitted_at_once", "admitted_after_wait", "shed", "waited_beats_mean",
  // "waited_beats_max"}, ...}} (levels that saw an operation, highest first).
  nlohmann::ordered_json to_json() const;

 private:
  void shed(const WaitingOperation& operation);

  AdmissionSettings settings_;
  std::vector<WaitingOperation> waiting_;  // ordered: priority descending, then sequence
  std::uint64_t next_sequence_ = 0;
  AdmissionTally tallies_[kOperationPriorityLevels];
};

}  // namespace backbeat
