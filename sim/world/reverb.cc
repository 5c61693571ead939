#include "sim/world/reverb.h"

#include <algorithm>

#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/subject.h"
#include "sim/kernel/hash.h"

namespace backbeat::sim {

Reverb::Reverb(Clock& clock, SimConnection& connection, std::string cluster_id)
    : connection_(connection),
      cluster_id_(std::move(cluster_id)),
      bar_subject_(SubjectScheme{}.bar_reports(cluster_id_)),
      tally_(clock) {}

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
  if (!frame || frame->cluster_id != cluster_id_) return;
  if (std::optional<BarReportRecord> closed = tally_.on_frame(*frame)) publish(std::move(*closed));
}

void Reverb::on_claim(const Message& message) {
  Result<StatusClaim> claim = decode_status_claim(message.payload);
  if (!claim) {
    ++nonconforming_;
    tally_.on_nonconforming_claim();
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
      AgentRecord& record = agents_[agent];
      if (n < (1u << 26)) {
        const std::uint64_t hlc = fnv1a64(claim->hlc) | 1;  // never 0, the "none" mark
        if (record.first_hlc.size() <= n) record.first_hlc.resize(n + 1, 0);
        if (record.first_hlc[n] == 0) {
          record.first_hlc[n] = hlc;
        } else if (record.first_hlc[n] == hlc) {
          duplicate = true;
        } else {
          duplicate = !record.restarted.emplace(n, hlc).second;
        }
      }
    }
  }
  if (duplicate) {
    ++duplicates_;
    tally_.on_duplicate_claim();
    return;
  }
  ++received_;
  tally_.on_claim(agent, *claim);
}

void Reverb::publish(BarReportRecord record) {
  reports_.push_back(std::move(record));
  (void)connection_.publish(bar_subject_, encode_bar_report(reports_.back().report));
}

void Reverb::flush() {
  if (std::optional<BarReportRecord> last = tally_.flush()) publish(std::move(*last));
}

ClaimAccounting Reverb::claims() const {
  ClaimAccounting a;
  a.received = received_;
  a.duplicates = duplicates_;
  a.nonconforming = nonconforming_;
  return a;
}

}  // namespace backbeat::sim
