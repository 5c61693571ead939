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
      clock_(clock),
      claim_prefix_(options_.subject_prefix + ".status." + options_.cluster_id + ".") {}

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
      if (has_bar_) ++bar_.nonconforming;
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
    if (has_bar_) ++bar_.duplicates;
    return;
  }
  ++received_;
  ++record.received;
  if (!has_bar_ || !claim) return;
  if (claim->beat_index < bar_.from_beat) {
    ++bar_.late;
    return;
  }
  bar_.agents.push_back(index);
  if (claim->state == ClaimState::kCompleted && claim->beat_index == current_beat_ &&
      clock_.now() < current_beat_start_ + beat_duration(current_tempo_)) {
    ++bar_.on_time_reviews;
  }
}

void ClaimAccountant::on_frame(const Message& message) {
  Result<BeatFrame> frame = decode_beat_frame(message.payload);
  if (!frame || frame->cluster_id != options_.cluster_id || frame->beat_index <= current_beat_) {
    return;
  }
  const Time now = clock_.now();
  current_beat_ = frame->beat_index;
  current_tempo_ = frame->tempo_bpm;
  current_beat_start_ = now - beat_duration(frame->tempo_bpm) * static_cast<int>(frame->phase) / 3;
  meter_.record(frame->beat_index, current_beat_start_, frame->tempo_bpm);
  const double measured = meter_.measured_bpm().value_or(frame->tempo_bpm);
  tempo_.push_back({now, frame->beat_index, frame->tempo_bpm, measured,
                    static_cast<double>(meter_.drift().count()) / 1e6});
  if (!has_bar_ || frame->window_id != bar_.window_id) {
    flush_bar();
    bar_ = Bar{};
    bar_.window_id = frame->window_id;
    bar_.from_beat = frame->beat_index;
    has_bar_ = true;
  }
  bar_.to_beat = frame->beat_index;
}

void ClaimAccountant::flush_bar() {
  if (!has_bar_) return;
  std::sort(bar_.agents.begin(), bar_.agents.end());
  bar_.agents.erase(std::unique(bar_.agents.begin(), bar_.agents.end()), bar_.agents.end());
  BarReport report;
  report.window_id = bar_.window_id;
  report.from_beat = bar_.from_beat;
  report.to_beat = bar_.to_beat;
  report.agents_reporting = static_cast<std::int64_t>(bar_.agents.size());
  report.on_time_reviews = bar_.on_time_reviews;
  report.secret_rotations_ok = true;
  report.tempo_drift_ms = static_cast<double>(meter_.drift().count()) / 1e6;
  auto issue = [&](const char* severity, const char* category, std::int64_t count) {
    if (count > 0) report.issues.push_back({severity, category, count});
  };
  issue("error", "nonconforming_claims", bar_.nonconforming);
  issue("warning", "late_claims", bar_.late);
  issue("info", "duplicate_claims", bar_.duplicates);
  reports_.push_back({clock_.now(), report});
  has_bar_ = false;
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
