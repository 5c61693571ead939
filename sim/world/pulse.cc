#include "sim/world/pulse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/subject.h"
#include "sim/harness/beat_frames.h"
#include "sim/kernel/hash.h"

namespace backbeat::sim {

Pulse::Pulse(Kernel& kernel, TraceRecorder& trace, const PulseConfig& config,
             std::string cluster_id, std::vector<PulseNodeHandle> nodes, RandomStream rng)
    : kernel_(kernel),
      trace_(trace),
      config_(config),
      cluster_id_(std::move(cluster_id)),
      subject_(SubjectScheme{}.beat_frames(cluster_id_)),
      nodes_(std::move(nodes)),
      alive_(nodes_.size(), true),
      rng_(rng),
      tempo_(config.tempo_bpm),
      target_tempo_(config.tempo_bpm),
      kind_beat_(trace.kind("pulse.beat")) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    hlc_.emplace_back(fmt::format("pulse-{}", i));
  }
  if (nodes_.empty()) {
    leader_ = -1;
    silent_since_ = kernel_.now();
  }
  std::sort(config_.tempo_changes.begin(), config_.tempo_changes.end(),
            [](const TempoChange& a, const TempoChange& b) { return a.at < b.at; });
}

int Pulse::lowest_live_node() const {
  for (std::size_t i = 0; i < alive_.size(); ++i) {
    if (alive_[i]) return static_cast<int>(i);
  }
  return -1;
}

int Pulse::live_nodes() const {
  return static_cast<int>(std::count(alive_.begin(), alive_.end(), true));
}

void Pulse::begin_outage() {
  bool was_audible = audible();
  ++outages_;
  after_change(was_audible);
}

void Pulse::end_outage() {
  BACKBEAT_ASSERT(outages_ > 0, "the outage count never goes below zero");
  bool was_audible = audible();
  --outages_;
  after_change(was_audible);
}

int Pulse::fail_leader(Duration gap) {
  if (leader_ < 0) return -1;
  bool was_audible = audible();
  int failed = leader_;
  alive_[static_cast<std::size_t>(failed)] = false;
  leader_ = -1;
  if (successor_ >= 0 && alive_[static_cast<std::size_t>(successor_)]) {
    leader_ = successor_;  // the overlap: it is already publishing
  } else if (gap <= Duration::zero()) {
    leader_ = lowest_live_node();
  } else if (!election_pending_) {
    election_pending_ = true;
    kernel_.schedule_after(gap, [this] { hold_election(); });
  }
  successor_ = -1;
  after_change(was_audible);
  return failed;
}

void Pulse::overlap_successor() {
  if (leader_ < 0) return;
  for (std::size_t i = 0; i < alive_.size(); ++i) {
    if (alive_[i] && static_cast<int>(i) != leader_) {
      successor_ = static_cast<int>(i);
      return;
    }
  }
}

void Pulse::recover_node(int node, Duration election_delay) {
  if (node < 0) return;  // the failover found no leader to fail
  auto n = static_cast<std::size_t>(node);
  BACKBEAT_ASSERT(n < alive_.size(), "a recovering pulse node exists");
  if (alive_[n]) return;
  alive_[n] = true;
  if (leader_ >= 0 || election_pending_) return;  // a follower of the leader (or of the winner)
  election_pending_ = true;
  kernel_.schedule_after(std::max(election_delay, Duration::zero()), [this] { hold_election(); });
}

void Pulse::hold_election() {
  election_pending_ = false;
  if (leader_ >= 0) return;
  bool was_audible = audible();
  leader_ = lowest_live_node();
  after_change(was_audible);
}

void Pulse::after_change(bool was_audible) {
  if (was_audible && !audible()) silent_since_ = kernel_.now();
  if (!was_audible && audible()) {
    silent_since_.reset();
    if (on_audible_) on_audible_();
  }
}

const char* Pulse::silence_cause() const {
  if (live_nodes() == 0) return "every pulse node failed";
  if (leader_ < 0) return "pulse leader election pending";
  return "pulse outage";
}

int Pulse::leader_server() const {
  return leader_ < 0 ? -1 : nodes_[static_cast<std::size_t>(leader_)].connection->server();
}

void Pulse::start() {
  epoch_ = kernel_.now();
  next_nominal_start_ = epoch_;
  kernel_.schedule_at(epoch_, &Pulse::on_beat, this, 0);
}

