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
  const sim::ClaimLedger::Arrival arrival = ledger_.record(agent, claim_seq_of(message.payload));
  if (arrival.duplicate) {
    tally_.on_duplicate_claim();
    return;
  }
  if (claim) tally_.on_claim(arrival.agent, *claim);
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

}  // namespace backbeat::live
