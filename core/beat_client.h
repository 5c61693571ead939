// BeatClient: the BACKBEAT SDK behaviour an agent relies on (docs/decisions.md, "Agent
// behaviour").
//
// It follows the beat frames of its own cluster, fires on-beat once per beat index and
// on-downbeat at bar starts, measures tempo and drift, degrades locally when frames stop and
// resynchronises when they return, and publishes status claims. It is sans-I/O: all time comes
// from a Clock and all messages from a Transport, so the same object runs on the simulator's
// virtual clock and on nats.c.
//
// Degradation and resync (docs/decisions.md, "Degradation"; this is the documented choice):
// - No frame for `degradation_after_beats` beat lengths -> local degradation: the client
//   generates beats itself at the last known tempo, continuing the last beat's schedule, and
//   marks them with metadata {"synthetic": true}. The beats already overdue when degradation
//   starts are not fired one by one: only the latest fires (the rest count as skipped).
// - When frames return with a higher index, that index fires once; the beats in between are
//   skipped (counted in skipped_beats(), and budget accounting, which works on beat indices,
//   sees the jump). With the same index nothing fires. With a lower index (the local
//   schedule ran ahead of the pulse) the client stays on its beat and fires nothing until the
//   pulse passes it; such frames are counted in frames_behind_local(), not as backwards.
// Frames that fail validation, belong to another cluster, or go backwards are dropped,
// counted and recorded in errors(); they never move the beat.
//
// Implausible jumps (beyond the contract, which drops backwards frames, so one
// contract-valid frame with beat_index 2^63-1 would otherwise leave the agent on that beat for
// good, every real frame after it "backwards"): a frame further ahead than the time since the
// current beat explains (twice the elapsed beats at the current tempo, plus
// `max_unconfirmed_jump_beats`) is held, not followed, and counted in frames_unconfirmed. The
// next newer frame within that reach of the held one confirms the jump and is followed (a pulse
// that really jumped, e.g. restored from a later state, is followed one frame late); a real frame
// near the current beat discards the held one. A lone rogue frame never moves the beat.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/field_rules.h"
#include "core/contracts/hlc.h"
#include "core/contracts/status_claim.h"
#include "core/error_log.h"
#include "core/jump_guard.h"
#include "core/subject.h"
#include "core/tempo_meter.h"
#include "core/transport.h"

namespace backbeat {

struct BeatClientConfig {
  std::string cluster_id;
  std::string agent_id;  // 1..128 of [A-Za-z0-9_:-]
  SubjectScheme subjects;
  DriftThresholds drift;                 // jitter tolerance 50 ms, warning up to 4x
  double degradation_after_beats = 1.5;  // silence that triggers local degradation
  std::size_t tempo_window_beats = 16;
  std::size_t max_errors = 32;  // errors() keeps the most recent this many
  ClaimStateWords claim_state_words = ClaimStateWords::kContract;
  int default_bar_length = 4;  // used for synthetic downbeats until two downbeats were seen
  // A jump further ahead than the elapsed time explains, by more than this many beats, waits for
  // a confirming frame (see "Implausible jumps" above). >= 1.
  std::int64_t max_unconfirmed_jump_beats = 64;

  // OK or kInvalidArgument naming the offending field.
  Status validate() const;
};

// Where the client stands with the pulse. The legal moves (asserted on every change):
//   kAwaitingFirstBeat -> kFollowing    the first frame
//   kFollowing         -> kDegraded     no frame for `degradation_after_beats`
//   kDegraded          -> kFollowing    a frame at or past the local beat (resync)
//   kDegraded          -> kBehindLocal  a frame behind the local, synthetic beat (resync)
//   kBehindLocal       -> kFollowing    the pulse reached the local beat
//   kBehindLocal       -> kDegraded     silence again before it did
// Nothing returns to kAwaitingFirstBeat: a beat, once had, is kept (also across stop/start).
enum class SyncState {
  kAwaitingFirstBeat,  // no frame yet; current_beat() is 0 and nothing fires
  kFollowing,          // beats come from pulse frames
  kDegraded,           // local degradation: synthetic beats at the last known tempo
  kBehindLocal,        // resynced, but the pulse is still behind the beats fired locally
};
const char* sync_state_name(SyncState state);  // "awaiting_first_beat", "following", ...
// Whether the client may move from `from` to `to` (the table above; staying is not a move).
bool is_legal_sync_transition(SyncState from, SyncState to);

// Counters of what the client received and did; all monotone.
struct BeatClientCounters {
  std::uint64_t frames_received = 0;  // every message on the beat subject
  std::uint64_t frames_accepted = 0;
  std::uint64_t frames_invalid = 0;       // failed contract validation (dropped)
  std::uint64_t frames_foreign = 0;       // another cluster's frame (dropped)
  std::uint64_t frames_backwards = 0;     // beat_index below the current beat (dropped)
  std::uint64_t frames_stale = 0;         // same beat, phase not after the current one (ignored)
  std::uint64_t frames_behind_local = 0;  // after a resync, pulse still behind local beats
  std::uint64_t frames_unconfirmed = 0;   // implausible jump, held for confirmation (dropped)
  std::uint64_t beats_fired = 0;          // on-beat callback rounds, real and synthetic
  std::uint64_t synthetic_beats = 0;      // generated locally during degradation
  std::uint64_t skipped_beats = 0;        // indices never fired because of a jump
  std::uint64_t degradation_episodes = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t claims_published = 0;
  std::uint64_t claims_failed = 0;  // publish refused by the transport
};

class BeatClient {
 public:
  using BeatCallback = std::function<void(const BeatFrame&)>;
  using SyncCallback = std::function<void(bool degraded)>;

