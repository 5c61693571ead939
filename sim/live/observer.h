// Observer: watches a BACKBEAT deployment on NATS (`backbeat-sim observe`).
//
// Subscribes to <prefix>.> and decodes every message against the contracts (docs/contracts.md):
// beat frames on <prefix>.beat.<cluster>, status claims on <prefix>.status.<cluster>.<agent>, bar
// reports on <prefix>.bar.<cluster>. It keeps, per cluster, the beat and the measured tempo
// (core's TempoMeter over beat starts, as an agent measures it) and, per agent, its last state,
// beat and task, claims received, duplicates and gaps by metadata.seq (sim/harness/claim_ledger.h,
// the accounting of `live` and the simulator's reverb; counted from the first sequence number
// seen, so joining mid-stream is not a gap), and claims per second.
//
// Its own connection's outages are windows, not gaps: claims an agent numbered while this
// observer was cut off (from after the last one seen before the disconnect to before the first new
// one after the reconnect) are accounted to the outage; claims republished after it fill their
// gaps. Any other missing claim is unaccounted (cause "unknown"), and `observe` exits 1. Every
// message that does not conform (a decoding error naming the field, a subject that is not a
// BACKBEAT subject, a frame or claim whose ids disagree with its subject) is reported to a callback
// as it arrives and kept (the most recent `max_kept_nonconforming`).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/tempo_meter.h"
#include "core/transport.h"
#include "sim/harness/claim_ledger.h"
#include "sim/world/outcome.h"

namespace backbeat::live {

struct Nonconforming {
  Time at{};
  std::string subject;
  std::string kind;   // "beat_frame", "status_claim", "bar_report", "subject"
  std::string error;  // names the failing field, e.g. "beat_index: missing required field"
  std::string payload_excerpt;  // first 120 bytes
};

struct ObserverOptions {
  std::string subject_prefix = "backbeat";
  std::string cluster_id;  // empty: every cluster
  std::size_t max_kept_nonconforming = 1000;
};

struct ObservedAgent {
  std::string cluster_id;
  std::string state;  // last claim's state word
  std::string task_id;
  std::int64_t beat_index = 0;
  std::uint64_t claims = 0;    // messages
  std::uint64_t received = 0;  // distinct seq
  std::uint64_t duplicates = 0;
  std::uint64_t first_seq = 0;  // 0 = never numbered
  std::uint64_t max_seq = 0;
  std::uint64_t gaps() const {  // sequence numbers between first and max never seen
    return max_seq >= first_seq && first_seq > 0 ? (max_seq - first_seq + 1) - received : 0;
  }
  Time last_seen{};
  // Internal: sequence numbers missed while the observer was cut off, [first, last] ranges, and
  // the start of the range still open (the next new claim closes it).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> outage_ranges;
  std::optional<std::uint64_t> outage_from;
};

struct ObservedCluster {
  std::int64_t beat_index = -1;
  std::string phase;
  double advertised_bpm = 0;
  std::optional<double> measured_bpm;
  double drift_ms = 0;
  std::uint64_t frames = 0;
  std::uint64_t bar_reports = 0;
  TempoMeter meter;
};

class Observer {
 public:
  using NonconformingCallback = std::function<void(const Nonconforming&)>;

  // `transport` and `clock` must outlive the observer; loop thread only.
  Observer(ObserverOptions options, Transport& transport, Clock& clock);
  ~Observer();
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  Status start();
  void stop();
  void on_nonconforming(NonconformingCallback callback) { callback_ = std::move(callback); }

  // Feeds one message (what the subscription does; public for tests).
  void handle(const Message& message);

  std::uint64_t messages() const { return messages_; }
  std::uint64_t claims() const { return claims_; }
  std::uint64_t nonconforming_total() const { return nonconforming_total_; }
  const std::deque<Nonconforming>& nonconforming() const { return kept_; }
  const std::map<std::string, ObservedAgent>& agents() const { return agents_; }
  const std::map<std::string, ObservedCluster>& clusters() const { return clusters_; }
  // This observer's own connection outages (an open one ends now).
  std::vector<sim::TimeWindow> outages() const;
  // Every claim missing between an agent's first and last seen sequence number, with its cause:
  // "observer_outage" or "unknown".
  std::vector<sim::ClaimGap> claim_gaps() const;
  // Missing claims not explained by an outage of this observer (what makes `observe` exit 1).
  std::uint64_t unaccounted_claims() const;
  // Claims per second since start(), and over the window since the previous call of this one.
  double claims_per_second() const;
  double claims_per_second_recent();

  // A few lines: clusters (beat, tempo advertised/measured), agents (state, beat, claims, gaps).
  std::string render_status(std::size_t max_agents = 20) const;
  // The end-of-run summary. Fields: duration_s, messages, claims {received, duplicates, gaps,
  // per_second}, clusters {id: {...}}, agents {id: {...}}, nonconforming {total, by_kind,
  // recent: [{subject, kind, error}]}.
  nlohmann::json summary_json() const;
  std::string render_summary() const;

 private:
  void on_frame(const Message& message, std::string_view cluster);
  void on_claim(const Message& message, std::string_view cluster, std::string_view agent);
  void on_bar(const Message& message, std::string_view cluster);
  void report(const Message& message, std::string kind, std::string error);
  void on_connection(ConnectionEvent event);

  ObserverOptions options_;
  Transport& transport_;
  Clock& clock_;
  std::optional<Transport::SubscriptionId> sub_;
  std::optional<Transport::ListenerId> listener_;
  sim::ClaimLedger ledger_;  // keyed like agents_
  std::vector<sim::TimeWindow> outages_;
  std::optional<Time> disconnected_since_;
  NonconformingCallback callback_;
  Time started_at_{};
  std::uint64_t messages_ = 0;
  std::uint64_t claims_ = 0;
  std::uint64_t nonconforming_total_ = 0;
  std::map<std::string, std::uint64_t> nonconforming_by_kind_;
  std::deque<Nonconforming> kept_;
  std::map<std::string, ObservedAgent>
      agents_;  // key: agent id (cluster/agent when filtering none)
  std::map<std::string, ObservedCluster> clusters_;
  Time recent_at_{};
  std::uint64_t recent_claims_ = 0;
};

}  // namespace backbeat::live
