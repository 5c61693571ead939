// ClaimAccountant: counts every status claim of a cluster end to end, by (agent, metadata.seq).
//
// It subscribes to <prefix>.status.<cluster>.> and records, per agent, which sequence numbers
// arrived and how often (sim/harness/claim_ledger.h, as the simulator's reverb does): received
// (distinct), duplicates, and, against what the agents say they published, the gaps. It also
// follows the cluster's beat frames to sample the tempo (the simulator's reverb does the same) and
// to aggregate bar reports in the reverb's way (sim/world/reverb.h), so the assertions that read
// them work for live runs too.
//
// Validation: with validate = true every claim is decoded against the contract and failures are
// counted as nonconforming (they still count for sequence accounting when agent and seq can be
// read). The agent is taken from the subject, the seq from the payload's metadata.seq.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/transport.h"
#include "sim/harness/claim_ledger.h"
#include "sim/world/bar_tally.h"
#include "sim/world/outcome.h"

namespace backbeat::live {

using sim::ClaimGap;

struct AccountantOptions {
  std::string cluster_id;
  std::string subject_prefix = "backbeat";
  bool validate = true;      // decode every claim against the contract
  bool follow_beats = true;  // tempo samples and bar reports
};

class ClaimAccountant {
 public:
  // `transport` and `clock` must outlive the accountant; loop thread only.
  ClaimAccountant(AccountantOptions options, Transport& transport, Clock& clock);
  ~ClaimAccountant();
  ClaimAccountant(const ClaimAccountant&) = delete;
  ClaimAccountant& operator=(const ClaimAccountant&) = delete;

  Status start();
  void stop();

  // The per-agent sequence accounting: received, duplicates, unnumbered, gaps.
  const sim::ClaimLedger& ledger() const { return ledger_; }
  std::uint64_t received() const { return ledger_.received(); }  // distinct (agent, seq)
  std::uint64_t duplicates() const { return ledger_.duplicates(); }
  std::uint64_t nonconforming() const { return nonconforming_; }
  std::uint64_t messages() const { return messages_; }               // every claim message
  std::uint64_t unnumbered() const { return ledger_.unnumbered(); }  // without metadata.seq
  // Claims received from `agent_id` (not counting duplicates).
  std::uint64_t received_from(const std::string& agent_id) const {
    return ledger_.received_from(agent_id);
  }
  bool has(const std::string& agent_id, std::uint64_t seq) const {
    return ledger_.has(agent_id, seq);
  }
  // See ClaimLedger::gaps.
  std::vector<ClaimGap> gaps(
      const std::map<std::string, std::uint64_t>& published,
      const std::map<std::pair<std::string, std::uint64_t>, std::string>& causes = {}) const {
    return ledger_.gaps(published, causes);
  }

  // Beat following.
  std::int64_t current_beat() const { return tally_.current_beat(); }
  const std::vector<sim::TempoSample>& tempo() const { return tally_.tempo(); }
  const std::vector<sim::BarReportRecord>& bar_reports() const { return reports_; }
  // Closes the bar in progress (end of the run).
  void flush_bar();

 private:
  void on_claim(const Message& message);
  void on_frame(const Message& message);

  AccountantOptions options_;
  Transport& transport_;
  std::string claim_prefix_;  // <prefix>.status.<cluster>.
  std::optional<Transport::SubscriptionId> claims_sub_;
  std::optional<Transport::SubscriptionId> beats_sub_;
  sim::ClaimLedger ledger_;
  std::uint64_t nonconforming_ = 0;
  std::uint64_t messages_ = 0;

  sim::BarTally tally_;
  std::vector<sim::BarReportRecord> reports_;
};

}  // namespace backbeat::live
