#include "sim/harness/claim_ledger.h"

#include <algorithm>

namespace backbeat::sim {

ClaimLedger::Arrival ClaimLedger::record(std::string_view agent_id, std::uint64_t seq,
                                         std::uint64_t identity) {
  auto it = index_.find(std::string(agent_id));
  if (it == index_.end()) {
    it = index_.emplace(std::string(agent_id), static_cast<std::uint32_t>(agents_.size())).first;
    agents_.emplace_back();
  }
  Arrival arrival{it->second, false};
  AgentRecord& record = agents_[arrival.agent];
  if (seq == 0 || seq >= kMaxTrackedSeq) {
    ++unnumbered_;
  } else {
    if (record.first.size() <= seq) {
      record.first.resize(std::max<std::size_t>(seq + 1, record.first.size() * 2), 0);
    }
    const std::uint64_t mark = identity | 1;  // never 0, the "none yet" mark
    std::uint64_t& first = record.first[seq];
    if (first == 0) {
      first = mark;
    } else if (identity == 0 || first == mark) {
      arrival.duplicate = true;
    } else {
      arrival.duplicate = !record.later.emplace(seq, mark).second;
    }
  }
  if (arrival.duplicate) {
    ++duplicates_;
  } else {
    ++received_;
    ++record.received;
  }
  return arrival;
}

std::uint64_t ClaimLedger::received_from(const std::string& agent_id) const {
  auto it = index_.find(agent_id);
  return it == index_.end() ? 0 : agents_[it->second].received;
}

bool ClaimLedger::has(const std::string& agent_id, std::uint64_t seq) const {
  auto it = index_.find(agent_id);
  if (it == index_.end()) return false;
  const std::vector<std::uint64_t>& first = agents_[it->second].first;
  return seq < first.size() && first[seq] != 0;
}

std::vector<ClaimGap> ClaimLedger::gaps(
    const std::map<std::string, std::uint64_t>& published,
    const std::map<std::pair<std::string, std::uint64_t>, std::string>& causes) const {
  std::vector<ClaimGap> out;
  for (const auto& [agent, last] : published) {
    append_gaps(
        agent, 1, last,
        [&, &agent = agent](std::uint64_t seq) {
          auto it = causes.find({agent, seq});
          return it == causes.end() ? std::string("unknown") : it->second;
        },
        out);
  }
  return out;
}

void ClaimLedger::append_gaps(const std::string& agent_id, std::uint64_t first, std::uint64_t last,
                              const std::function<std::string(std::uint64_t seq)>& cause_of,
                              std::vector<ClaimGap>& out) const {
  const std::size_t begin = out.size();
  for (std::uint64_t seq = first; seq <= last; ++seq) {
    if (has(agent_id, seq)) continue;
    std::string cause = cause_of(seq);
    if (out.size() > begin && out.back().last_seq + 1 == seq && out.back().cause == cause) {
      out.back().last_seq = seq;
    } else {
      out.push_back(ClaimGap{agent_id, seq, seq, std::move(cause)});
    }
  }
}

}  // namespace backbeat::sim
