// Integration: the C++ port of CHORUS's internal/backbeat integration (seeds/
// chorus-backbeat-integration.md). It tracks P2P operations against beat budgets and reports
// them as status claims through a BeatClient.
//
// Behaviour, as the seed documents it, with this port's decisions marked:
// - Every beat: one status claim per active operation (state executing, or done/failed for an
//   operation whose phase was set to completed/failed and not yet cleaned up), then, when the
//   beat index is a multiple of 8, a health claim (task "chorus-p2p-health").
// - Health claim state: failed when the client recorded errors since the previous health claim
//   (decision: "SDK reports errors" means new errors, so one bad frame does not mark the agent
//   failed forever), else executing with active operations, else waiting (idle in contract
//   words).
// - Every downbeat (after that beat's claims): operations in phase completed or failed are
//   removed.
// - Operations are kept and reported in order of id (decision: the seed's Go map has no order).
// - Node ids in notes are cut to their first 8 characters plus "..." when longer (decision; the
//   seed shows "12D3KooW...").
// - Claim words: contract states by default (done -> completed, waiting -> idle); legacy mode
//   writes the seed's words (docs/contracts.md, "Decision (states)").
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/backbeat_config.h"
#include "core/beat_budget.h"
#include "core/beat_client.h"
#include "core/integration_health.h"
#include "core/logger.h"
#include "core/operation_admission.h"
#include "core/operation_budgets.h"
#include "core/p2p_operation.h"
#include "core/workflow_tracker.h"

namespace backbeat {

inline constexpr std::string_view kHealthTaskId = "chorus-p2p-health";
inline constexpr std::int64_t kHealthClaimEveryBeats = 8;

// OK when `operation_id` can be a claim's task_id (docs/contracts.md: 1..128 characters of
// [A-Za-z0-9_:-]); else kInvalidArgument naming the rule and the first character outside it.
Status check_operation_id(std::string_view operation_id);

class Integration {
 public:
  // The seed's NewIntegration. kFailedPrecondition "BACKBEAT integration is disabled" when
  // config.enabled is false; kInvalidArgument for a malformed config. `logger`, `clock` and
  // `transport` must outlive the integration. `client_tuning` carries the SDK settings the seed
  // does not expose (drift thresholds, degradation); its ids and claim words are taken from
  // `config`.
  static Result<std::unique_ptr<Integration>> create(const BackbeatConfig& config,
                                                     std::string node_id, Logger& logger,
                                                     Clock& clock, Transport& transport,
                                                     BeatClientConfig client_tuning = {});
  // Cancels the admission notices not delivered yet: their listeners belong to callers that
  // may be gone with the integration (a host tearing down its workload and its agents).
  ~Integration();
  Integration(const Integration&) = delete;
  Integration& operator=(const Integration&) = delete;

  // Starts the beat client and registers the beat callbacks. kFailedPrecondition
  // "BACKBEAT integration already started"; the client's error wrapped as
  // "failed to start BACKBEAT client: ...".
  Status start();
  // kFailedPrecondition "BACKBEAT integration not started".
  Status stop();

  // Registers an operation at the current beat and emits its first claim. Errors:
  // not started; kInvalidArgument for an id check_operation_id refuses, an id already active,
  // an empty type, or estimated_beats < 1; the claim's publish error (the operation is still
  // registered, as in the seed).
  Status start_p2p_operation(const std::string& operation_id, const std::string& operation_type,
                             int estimated_beats, nlohmann::json data = nullptr);
  // kNotFound "operation <id> not found".
  Status update_p2p_operation_phase(const std::string& operation_id, OperationPhase phase,
                                    int peer_count);
  // Emits the completion claim and forgets the operation. kNotFound as above.
  Status complete_p2p_operation(const std::string& operation_id, int peer_count);
  // Emits the failure claim and forgets the operation. kNotFound as above.
  Status fail_p2p_operation(const std::string& operation_id, const std::string& reason);

  IntegrationHealth get_health() const;

  // Beyond the seed (core/workflow_tracker.h, defined in integration_workflows.cc): starts an
  // operation as a step of workflow `link.workflow_id` after `link.parents`. Its claims carry
  // metadata.workflow = {"id", "parents"} so an observer can correlate them. Errors:
  // start_p2p_operation's, then WorkflowTracker::check's (nothing is started).
  Status start_workflow_operation(const std::string& operation_id,
                                  const std::string& operation_type, int estimated_beats,
                                  const WorkflowLink& link, nlohmann::json data = nullptr);
  const WorkflowTracker& workflows() const { return workflows_; }

