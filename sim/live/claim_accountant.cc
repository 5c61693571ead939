#include "sim/live/claim_accountant.h"

#include <algorithm>

#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/subject.h"
#include "sim/live/reliable_claims_transport.h"

namespace backbeat::live {

ClaimAccountant::ClaimAccountant(AccountantOptions options, Transport& transport, Clock& clock)
    : options_(std::move(options)),
      transport_(transport),
      claim_prefix_(options_.subject_prefix + ".status." + options_.cluster_id + "."),
      tally_(clock) {}

ClaimAccountant::~ClaimAccountant() {
  stop();
}

Status ClaimAccountant::start() {
  SubjectScheme subjects{options_.subject_prefix};
  auto claims = transport_.subscribe(subjects.all_status_claims(options_.cluster_id),
                                     [this](const Message& m) { on_claim(m); });
  if (!claims) return claims.status();
  claims_sub_ = *claims;
  if (options_.follow_beats) {
    auto beats = transport_.subscribe(subjects.beat_frames(options_.cluster_id),
                                      [this](const Message& m) { on_frame(m); });
    if (!beats) return beats.status();
    beats_sub_ = *beats;
  }
  return Status::ok();
}

void ClaimAccountant::stop() {
  if (claims_sub_) transport_.unsubscribe(*claims_sub_);
  if (beats_sub_) transport_.unsubscribe(*beats_sub_);
  claims_sub_.reset();
  beats_sub_.reset();
}

void ClaimAccountant::on_claim(const Message& message) {
  ++messages_;
  std::optional<StatusClaim> claim;
  if (options_.validate) {
    Result<StatusClaim> decoded = decode_status_claim(message.payload);
    if (decoded) {
      claim = std::move(decoded).value();
    } else {
      ++nonconforming_;
      tally_.on_nonconforming_claim();
    }
  }
  std::string_view agent =
      message.subject.substr(std::min(message.subject.size(), claim_prefix_.size()));
  if (agent.empty()) return;
  auto it = agent_index_.find(std::string(agent));
  if (it == agent_index_.end()) {
    it = agent_index_.emplace(std::string(agent), static_cast<std::uint32_t>(agents_.size())).first;
    agents_.emplace_back();
    agent_names_.emplace_back(agent);
  }
  const std::uint32_t index = it->second;
  AgentRecord& record = agents_[index];
  const std::uint64_t seq = claim_seq_of(message.payload);
  bool duplicate = false;
  if (seq == 0 || seq >= (1u << 28)) {
    ++unnumbered_;
  } else {
    if (record.seen.size() <= seq)
      record.seen.resize(std::max<std::size_t>(seq + 1, record.seen.size() * 2), 0);
    duplicate = record.seen[seq] > 0;
    if (record.seen[seq] < 255) ++record.seen[seq];
  }
  if (duplicate) {
    ++duplicates_;
    tally_.on_duplicate_claim();
    return;
  }
  ++received_;
  ++record.received;
  if (claim) tally_.on_claim(index, *claim);
}

void ClaimAccountant::on_frame(const Message& message) {
  Result<BeatFrame> frame = decode_beat_frame(message.payload);
  if (!frame || frame->cluster_id != options_.cluster_id) return;
  if (std::optional<sim::BarReportRecord> closed = tally_.on_frame(*frame)) {
    reports_.push_back(std::move(*closed));
  }
}

void ClaimAccountant::flush_bar() {
  if (std::optional<sim::BarReportRecord> last = tally_.flush()) {
    reports_.push_back(std::move(*last));
  }
}

std::uint64_t ClaimAccountant::received_from(const std::string& agent_id) const {
  auto it = agent_index_.find(agent_id);
  return it == agent_index_.end() ? 0 : agents_[it->second].received;
}

bool ClaimAccountant::has(const std::string& agent_id, std::uint64_t seq) const {
  auto it = agent_index_.find(agent_id);
  if (it == agent_index_.end()) return false;
  const auto& seen = agents_[it->second].seen;
  return seq < seen.size() && seen[seq] > 0;
}

std::vector<ClaimGap> ClaimAccountant::gaps(
    const std::map<std::string, std::uint64_t>& published,
    const std::map<std::pair<std::string, std::uint64_t>, std::string>& causes) const {
  std::vector<ClaimGap> out;
  for (const auto& [agent, last] : published) {
    for (std::uint64_t seq = 1; seq <= last; ++seq) {
      if (has(agent, seq)) continue;
      auto cause_it = causes.find({agent, seq});
      std::string cause = cause_it == causes.end() ? "unknown" : cause_it->second;
      if (!out.empty() && out.back().agent_id == agent && out.back().last_seq + 1 == seq &&
          out.back().cause == cause) {
        out.back().last_seq = seq;
      } else {
        out.push_back(ClaimGap{agent, seq, seq, std::move(cause)});
      }
    }
  }
  return out;
}

}  // namespace backbeat::live
