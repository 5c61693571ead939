// BarTally: the bookkeeping behind BACKBEAT's bar reports, shared by the simulated reverb
// (sim/world/reverb.h, which defines the report's fields) and the live claim accountant
// (sim/live/claim_accountant.h), so a bar is judged the same way in both modes.
//
// It follows one cluster's beat frames (the current beat, when it started, tempo samples),
// gathers the claims of the bar in progress, and builds that bar's report when a frame opens the
// next bar (a new window_id) or the run ends. Nonconforming claims seen before the first bar go
// into the first report. Callers decode, filter by cluster and deduplicate; the tally only counts.
// Implausible forward jumps are held like the agents hold them (core/jump_guard.h), so a forged
// frame for beat 2^63-1 cannot capture the tally either.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/jump_guard.h"
#include "core/tempo_meter.h"
#include "sim/world/outcome.h"

namespace backbeat::sim {

class BarTally {
 public:
  // `clock` must outlive the tally.
  explicit BarTally(Clock& clock) : clock_(clock) {}

  // A frame of the cluster. Frames for the current or an earlier beat change nothing. Returns the
  // report of the bar this frame closed, if it opened a new one.
  std::optional<BarReportRecord> on_frame(const BeatFrame& frame);
  // A claim of the bar in progress, from agent number `agent` (distinct agents are counted).
  void on_claim(std::uint32_t agent, const StatusClaim& claim);
  void on_nonconforming_claim();
  void on_duplicate_claim();
  // The report of the bar in progress, if any (at the end of a run).
  std::optional<BarReportRecord> flush();

  std::int64_t current_beat() const { return current_beat_; }
  const std::vector<TempoSample>& tempo() const { return tempo_; }

 private:
  struct Bar {
    std::string window_id;
    std::int64_t from_beat = 0;
    std::int64_t to_beat = 0;
    std::vector<std::uint32_t> agents;  // agent numbers seen (deduplicated in the report)
    std::int64_t on_time_reviews = 0;
    std::int64_t nonconforming = 0;
    std::int64_t late = 0;
    std::int64_t duplicates = 0;
  };

  BarReportRecord report();

  Clock& clock_;
  TempoMeter meter_;
  JumpGuard jump_guard_;
  std::int64_t current_beat_ = -1;
  Time current_beat_start_{};
  double current_tempo_ = 60.0;
  bool has_bar_ = false;
  Bar bar_;
  std::int64_t pending_nonconforming_ = 0;  // before the first bar
  std::vector<TempoSample> tempo_;
};

}  // namespace backbeat::sim
