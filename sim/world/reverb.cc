#include "sim/world/reverb.h"

#include <algorithm>

#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/subject.h"

namespace backbeat::sim {

Reverb::Reverb(Clock& clock, SimConnection& connection, std::string cluster_id)
    : clock_(clock),
      connection_(connection),
      cluster_id_(std::move(cluster_id)),
      bar_subject_(SubjectScheme{}.bar_reports(cluster_id_)) {}

Status Reverb::start() {
  SubjectScheme subjects;
  auto frames = connection_.subscribe(subjects.beat_frames(cluster_id_),
                                      [this](const Message& m) { on_frame(m); });
  if (!frames) return frames.status();
  auto claims = connection_.subscribe(subjects.all_status_claims(cluster_id_),
                                      [this](const Message& m) { on_claim(m); });
  if (!claims) return claims.status();
  return Status::ok();
}

void Reverb::on_frame(const Message& message) {
  Result<BeatFrame> frame = decode_beat_frame(message.payload);
  if (!frame || frame->cluster_id != cluster_id_ || frame->beat_index <= current_beat_) return;
  Time now = clock_.now();
  current_beat_ = frame->beat_index;
  current_tempo_ = frame->tempo_bpm;
  current_beat_start_ = now - beat_duration(frame->tempo_bpm) * static_cast<int>(frame->phase) / 3;
  meter_.record(frame->beat_index, current_beat_start_, frame->tempo_bpm);
  double measured = meter_.measured_bpm().value_or(frame->tempo_bpm);
  tempo_.push_back({now, frame->beat_index, frame->tempo_bpm, measured,
                    static_cast<double>(meter_.drift().count()) / 1e6});
  if (!has_bar_ || frame->window_id != bar_.window_id) {
    if (has_bar_) publish_report();
    bar_ = Bar{};
    bar_.window_id = frame->window_id;
    bar_.from_beat = frame->beat_index;
    has_bar_ = true;
  }
  bar_.to_beat = frame->beat_index;
}

void Reverb::on_claim(const Message& message) {
  Result<StatusClaim> claim = decode_status_claim(message.payload);
  if (!claim) {
    ++nonconforming_;
    if (has_bar_) {
      ++bar_.nonconforming;
    } else {
      ++pending_nonconforming_;
    }
    return;
  }
  auto [it, inserted] =
      agent_index_.try_emplace(claim->agent_id, static_cast<std::uint32_t>(agents_.size()));
  if (inserted) agents_.emplace_back();
  std::uint32_t agent = it->second;
  // Sequence accounting (claims from hosts that do not number them count once each).
  bool duplicate = false;
  if (claim->metadata && claim->metadata->is_object()) {
    auto seq = claim->metadata->find("seq");
    if (seq != claim->metadata->end() && seq->is_number_unsigned()) {
      auto n = seq->get<std::uint64_t>();
      std::vector<std::uint8_t>& seen = agents_[agent].seen;
      if (n < (1u << 26)) {
        if (seen.size() <= n) seen.resize(n + 1, 0);
        duplicate = seen[n] > 0;
        if (seen[n] < 255) ++seen[n];
      }
    }
  }
  if (duplicate) {
    ++duplicates_;
    if (has_bar_) ++bar_.duplicates;
    return;
  }
  ++received_;
  if (!has_bar_) return;
  if (claim->beat_index < bar_.from_beat) {
    ++bar_.late;
    return;
  }
  bar_.agents.push_back(agent);
  if (claim->state == ClaimState::kCompleted && claim->beat_index == current_beat_ &&
      clock_.now() < current_beat_start_ + beat_duration(current_tempo_)) {
    ++bar_.on_time_reviews;
  }
}

void Reverb::publish_report() {
  std::sort(bar_.agents.begin(), bar_.agents.end());
  bar_.agents.erase(std::unique(bar_.agents.begin(), bar_.agents.end()), bar_.agents.end());
  BarReport report;
  report.window_id = bar_.window_id;
  report.from_beat = bar_.from_beat;
  report.to_beat = bar_.to_beat;
  report.agents_reporting = static_cast<std::int64_t>(bar_.agents.size());
  report.on_time_reviews = bar_.on_time_reviews;
  report.help_promises_fulfilled = 0;
  report.secret_rotations_ok = true;
  report.tempo_drift_ms = static_cast<double>(meter_.drift().count()) / 1e6;
  auto issue = [&](const char* severity, const char* category, std::int64_t count) {
    if (count > 0) report.issues.push_back({severity, category, count});
  };
  issue("error", "nonconforming_claims", bar_.nonconforming + pending_nonconforming_);
  issue("warning", "late_claims", bar_.late);
  issue("info", "duplicate_claims", bar_.duplicates);
  pending_nonconforming_ = 0;
  reports_.push_back({clock_.now(), report});
  (void)connection_.publish(bar_subject_, encode_bar_report(report));
}

void Reverb::flush() {
  if (has_bar_) publish_report();
  has_bar_ = false;
}

ClaimAccounting Reverb::claims() const {
  ClaimAccounting a;
  a.received = received_;
  a.duplicates = duplicates_;
  a.nonconforming = nonconforming_;
  return a;
}

}  // namespace backbeat::sim
