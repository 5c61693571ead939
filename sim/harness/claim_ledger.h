// ClaimLedger: which status claims arrived, per agent, by sequence number (metadata.seq, numbered
// from 1 by the core), and how often. Written once for the simulated reverb (sim/world/reverb.h)
// and live mode's claim accountant (sim/live/claim_accountant.h), so a duplicate or a gap means
// the same in both worlds.
//
// Agents are numbered in the order of their first claim. A claim without a usable number (0,
// missing, or absurdly large) cannot be deduplicated: it counts once each, as unnumbered.
//
// An agent that restarts numbers its claims from 1 again, so a claim is identified by (agent,
// seq, identity), the identity being a digest of something that differs between incarnations
// (the simulated reverb passes its hlc): a duplicate is the same claim delivered again, while a
// restarted agent's seq 1 is a new claim, neither lost nor duplicated. Identity 0 = unknown: the
// same (agent, seq) is then always a duplicate.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace backbeat::sim {

// A range of sequence numbers of one agent that never arrived, with its cause.
struct ClaimGap {
  std::string agent_id;
  std::uint64_t first_seq = 0;  // inclusive
  std::uint64_t last_seq = 0;
  std::string cause;  // "window_full", "connection_closed", "unconfirmed_at_end", "unknown"

  std::uint64_t size() const { return last_seq - first_seq + 1; }
};

class ClaimLedger {
 public:
  // Sequence numbers at or above this are not tracked (a forged 2^63 must not allocate).
  static constexpr std::uint64_t kMaxTrackedSeq = std::uint64_t{1} << 24;

  struct Arrival {
    std::uint32_t agent = 0;  // the agent's number
    bool duplicate = false;   // this (agent, seq) arrived before
  };

  // Records one claim of `agent_id` numbered `seq` (0: not numbered) with `identity` (0: unknown).
  Arrival record(std::string_view agent_id, std::uint64_t seq, std::uint64_t identity = 0);

  std::uint64_t received() const { return received_; }  // claims that were not duplicates
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t unnumbered() const { return unnumbered_; }
  // Claims of `agent_id` that were not duplicates.
  std::uint64_t received_from(const std::string& agent_id) const;
  bool has(const std::string& agent_id, std::uint64_t seq) const;

  // Sequence numbers 1..published[agent] never received, as ranges in (agent, seq) order. Each
  // range gets its cause from `causes` ((agent, seq) -> cause) when known, else "unknown" (lost
  // in transit without an error: what must never happen).
  std::vector<ClaimGap> gaps(
      const std::map<std::string, std::uint64_t>& published,
      const std::map<std::pair<std::string, std::uint64_t>, std::string>& causes = {}) const;
  // Appends the sequence numbers first..last of `agent_id` never received to `out`, as ranges of
  // consecutive numbers with the same cause_of(seq).
  void append_gaps(const std::string& agent_id, std::uint64_t first, std::uint64_t last,
                   const std::function<std::string(std::uint64_t seq)>& cause_of,
                   std::vector<ClaimGap>& out) const;

 private:
  struct AgentRecord {
    std::vector<std::uint64_t> first;  // per seq: the first claim's identity | 1 (0 = none yet)
    std::set<std::pair<std::uint64_t, std::uint64_t>> later;  // (seq, identity) of restarts
    std::uint64_t received = 0;
  };

  // Lookup only, never iterated: agent id -> index into agents_.
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<AgentRecord> agents_;
  std::uint64_t received_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t unnumbered_ = 0;
};

}  // namespace backbeat::sim