  // The seed's ExecuteWithBeatBudget, blocking: for hosts that run fn on a thread that may wait.
  // fn runs on the calling thread, so while it runs no beat is handled and nothing can cut it
  // off: a fn that overruns is reported kDeadlineExceeded when it returns (its own error wins),
  // a fn that hangs blocks the caller for good. Plain fn() when not started. Hosts that need the
  // cut-off use the asynchronous form below.
  Status execute_with_beat_budget(int beats, const std::function<Status()>& fn);
  // The asynchronous form (core/beat_budget.h): calls fn(token, done) now; fn's outcome, or
  // kDeadlineExceeded "beat budget exceeded" at the deadline beat (start beat + beats + 1) with
  // the token's stop requested, reaches on_result through the clock, exactly once. Not started:
  // no deadline (the seed's fallback). stop() ends pending budgets with kFailedPrecondition.
  void execute_with_beat_budget_async(int beats, BeatBudgets::Work fn,
                                      BeatBudgets::OnResult on_result);
  const BeatBudgets& beat_budgets() const { return *beat_budgets_; }

  // Beyond the seed (core/operation_budgets.h, defined in integration_budgets.cc): budgets per
  // type (the static table, or adapted from history), budget warnings and the completion history
  // that get_health reports. Errors: BudgetPolicy::validate's.
  Status set_budget_policy(BudgetPolicy policy);
  const OperationBudgets& budgets() const { return budgets_; }

  // Beyond the seed (core/operation_admission.h, defined in integration_admission.cc): a limit on
  // concurrent operations, with priorities. request_p2p_operation is start_p2p_operation through
  // admission: kAdmit, the operation started now (as start_p2p_operation); kQueue, it waits and
  // claims `blocked` each beat until `on_later` hears, exactly once and through the clock (never
  // from inside a call), that it was admitted (started then) or shed (claimed `failed`); kShed,
  // shed at once (its `failed` claim sent). Without a limit it always admits. Errors: those of
  // start_p2p_operation, checked before admission (an id waiting counts as active).
  Result<OperationAdmission::Verdict> request_p2p_operation(
      const std::string& operation_id, const std::string& operation_type, int estimated_beats,
      OperationPriority priority, std::function<void(const AdmissionNotice&)> on_later,
      nlohmann::json data = nullptr);
  // Errors: AdmissionSettings::validate's.
  Status set_admission(AdmissionSettings settings);
  const OperationAdmission& admission() const { return admission_; }

  bool started() const { return started_; }
  const std::string& node_id() const { return node_id_; }
  const BackbeatConfig& config() const { return config_; }
  const std::map<std::string, P2POperation>& active_operations() const { return operations_; }
  const BeatClient& beat_client() const { return *client_; }
  BeatClient& beat_client() { return *client_; }

 private:
  Integration(const BackbeatConfig& config, std::string node_id, Logger& logger, Clock& clock,
              Transport& transport, BeatClientConfig client_config);

  // What starting and requesting an operation both refuse: not started, a bad id or type, fewer
  // than one estimated beat, an id already running or waiting.
  Status check_new_operation(const std::string& operation_id, const std::string& operation_type,
                             int estimated_beats) const;
  void on_beat(const BeatFrame& frame);
  void on_downbeat(const BeatFrame& frame);
  Status emit_operation_status(const P2POperation& operation);
  Status emit_health_status();
  Status emit_budget_warning(const P2POperation& operation);
  std::string short_node_id() const;
  void annotate_workflow(const std::string& operation_id, StatusClaim& claim) const;
  // Admission (integration_admission.cc): operations holding a slot (not completed or failed);
  // starting waiting operations while slots are free; a beat's shedding and `blocked` claims;
  // shedding every waiting operation when stopping.
  std::size_t running_operations() const;
  void admit_waiting();
  void on_beat_admission(std::int64_t beat);
  void shed_waiting(std::vector<ShedOperation> shed, std::int64_t beat);
  // `running`: running_operations(), counted once by callers that claim for several.
  Status emit_waiting_status(const WaitingOperation& operation, std::size_t position,
                             std::int64_t beat, std::size_t running);
  // Calls `on(notice)` through the clock (never from inside the call that decided it), unless
  // the integration is destroyed first.
  void notify_later(std::function<void(const AdmissionNotice&)> on, AdmissionNotice notice);

  BackbeatConfig config_;
  std::string node_id_;
  Logger& logger_;
  std::unique_ptr<BeatClient> client_;
  bool started_ = false;
  bool callbacks_registered_ = false;
  std::map<std::string, P2POperation> operations_;
  std::uint64_t errors_at_last_health_ = 0;
  OperationBudgets budgets_;
  WorkflowTracker workflows_;
  std::unique_ptr<BeatBudgets> beat_budgets_;  // after client_: destroyed before it
  OperationAdmission admission_;
  std::map<std::string, std::function<void(const AdmissionNotice&)>> admission_listeners_;
  std::map<std::uint64_t, Clock::TimerId> pending_notices_;  // by notify_later's count
  std::uint64_t notices_scheduled_ = 0;
};

}  // namespace backbeat
