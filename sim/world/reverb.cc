#include "sim/world/reverb.h"

#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "core/subject.h"
#include "sim/kernel/hash.h"

namespace backbeat::sim {

Reverb::Reverb(Clock& clock, Transport& transport, std::string cluster_id)
    : transport_(transport),
      cluster_id_(std::move(cluster_id)),
      bar_subject_(SubjectScheme{}.bar_reports(cluster_id_)),
      tally_(clock) {}

Status Reverb::start() {
  SubjectScheme subjects;
  auto frames = transport_.subscribe(subjects.beat_frames(cluster_id_),
                                     [this](const Message& m) { on_frame(m); });
  if (!frames) return frames.status();
  auto claims = transport_.subscribe(subjects.all_status_claims(cluster_id_),
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
  // Sequence accounting (claims from hosts that do not number them count once each).
  std::uint64_t seq = 0;
  if (claim->metadata && claim->metadata->is_object()) {
    auto n = claim->metadata->find("seq");
    if (n != claim->metadata->end() && n->is_number_unsigned()) seq = n->get<std::uint64_t>();
  }
  // The hlc tells a restarted agent's claims from its earlier incarnation's (claim_ledger.h).
  const ClaimLedger::Arrival arrival = ledger_.record(claim->agent_id, seq, fnv1a64(claim->hlc));
  if (arrival.duplicate) {
    tally_.on_duplicate_claim();
    return;
  }
  tally_.on_claim(arrival.agent, *claim);
}

void Reverb::publish(BarReportRecord record) {
  reports_.push_back(std::move(record));
  (void)transport_.publish(bar_subject_, encode_bar_report(reports_.back().report));
}

void Reverb::flush() {
  if (std::optional<BarReportRecord> last = tally_.flush()) publish(std::move(*last));
}

ClaimAccounting Reverb::claims() const {
  ClaimAccounting a;
  a.received = ledger_.received();
  a.duplicates = ledger_.duplicates();
  a.nonconforming = nonconforming_;
  return a;
}

}  // namespace backbeat::sim
