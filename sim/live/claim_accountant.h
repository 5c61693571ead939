// ClaimAccountant: counts every status claim of a cluster end to end, by (agent, metadata.seq).
//
// It subscribes to <prefix>.status.<cluster>.> and records, per agent, which sequence numbers
// arrived and how often: received (distinct), duplicates, and, against what the agents say they
// published, the gaps. It also follows the cluster's beat frames to sample the tempo (the
// simulator's reverb does the same) and to aggregate bar reports in the reverb's way
// (sim/world/reverb.h), so the assertions that read them work for live runs too.
//
// Validation: with validate = true every claim is decoded against the contract and failures are
// counted as nonconforming (they still count for sequence accounting when agent and seq can be
// read). The agent is taken from the subject, the seq from the payload's metadata.seq.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/transport.h"
#include "sim/world/bar_tally.h"
#include "sim/world/outcome.h"

namespace backbeat::live {

struct ClaimGap {
  std::string agent_id;
  std::uint64_t first_seq = 0;  // inclusive range of sequence numbers never received
  std::uint64_t last_seq = 0;
  std::string cause;  // "window_full", "connection_closed", "unconfirmed_at_end", "unknown"

  std::uint64_t size() const { return last_seq - first_seq + 1; }
};

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

  std::uint64_t received() const { return received_; }  // distinct (agent, seq)
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t nonconforming() const { return nonconforming_; }
  std::uint64_t messages() const { return messages_; }      // every claim message
  std::uint64_t unnumbered() const { return unnumbered_; }  // claims without metadata.seq
  // Distinct sequence numbers received from `agent_id`.
  std::uint64_t received_from(const std::string& agent_id) const;
  bool has(const std::string& agent_id, std::uint64_t seq) const;

  // Sequence numbers 1..published[agent] not received, as ranges in (agent, seq) order.
  // Each range gets the cause from `causes` ((agent, seq) -> cause) when known, else "unknown"
  // (lost in transit without an error: what must never happen).
  std::vector<ClaimGap> gaps(
      const std::map<std::string, std::uint64_t>& published,
      const std::map<std::pair<std::string, std::uint64_t>, std::string>& causes = {}) const;

  // Beat following.
  std::int64_t current_beat() const { return tally_.current_beat(); }
  const std::vector<sim::TempoSample>& tempo() const { return tally_.tempo(); }
  const std::vector<sim::BarReportRecord>& bar_reports() const { return reports_; }
  // Closes the bar in progress (end of the run).
  void flush_bar();

 private:
  struct AgentRecord {
    std::vector<std::uint8_t> seen;  // per seq: times received (saturating)
    std::uint64_t received = 0;
  };
  void on_claim(const Message& message);
  void on_frame(const Message& message);

  AccountantOptions options_;
  Transport& transport_;
  std::string claim_prefix_;  // <prefix>.status.<cluster>.
  std::optional<Transport::SubscriptionId> claims_sub_;
  std::optional<Transport::SubscriptionId> beats_sub_;
  // Lookup only, never iterated (reports go through the ordered index below).
  std::unordered_map<std::string, std::uint32_t> agent_index_;
  std::vector<std::string> agent_names_;
  std::vector<AgentRecord> agents_;
  std::uint64_t received_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t nonconforming_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t unnumbered_ = 0;

  sim::BarTally tally_;
  std::vector<sim::BarReportRecord> reports_;
};

}  // namespace backbeat::live