  // `clock` and `transport` must outlive the client.
  BeatClient(BeatClientConfig config, Clock& clock, Transport& transport);
  ~BeatClient();
  BeatClient(const BeatClient&) = delete;
  BeatClient& operator=(const BeatClient&) = delete;

  // Subscribes to the cluster's beat subject and starts following frames.
  // Errors: kFailedPrecondition if already started; kInvalidArgument for a bad config;
  // the transport's error if subscribing fails.
  Status start();
  // Unsubscribes and cancels timers. kFailedPrecondition if not started.
  Status stop();
  bool started() const { return started_; }

  // Callbacks run on the clock's thread, in registration order. On a downbeat, on-beat
  // callbacks run first, then on-downbeat callbacks.
  void on_beat(BeatCallback callback) { beat_callbacks_.push_back(std::move(callback)); }
  void on_downbeat(BeatCallback callback) { downbeat_callbacks_.push_back(std::move(callback)); }
  // Called when local degradation starts (true) and ends (false).
  void on_sync_change(SyncCallback callback) { sync_callbacks_.push_back(std::move(callback)); }

  // The beat the client is on (0 before the first frame).
  std::int64_t current_beat() const { return current_.beat_index; }
  bool has_beat() const { return sync_ != SyncState::kAwaitingFirstBeat; }
  const std::string& current_window() const { return current_.window_id; }
  BeatPhase current_phase() const { return current_.phase; }
  double current_tempo_bpm() const { return current_.tempo_bpm; }
  // Least-squares tempo over the recent window; the advertised tempo until measurable.
  double measured_bpm() const;
  Duration tempo_drift() const { return meter_.drift(); }
  TempoDrift tempo_drift_class() const;
  bool local_degradation() const { return sync_ == SyncState::kDegraded; }
  SyncState sync_state() const { return sync_; }
  bool connected() const { return connected_; }
  std::uint64_t reconnect_count() const { return reconnect_count_; }
  std::vector<std::string> errors() const { return errors_.recent(); }
  std::uint64_t error_total() const { return errors_.total(); }
  const BeatClientCounters& counters() const { return counters_; }
  const BeatClientConfig& config() const { return config_; }
  Clock& clock() const { return clock_; }

  // Publishes `claim` on the agent's status subject after filling agent_id, beat_index (the
  // current beat), hlc and metadata.seq (a per-agent sequence number starting at 1).
  // Returns the transport's error, also recorded in errors().
  Status emit_status_claim(StatusClaim claim);
  std::uint64_t last_claim_sequence() const { return claim_sequence_; }

  // Runs `fn`, giving it `beats` beats at the current tempo, measured on this agent's clock.
  // Returns fn's own error if it failed, else kDeadlineExceeded if it overran the budget.
  // kInvalidArgument if beats < 1.
  Status with_beat_budget(int beats, const std::function<Status()>& fn);

 private:
  void handle_message(const Message& message);
  void handle_frame(const BeatFrame& frame);
  void handle_connection(ConnectionEvent event);
  void advance_to(const BeatFrame& frame, bool synthetic);
  void fire(const BeatFrame& frame, bool bar_started);
  void arm_watchdog();
  void on_watchdog();
  // Every change of sync_ goes through here: it asserts the move is legal.
  void move_to(SyncState next);
  void enter_degradation();
  // Resynchronises: sync_ becomes `next`, then the sync callbacks run.
  void leave_degradation(SyncState next);
  void schedule_synthetic_beat();
  void on_synthetic_beat();
  Time beat_start_of(const BeatFrame& frame, Time arrival) const;
  void record_error(std::string message);

  BeatClientConfig config_;
  Clock& clock_;
  Transport& transport_;
  HlcGenerator hlc_;
  std::string beat_subject_;
  std::string status_subject_;

  // Lifecycle and the transport's link are independent of sync_ (a stopped or disconnected client
  // keeps its beat and its sync state), so they stay flags of their own.
  bool started_ = false;
  bool connected_ = false;
  std::uint64_t reconnect_count_ = 0;
  std::optional<Transport::SubscriptionId> subscription_;
  std::optional<Transport::ListenerId> listener_;

  SyncState sync_ = SyncState::kAwaitingFirstBeat;
  BeatFrame current_;          // the frame (or synthetic frame) of the current beat and phase
  Time current_beat_start_{};  // local estimate of when the current beat started
  Time last_frame_arrival_{};
  std::optional<std::int64_t> last_downbeat_index_;
  int bar_length_estimate_;
  bool bar_seen_whole_ = false;  // every beat since the last downbeat came from the pulse
  JumpGuard jump_guard_;
  Clock::TimerId watchdog_ = Clock::kNoTimer;
  Clock::TimerId synthetic_timer_ = Clock::kNoTimer;

  TempoMeter meter_;
  ErrorLog errors_;
  BeatClientCounters counters_;
  std::uint64_t claim_sequence_ = 0;

  std::vector<BeatCallback> beat_callbacks_;
  std::vector<BeatCallback> downbeat_callbacks_;
  std::vector<SyncCallback> sync_callbacks_;
};

}  // namespace backbeat
