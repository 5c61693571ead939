#include "core/beat_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/echo_text.h"
#include "core/invariant.h"

namespace backbeat {
namespace {

// Every agent of a process receives the very same frame bytes: the simulator fans one publish
// out to all subscribers, and a live process hosts many agents on one connection. Decoding is a
// pure function of the bytes, so the last result is kept per thread and reused when the bytes
// match; a mismatch (another frame) simply decodes again.
const Result<BeatFrame>& decode_frame_memoized(std::string_view payload) {
  thread_local std::string last_payload;
  thread_local Result<BeatFrame> last = Status::invalid_argument("(json): nothing decoded yet");
  thread_local bool filled = false;
  if (!filled || payload != last_payload) {
    last = decode_beat_frame(payload);
    last_payload.assign(payload);
    filled = true;
  }
  return last;
}

}  // namespace

const char* sync_state_name(SyncState state) {
  switch (state) {
    case SyncState::kAwaitingFirstBeat:
      return "awaiting_first_beat";
    case SyncState::kFollowing:
      return "following";
    case SyncState::kDegraded:
      return "degraded";
    case SyncState::kBehindLocal:
      return "behind_local";
  }
  return "unknown";
}

bool is_legal_sync_transition(SyncState from, SyncState to) {
  switch (from) {
    case SyncState::kAwaitingFirstBeat:
      return to == SyncState::kFollowing;
    case SyncState::kFollowing:
      return to == SyncState::kDegraded;
    case SyncState::kDegraded:
      return to == SyncState::kFollowing || to == SyncState::kBehindLocal;
    case SyncState::kBehindLocal:
      return to == SyncState::kFollowing || to == SyncState::kDegraded;
  }
  return false;
}

Status BeatClientConfig::validate() const {
  if (!is_cluster_id(cluster_id)) {
    return Status::invalid_argument(fmt::format(
        "cluster_id: expected 1..64 characters of [A-Za-z0-9_-], got '{}'", echo_id(cluster_id)));
  }
  if (!is_agent_id(agent_id)) {
    return Status::invalid_argument(fmt::format(
        "agent_id: expected 1..128 characters of [A-Za-z0-9_:-], got '{}'", echo_id(agent_id)));
  }
  if (Status s = validate_subject(subjects.prefix); !s) {
    return Status::invalid_argument("subjects.prefix: " + s.message());
  }
  if (!(degradation_after_beats > 0) || !std::isfinite(degradation_after_beats)) {
    return Status::invalid_argument("degradation_after_beats: expected a positive number of beats");
  }
  if (drift.jitter_tolerance <= Duration::zero() || !(drift.warning_factor >= 1.0)) {
    return Status::invalid_argument(
        "drift: expected a positive jitter tolerance and a warning factor of at least 1");
  }
  if (tempo_window_beats < 2) {
    return Status::invalid_argument("tempo_window_beats: expected at least 2");
  }
  if (max_errors < 1) return Status::invalid_argument("max_errors: expected at least 1");
  if (default_bar_length < 1) {
    return Status::invalid_argument("default_bar_length: expected at least 1");
  }
  if (max_unconfirmed_jump_beats < 1) {
    return Status::invalid_argument("max_unconfirmed_jump_beats: expected at least 1");
  }
  return Status::ok();
}

BeatClient::BeatClient(BeatClientConfig config, Clock& clock, Transport& transport)
    : config_(std::move(config)),
      clock_(clock),
      transport_(transport),
      hlc_(config_.agent_id),
      beat_subject_(config_.subjects.beat_frames(config_.cluster_id)),
      status_subject_(config_.subjects.status_claims(config_.cluster_id, config_.agent_id)),
      bar_length_estimate_(config_.default_bar_length),
      jump_guard_(config_.max_unconfirmed_jump_beats),
      meter_(config_.tempo_window_beats),
      errors_(config_.max_errors) {
  current_.cluster_id = config_.cluster_id;
}

BeatClient::~BeatClient() {
  // (void): stop() fails only when not started, which the check rules out.
  if (started_) (void)stop();
}

Status BeatClient::start() {
  if (started_) return Status::failed_precondition("beat client already started");
  if (Status s = config_.validate(); !s) return s;
  auto subscription =
      transport_.subscribe(beat_subject_, [this](const Message& m) { handle_message(m); });
  if (!subscription) return subscription.status();
  subscription_ = *subscription;
  listener_ = transport_.add_connection_listener(
      [this](ConnectionEvent event) { handle_connection(event); });
  connected_ = transport_.is_connected();
  started_ = true;
  if (sync_ == SyncState::kFollowing || sync_ == SyncState::kBehindLocal) {
    last_frame_arrival_ = clock_.now();  // a restart gives the pulse a fresh grace period
    arm_watchdog();
  }
  return Status::ok();
}

Status BeatClient::stop() {
  if (!started_) return Status::failed_precondition("beat client not started");
  if (subscription_) transport_.unsubscribe(*subscription_);
  if (listener_) transport_.remove_connection_listener(*listener_);
  subscription_.reset();
  listener_.reset();
  clock_.cancel(watchdog_);
  clock_.cancel(synthetic_timer_);
  watchdog_ = synthetic_timer_ = Clock::kNoTimer;
  started_ = false;
  return Status::ok();
}

double BeatClient::measured_bpm() const {
  return meter_.measured_bpm().value_or(current_.tempo_bpm);
}

TempoDrift BeatClient::tempo_drift_class() const {
  return classify_drift(meter_.drift(), config_.drift);
}

void BeatClient::record_error(std::string message) {
  errors_.record(std::move(message));
}

void BeatClient::handle_message(const Message& message) {
  ++counters_.frames_received;
  const Result<BeatFrame>& frame = decode_frame_memoized(message.payload);
  if (!frame) {
    ++counters_.frames_invalid;
    record_error("dropped invalid beat frame: " + frame.status().message());
    return;
  }
  handle_frame(*frame);
}

void BeatClient::handle_frame(const BeatFrame& frame) {
  if (frame.cluster_id != config_.cluster_id) {
    ++counters_.frames_foreign;
    record_error(fmt::format("dropped beat frame of foreign cluster '{}'", frame.cluster_id));
    return;
  }
  Time now = clock_.now();
  if (has_beat() && frame.beat_index > current_.beat_index &&
      !jump_guard_.admit(frame, now, current_.beat_index, current_beat_start_,
                         current_.tempo_bpm)) {
    ++counters_.frames_unconfirmed;
    record_error(fmt::format(
        "held beat frame: beat_index {} is {} beats ahead of beat {}, more than {:.3f} s "
        "explain; followed only if the next frame confirms the jump",
        frame.beat_index, static_cast<std::uint64_t>(frame.beat_index - current_.beat_index),
        current_.beat_index, to_seconds(now - current_beat_start_)));
    return;
  }
  jump_guard_.reset();
  if (!has_beat() || frame.beat_index > current_.beat_index) {
    ++counters_.frames_accepted;
    if (sync_ == SyncState::kDegraded) leave_degradation(SyncState::kFollowing);
    advance_to(frame, /*synthetic=*/false);
    return;
  }
  if (frame.beat_index == current_.beat_index) {
    if (sync_ == SyncState::kDegraded || sync_ == SyncState::kBehindLocal) {
      // The pulse is back (or caught up) on the beat we are on: adopt its frame, fire nothing.
      ++counters_.frames_accepted;
      if (sync_ == SyncState::kDegraded) {
        leave_degradation(SyncState::kFollowing);
      } else {
        move_to(SyncState::kFollowing);
      }
      current_ = frame;
      last_frame_arrival_ = now;
      arm_watchdog();
      return;
    }
    if (static_cast<int>(frame.phase) > static_cast<int>(current_.phase)) {
      ++counters_.frames_accepted;
      current_ = frame;
      last_frame_arrival_ = now;
      arm_watchdog();
      return;
    }
    ++counters_.frames_stale;  // a duplicate or a late phase frame: no news
    return;
  }
  // frame.beat_index < current beat.
  if (sync_ == SyncState::kDegraded || sync_ == SyncState::kBehindLocal) {
    if (sync_ == SyncState::kDegraded) leave_degradation(SyncState::kBehindLocal);
    ++counters_.frames_behind_local;
    last_frame_arrival_ = now;
    arm_watchdog();
    return;
  }
  ++counters_.frames_backwards;
  record_error(fmt::format("dropped backwards beat frame: beat_index {} after {}", frame.beat_index,
                           current_.beat_index));
}

Time BeatClient::beat_start_of(const BeatFrame& frame, Time arrival) const {
  // The pulse publishes each phase frame at the start of its phase (three equal phases).
  return arrival - beat_duration(frame.tempo_bpm) * static_cast<int>(frame.phase) / 3;
}

void BeatClient::advance_to(const BeatFrame& frame, bool synthetic) {
  Time now = clock_.now();
  bool had_beat = has_beat();
  BACKBEAT_ASSERT(!had_beat || frame.beat_index > current_.beat_index,
                  "the beat only moves forward");
  BACKBEAT_ASSERT(!synthetic || sync_ == SyncState::kDegraded,
                  "synthetic beats only during local degradation");
  bool window_changed = had_beat && frame.window_id != current_.window_id;
  if (synthetic) bar_seen_whole_ = false;
  if (had_beat && frame.beat_index > current_.beat_index + 1) {
    bar_seen_whole_ = false;
    counters_.skipped_beats +=
        static_cast<std::uint64_t>(frame.beat_index - current_.beat_index - 1);
  }
  if (!synthetic && sync_ != SyncState::kFollowing) move_to(SyncState::kFollowing);
  if (!synthetic) {
    current_beat_start_ = beat_start_of(frame, now);
    meter_.record(frame.beat_index, current_beat_start_, frame.tempo_bpm);
    last_frame_arrival_ = now;
    if (frame.downbeat) {
      // Learn the bar length from two downbeats with every beat between them seen for real.
      if (last_downbeat_index_ && bar_seen_whole_ && frame.beat_index > *last_downbeat_index_) {
        bar_length_estimate_ = static_cast<int>(frame.beat_index - *last_downbeat_index_);
      }
      last_downbeat_index_ = frame.beat_index;
      bar_seen_whole_ = true;
    }
  }
  current_ = frame;
  if (!synthetic) arm_watchdog();
  fire(current_, frame.downbeat || window_changed);
}

void BeatClient::fire(const BeatFrame& frame, bool bar_started) {
  ++counters_.beats_fired;
  // Index loops: a callback may register further callbacks.
  for (std::size_t i = 0; i < beat_callbacks_.size(); ++i) beat_callbacks_[i](frame);
  if (bar_started) {
    for (std::size_t i = 0; i < downbeat_callbacks_.size(); ++i) downbeat_callbacks_[i](frame);
  }
}

void BeatClient::arm_watchdog() {
  if (!started_ || watchdog_ != Clock::kNoTimer) return;
  // One timer per silence period: frames only move last_frame_arrival_, and the timer re-arms
  // itself for the new deadline when it fires early. This keeps timer churn off the hot path.
  Duration silence =
      from_seconds(to_seconds(beat_duration(current_.tempo_bpm)) * config_.degradation_after_beats);
  watchdog_ = clock_.schedule_at(last_frame_arrival_ + silence, [this] { on_watchdog(); });
}

void BeatClient::on_watchdog() {
  watchdog_ = Clock::kNoTimer;
  if (!started_ || sync_ == SyncState::kDegraded) return;
  Duration silence =
      from_seconds(to_seconds(beat_duration(current_.tempo_bpm)) * config_.degradation_after_beats);
  Time deadline = last_frame_arrival_ + silence;
  if (clock_.now() >= deadline) {
    enter_degradation();
  } else {
    watchdog_ = clock_.schedule_at(deadline, [this] { on_watchdog(); });
  }
}

void BeatClient::move_to(SyncState next) {
  BACKBEAT_ASSERT(is_legal_sync_transition(sync_, next),
                  "the beat client's sync state moves only as the table in beat_client.h allows");
  sync_ = next;
}

void BeatClient::enter_degradation() {
  move_to(SyncState::kDegraded);
  ++counters_.degradation_episodes;
  record_error(fmt::format("local degradation: no beat frame for {:.3f} s after beat {}",
                           to_seconds(clock_.now() - last_frame_arrival_), current_.beat_index));
  for (std::size_t i = 0; i < sync_callbacks_.size(); ++i) sync_callbacks_[i](true);
  if (sync_ == SyncState::kDegraded && started_) on_synthetic_beat();
}

void BeatClient::leave_degradation(SyncState next) {
  move_to(next);
  ++counters_.resyncs;
  clock_.cancel(synthetic_timer_);
  synthetic_timer_ = Clock::kNoTimer;
  for (std::size_t i = 0; i < sync_callbacks_.size(); ++i) sync_callbacks_[i](false);
}

void BeatClient::on_synthetic_beat() {
  synthetic_timer_ = Clock::kNoTimer;
  if (sync_ != SyncState::kDegraded || !started_) return;
  Time now = clock_.now();
  Duration beat = beat_duration(current_.tempo_bpm);
  // Continue the last beat's schedule; beats already overdue collapse into the latest one.
  std::int64_t steps = (now - current_beat_start_) / beat;
  if (steps < 1) steps = 1;
  // A contract-valid frame may carry beat_index 2^63-1 (tests/live/hostile_traffic_test.cc):
  // there is no beat after that one, so the client stays on it rather than overflowing into
  // negative indices (a beat never goes backwards). It stays degraded until frames return.
  constexpr std::int64_t kLastBeat = std::numeric_limits<std::int64_t>::max();
  if (steps > kLastBeat - current_.beat_index) {
    if (current_.beat_index == kLastBeat) return;
    steps = kLastBeat - current_.beat_index;
  }
  Time start = current_beat_start_ + beat * steps;

  BeatFrame frame = current_;
  frame.beat_index = current_.beat_index + steps;
  frame.phase = BeatPhase::kPlan;
  frame.deadline_at = start + beat / 3;
  frame.hlc = format_hlc(hlc_.next(now));
  std::int64_t anchor = last_downbeat_index_.value_or(0);
  frame.downbeat = (frame.beat_index - anchor) % bar_length_estimate_ == 0;
  frame.metadata = nlohmann::json{{"synthetic", true}};
  ++counters_.synthetic_beats;
  current_beat_start_ = start;
  advance_to(frame, /*synthetic=*/true);
  if (sync_ == SyncState::kDegraded && started_) {
    synthetic_timer_ = clock_.schedule_at(start + beat, [this] { on_synthetic_beat(); });
  }
}

void BeatClient::handle_connection(ConnectionEvent event) {
  switch (event) {
    case ConnectionEvent::kDisconnected:
      connected_ = false;
      record_error("NATS connection lost");
      break;
    case ConnectionEvent::kReconnected:
      connected_ = true;
      ++reconnect_count_;
      break;
    case ConnectionEvent::kClosed:
      connected_ = false;
      record_error("NATS connection closed");
      break;
  }
}

Status BeatClient::emit_status_claim(StatusClaim claim) {
  if (!started_) return Status::failed_precondition("beat client not started");
  claim.agent_id = config_.agent_id;
  claim.beat_index = current_.beat_index;
  claim.hlc = format_hlc(hlc_.next(clock_.now()));
  if (!claim.metadata || !claim.metadata->is_object()) claim.metadata = nlohmann::json::object();
  (*claim.metadata)["seq"] = ++claim_sequence_;
  Status s =
      transport_.publish(status_subject_, encode_status_claim(claim, config_.claim_state_words));
  if (!s) {
    ++counters_.claims_failed;
    record_error("status claim not published: " + s.message());
    return s;
  }
  ++counters_.claims_published;
  return s;
}

Status BeatClient::with_beat_budget(int beats, const std::function<Status()>& fn) {
  if (beats < 1) {
    return Status::invalid_argument(fmt::format("beats: expected at least 1, got {}", beats));
  }
  double tempo = current_.tempo_bpm;
  Duration budget = beat_duration(tempo) * beats;
  Time start = clock_.now();
  Status result = fn();
  if (!result) return result;
  Duration took = clock_.now() - start;
  if (took > budget) {
    return Status::deadline_exceeded(
        fmt::format("beat budget exceeded: {} beats ({:.3f} s at {:g} BPM), took {:.3f} s", beats,
                    to_seconds(budget), tempo, to_seconds(took)));
  }
  return Status::ok();
}

}  // namespace backbeat
