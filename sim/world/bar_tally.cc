#include "sim/world/bar_tally.h"

#include <algorithm>

namespace backbeat::sim {

std::optional<BarReportRecord> BarTally::on_frame(const BeatFrame& frame) {
  if (frame.beat_index <= current_beat_) return std::nullopt;
  const Time now = clock_.now();
  if (current_beat_ >= 0 &&
      !jump_guard_.admit(frame, now, current_beat_, current_beat_start_, current_tempo_)) {
    return std::nullopt;
  }
  current_beat_ = frame.beat_index;
  current_tempo_ = frame.tempo_bpm;
  // The pulse publishes each phase frame at the start of its phase (three equal phases).
  current_beat_start_ = now - beat_duration(frame.tempo_bpm) * static_cast<int>(frame.phase) / 3;
  meter_.record(frame.beat_index, current_beat_start_, frame.tempo_bpm);
  const double measured = meter_.measured_bpm().value_or(frame.tempo_bpm);
  tempo_.push_back({now, frame.beat_index, frame.tempo_bpm, measured,
                    static_cast<double>(meter_.drift().count()) / 1e6});
  std::optional<BarReportRecord> closed;
  if (!has_bar_ || frame.window_id != bar_.window_id) {
    if (has_bar_) closed = report();
    bar_ = Bar{};
    bar_.window_id = frame.window_id;
    bar_.from_beat = frame.beat_index;
    has_bar_ = true;
  }
  bar_.to_beat = frame.beat_index;
  return closed;
}

void BarTally::on_claim(std::uint32_t agent, const StatusClaim& claim) {
  if (!has_bar_) return;
  if (claim.beat_index < bar_.from_beat) {
    ++bar_.late;
    return;
  }
  bar_.agents.push_back(agent);
  if (claim.state == ClaimState::kCompleted && claim.beat_index == current_beat_ &&
      clock_.now() < current_beat_start_ + beat_duration(current_tempo_)) {
    ++bar_.on_time_reviews;
  }
}

void BarTally::on_nonconforming_claim() {
  if (has_bar_) {
    ++bar_.nonconforming;
  } else {
    ++pending_nonconforming_;
  }
}

void BarTally::on_duplicate_claim() {
  if (has_bar_) ++bar_.duplicates;
}

std::optional<BarReportRecord> BarTally::flush() {
  if (!has_bar_) return std::nullopt;
  has_bar_ = false;
  return report();
}

BarReportRecord BarTally::report() {
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
  return BarReportRecord{clock_.now(), std::move(report)};
}

}  // namespace backbeat::sim