double Pulse::rate_error_ppm(Duration elapsed) {
  const DriftModel& d = config_.drift;
  double t = to_seconds(elapsed);
  double period = std::max(1e-9, to_seconds(d.period));
  switch (d.kind) {
    case DriftModel::Kind::kNone:
      return 0.0;
    case DriftModel::Kind::kLinear:
      return d.ppm;
    case DriftModel::Kind::kPeriodic:
    case DriftModel::Kind::kNonIdeal:
      return d.ppm + d.amplitude_ppm * std::sin(2.0 * std::numbers::pi * t / period);
    case DriftModel::Kind::kStep:
      return elapsed >= d.step_at ? d.ppm : 0.0;
  }
  return 0.0;
}

double Pulse::next_tempo(Duration elapsed) {
  while (next_change_ < config_.tempo_changes.size() &&
         config_.tempo_changes[next_change_].at <= elapsed) {
    target_tempo_ = config_.tempo_changes[next_change_++].tempo_bpm;
  }
  if (target_tempo_ == tempo_) return tempo_;
  // At most +-10% per beat, on the 0.1 grid, rounded towards the current tempo.
  double next = target_tempo_ > tempo_ ? std::min(target_tempo_, tempo_ * 1.1)
                                       : std::max(target_tempo_, tempo_ * 0.9);
  double tenths =
      target_tempo_ > tempo_ ? std::floor(next * 10.0 + 1e-9) : std::ceil(next * 10.0 - 1e-9);
  double stepped = std::clamp(tenths / 10.0, 0.1, 1000.0);
  return stepped;
}

void Pulse::on_beat(void* self_ptr, std::uint64_t) {
  auto* self = static_cast<Pulse*>(self_ptr);
  Kernel& kernel = self->kernel_;
  Duration elapsed = kernel.now() - self->epoch_;
  std::int64_t beat = self->beat_++;
  self->tempo_ = self->next_tempo(elapsed);
  double tempo = self->tempo_;
  Duration nominal = beat_duration(tempo);
  // A drifting pulse counts `nominal` on a clock running at rate (1 + error): fast = shorter.
  double error = self->rate_error_ppm(elapsed) * 1e-6;
  Duration length = Duration(static_cast<std::int64_t>(
      std::llround(static_cast<double>(nominal.count()) / (1.0 + error))));
  Time start = self->next_nominal_start_;
  self->next_nominal_start_ = start + length;
  // Non-ideal pulses also jitter each beat's publication, bounded and not accumulated.
  Time publish_start = start;
  if (self->config_.drift.kind == DriftModel::Kind::kNonIdeal &&
      self->config_.drift.jitter > Duration::zero()) {
    publish_start +=
        self->rng_.uniform_duration(-self->config_.drift.jitter, self->config_.drift.jitter);
    publish_start = std::max(publish_start, kernel.now());
  }
  self->beat_start_ = start;
  self->trace_.record(kernel.now(), kNoNode, self->kind_beat_,
                      digest_combine(static_cast<std::uint64_t>(beat),
                                     static_cast<std::uint64_t>(std::llround(tempo * 10))));
  for (std::size_t n = 0; n < self->nodes_.size(); ++n) {
    for (int p = 0; p < 3; ++p) {
      auto phase = static_cast<BeatPhase>(p);
      if (self->config_.frames_per_beat == 1 && phase != BeatPhase::kExecute) continue;
      Time at = publish_start + length * p / 3 + self->nodes_[n].publish_offset;
      int node = static_cast<int>(n);
      kernel.schedule_at(at, [self, node, beat, phase, start, length, tempo] {
        self->publish_phase(node, beat, phase, start, length, tempo);
      });
    }
  }
  kernel.schedule_at(self->next_nominal_start_, &Pulse::on_beat, self, 0);
}

void Pulse::publish_phase(int node, std::int64_t beat, BeatPhase phase, Time beat_start,
                          Duration length, double tempo) {
  if (outages_ > 0 || (node != leader_ && node != successor_)) return;
  PulseNodeHandle& handle = nodes_[static_cast<std::size_t>(node)];
  Time local_now = handle.clock->now();
  // deadline_at on the node's own clock: the end of this phase by its schedule.
  Duration clock_offset = local_now - kernel_.now();
  BeatFrame frame =
      make_beat_frame({.cluster_id = cluster_id_,
                       .bar_length = config_.bar_length,
                       .beat = beat,
                       .phase = phase,
                       .tempo_bpm = tempo,
                       .beat_start = beat_start + clock_offset,
                       .length = length},
                      format_hlc(hlc_[static_cast<std::size_t>(node)].next(local_now)));
  ++frames_;
  (void)handle.connection->publish(subject_, encode_beat_frame(frame));
}

}  // namespace backbeat::sim
