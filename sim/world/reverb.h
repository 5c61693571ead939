// Reverb: aggregates the status claims of each bar and publishes a bar report at each downbeat,
// so a run can be judged the way a cluster judges itself.
//
// Definitions (the contract leaves them open; docs/decisions.md, "Bar reports"):
// - A claim belongs to the bar whose beats contain its beat_index. Claims for a bar already
//   reported are counted as late (issue "late_claims" in the next report).
// - on_time_reviews: completion claims (state completed) that arrived before the end of the beat
//   they name (beat start as the reverb saw it + one beat at the advertised tempo).
// - tempo_drift_ms: the reverb's own TempoMeter drift at the bar's end: the mean offset of recent
//   beat starts from the advertised schedule; positive = late (the pulse slow, drift sign in
//   scenarios/README.md).
// - agents_reporting: distinct agent ids with a claim in the bar.
// - issues: "nonconforming_claims" (failed validation), "late_claims", "duplicate_claims".
// It also accounts for claims end to end: every claim carries metadata.seq, so the reverb knows
// per agent which sequence numbers arrived and how often (sim/harness/claim_ledger.h, as live
// mode's accountant does). An agent that restarts numbers its claims from 1 again, so a claim is
// identified by (agent, seq, hlc): a duplicate is the same claim delivered again, while a
// restarted agent's seq 1 is a new claim. It needs only a Clock and a Transport.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/contracts/bar_report.h"
#include "core/transport.h"
#include "sim/harness/claim_ledger.h"
#include "sim/world/bar_tally.h"
#include "sim/world/outcome.h"

namespace backbeat::sim {

class Reverb {
 public:
  // `clock` and `transport` must outlive the reverb.
  Reverb(Clock& clock, Transport& transport, std::string cluster_id);

  // Subscribes to beat frames and status claims.
  Status start();
  // Publishes the report of the bar in progress (at the end of the run).
  void flush();

  const std::vector<BarReportRecord>& reports() const { return reports_; }
  const std::vector<TempoSample>& tempo() const { return tally_.tempo(); }
  // received / duplicates / nonconforming; `published` and `lost` are the world's to fill.
  ClaimAccounting claims() const;
  std::int64_t current_beat() const { return tally_.current_beat(); }

 private:
  void on_frame(const Message& message);
  void on_claim(const Message& message);
  void publish(BarReportRecord record);

  Transport& transport_;
  std::string cluster_id_;
  std::string bar_subject_;
  BarTally tally_;
  ClaimLedger ledger_;
  std::uint64_t nonconforming_ = 0;
  std::vector<BarReportRecord> reports_;
};

}  // namespace backbeat::sim
