#include "sim/live/observer.h"

#include <fmt/format.h>

#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/field_rules.h"
#include "core/contracts/status_claim.h"
#include "sim/live/reliable_claims_transport.h"

namespace backbeat::live {
namespace {

// Splits "a.b.c" into tokens.
std::vector<std::string_view> tokens_of(std::string_view subject) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = subject.find('.', start);
    out.push_back(subject.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

}  // namespace

Observer::Observer(ObserverOptions options, Transport& transport, Clock& clock)
    : options_(std::move(options)), transport_(transport), clock_(clock) {}

Observer::~Observer() {
  stop();
}

Status Observer::start() {
  if (sub_) return Status::failed_precondition("observer already started");
  auto sub =
      transport_.subscribe(options_.subject_prefix + ".>", [this](const Message& m) { handle(m); });
  if (!sub) return sub.status();
  sub_ = *sub;
  listener_ = transport_.add_connection_listener([this](ConnectionEvent e) { on_connection(e); });
  started_at_ = recent_at_ = clock_.now();
  return Status::ok();
}

void Observer::stop() {
  if (sub_) transport_.unsubscribe(*sub_);
  if (listener_) transport_.remove_connection_listener(*listener_);
  sub_.reset();
  listener_.reset();
}

void Observer::on_connection(ConnectionEvent event) {
  const Time now = clock_.now();
  if (event == ConnectionEvent::kDisconnected) {
    if (disconnected_since_) return;
    disconnected_since_ = now;
    // What each agent numbers from here on may pass us by until we are back.
    for (auto& [id, a] : agents_) {
      if (a.max_seq > 0 && !a.outage_from) a.outage_from = a.max_seq + 1;
    }
    return;
  }
  if (disconnected_since_) {
    outages_.push_back({*disconnected_since_, now});
    disconnected_since_.reset();
  }
}

void Observer::report(const Message& message, std::string kind, std::string error) {
  ++nonconforming_total_;
  ++nonconforming_by_kind_[kind];
  Nonconforming n{clock_.now(), std::string(message.subject), std::move(kind), std::move(error),
                  std::string(message.payload.substr(0, 120))};
  if (callback_) callback_(n);
  kept_.push_back(std::move(n));
  while (kept_.size() > options_.max_kept_nonconforming) kept_.pop_front();
}

void Observer::handle(const Message& message) {
  ++messages_;
  const std::vector<std::string_view> t = tokens_of(message.subject);
  // <prefix>.beat.<c> | <prefix>.status.<c>.<agent> | <prefix>.bar.<c>
  const std::string_view kind = t.size() >= 2 ? t[1] : std::string_view();
  const std::string_view cluster = t.size() >= 3 ? t[2] : std::string_view();
  if (!options_.cluster_id.empty() && cluster != options_.cluster_id) return;
  // The subject's tokens name what is tracked and shown: they follow the ids' rules, or the
  // message is non-conforming (a token with an escape sequence never becomes a row).
  const bool ids_valid = is_cluster_id(cluster) && (t.size() != 4 || is_agent_id(t[3]));
  if (ids_valid && kind == "beat" && t.size() == 3) return on_frame(message, cluster);
  if (ids_valid && kind == "status" && t.size() == 4) return on_claim(message, cluster, t[3]);
  if (ids_valid && kind == "bar" && t.size() == 3) return on_bar(message, cluster);
  report(message, "subject",
         fmt::format("subject: '{0}' is not a BACKBEAT v1 subject ({1}.beat.<cluster>, "
                     "{1}.status.<cluster>.<agent>, {1}.bar.<cluster>; <cluster> is {2}, "
                     "<agent> {3})",
                     message.subject, options_.subject_prefix, kClusterIdRule, kAgentIdRule)
             .substr(0, 400));
}

void Observer::on_frame(const Message& message, std::string_view cluster) {
  Result<BeatFrame> frame = decode_beat_frame(message.payload);
  if (!frame) return report(message, "beat_frame", frame.status().message());
  if (frame->cluster_id != cluster) {
    return report(message, "beat_frame",
                  fmt::format("cluster_id: '{}' does not match the subject's cluster '{}'",
                              frame->cluster_id, cluster));
  }
  ObservedCluster& c = clusters_[std::string(cluster)];
  ++c.frames;
  if (frame->beat_index <= c.beat_index) {
    if (frame->beat_index == c.beat_index) c.phase = beat_phase_name(frame->phase);
    return;
  }
  const Time now = clock_.now();
  c.beat_index = frame->beat_index;
  c.phase = beat_phase_name(frame->phase);
  c.advertised_bpm = frame->tempo_bpm;
  c.meter.record(frame->beat_index,
                 now - beat_duration(frame->tempo_bpm) * static_cast<int>(frame->phase) / 3,
                 frame->tempo_bpm);
  c.measured_bpm = c.meter.measured_bpm();
  c.drift_ms = static_cast<double>(c.meter.drift().count()) / 1e6;
}

void Observer::on_claim(const Message& message, std::string_view cluster, std::string_view agent) {
  ++claims_;
  Result<StatusClaim> claim = decode_status_claim(message.payload);
  if (!claim) return report(message, "status_claim", claim.status().message());
  if (claim->agent_id != agent) {
    report(message, "status_claim",
           fmt::format("agent_id: '{}' does not match the subject's agent '{}'", claim->agent_id,
                       agent));
  }
  const std::string key =
      options_.cluster_id.empty() ? fmt::format("{}/{}", cluster, agent) : std::string(agent);
  ObservedAgent& a = agents_[key];
  a.cluster_id = std::string(cluster);
  a.state = claim_state_name(claim->state);
  a.task_id = claim->task_id;
  a.beat_index = claim->beat_index;
  a.last_seen = clock_.now();
  ++a.claims;
  const std::uint64_t seq = claim_seq_of(message.payload);
  const sim::ClaimLedger::Arrival arrival = ledger_.record(key, seq);
  if (arrival.duplicate) {
    ++a.duplicates;
    return;
  }
  ++a.received;
  if (seq == 0 || seq >= sim::ClaimLedger::kMaxTrackedSeq) return;  // unnumbered: once each
  if (a.first_seq == 0 || seq < a.first_seq) a.first_seq = seq;     // joined mid-stream, or older
  if (a.outage_from && seq >= *a.outage_from && !disconnected_since_) {
    // The first new claim after our outage: the numbers before it went by while we were away.
    if (seq > *a.outage_from) a.outage_ranges.emplace_back(*a.outage_from, seq - 1);
    a.outage_from.reset();
  }
  a.max_seq = std::max(a.max_seq, seq);
}

std::vector<sim::TimeWindow> Observer::outages() const {
  std::vector<sim::TimeWindow> out = outages_;
  if (disconnected_since_) out.push_back({*disconnected_since_, clock_.now()});
  return out;
}

std::vector<sim::ClaimGap> Observer::claim_gaps() const {
  std::vector<sim::ClaimGap> out;
  for (const auto& [id, agent] : agents_) {
    const ObservedAgent& a = agent;  // named, so the lambda can capture it (C++20 bindings)
    if (a.first_seq == 0) continue;
    auto in_outage = [&a](std::uint64_t seq) {
      if (a.outage_from && seq >= *a.outage_from) return true;
      for (const auto& [first, last] : a.outage_ranges) {
        if (seq >= first && seq <= last) return true;
      }
      return false;
    };
    ledger_.append_gaps(
        id, a.first_seq, a.max_seq,
        [&](std::uint64_t seq) {
          return std::string(in_outage(seq) ? "observer_outage" : "unknown");
        },
        out);
  }
  return out;
}

std::uint64_t Observer::unaccounted_claims() const {
  std::uint64_t n = 0;
  for (const sim::ClaimGap& g : claim_gaps()) {
    if (g.cause == "unknown") n += g.size();
  }
  return n;
}

void Observer::on_bar(const Message& message, std::string_view cluster) {
  Result<BarReport> report_msg = decode_bar_report(message.payload);
  if (!report_msg) return report(message, "bar_report", report_msg.status().message());
  ++clusters_[std::string(cluster)].bar_reports;
}

double Observer::claims_per_second() const {
  const double s = to_seconds(clock_.now() - started_at_);
  return s > 0 ? static_cast<double>(claims_) / s : 0.0;
}

double Observer::claims_per_second_recent() {
  const Time now = clock_.now();
  const double s = to_seconds(now - recent_at_);
  const double rate = s > 0 ? static_cast<double>(claims_ - recent_claims_) / s : 0.0;
  recent_at_ = now;
  recent_claims_ = claims_;
  return rate;
}

std::string Observer::render_status(std::size_t max_agents) const {
  std::string out;
  for (const auto& [id, c] : clusters_) {
    out += fmt::format(
        "cluster {}: beat {} ({}), tempo {:g} BPM advertised, {} measured, drift "
        "{:+.1f} ms, {} frames, {} bar reports\n",
        id, c.beat_index, c.phase, c.advertised_bpm,
        c.measured_bpm ? fmt::format("{:.2f}", *c.measured_bpm) : "n/a", c.drift_ms, c.frames,
        c.bar_reports);
  }
  std::size_t shown = 0;
  for (const auto& [id, a] : agents_) {
    if (shown++ == max_agents) {
      out += fmt::format("  ... and {} more agents\n", agents_.size() - max_agents);
      break;
    }
    out += fmt::format("  {:<32} {:<10} beat {:<8} claims {:<8} dup {:<5} gaps {:<5} {}\n", id,
                       a.state, a.beat_index, a.claims, a.duplicates, a.gaps(), a.task_id);
  }
  out += fmt::format("messages {}, claims {} ({:.1f}/s), non-conforming {}\n", messages_, claims_,
                     claims_per_second(), nonconforming_total_);
  return out;
}

nlohmann::json Observer::summary_json() const {
  using json = nlohmann::json;
  std::uint64_t received = 0, duplicates = 0, gaps = 0;
  json agents = json::object();
  for (const auto& [id, a] : agents_) {
    received += a.received;
    duplicates += a.duplicates;
    gaps += a.gaps();
    agents[id] = {{"cluster", a.cluster_id},    {"state", a.state},   {"task_id", a.task_id},
                  {"beat_index", a.beat_index}, {"claims", a.claims}, {"received", a.received},
                  {"duplicates", a.duplicates}, {"gaps", a.gaps()},   {"first_seq", a.first_seq},
                  {"max_seq", a.max_seq}};
  }
  json clusters = json::object();
  for (const auto& [id, c] : clusters_) {
    clusters[id] = {{"beat_index", c.beat_index},
                    {"phase", c.phase},
                    {"advertised_bpm", c.advertised_bpm},
                    {"measured_bpm", c.measured_bpm ? json(*c.measured_bpm) : json(nullptr)},
                    {"drift_ms", c.drift_ms},
                    {"frames", c.frames},
                    {"bar_reports", c.bar_reports}};
  }
  json recent = json::array();
  for (const Nonconforming& n : kept_) {
    recent.push_back({{"subject", n.subject}, {"kind", n.kind}, {"error", n.error}});
  }
  json by_kind = json::object();
  for (const auto& [k, n] : nonconforming_by_kind_) by_kind[k] = n;
  json outage_windows = json::array();
  for (const sim::TimeWindow& w : outages()) {
    outage_windows.push_back(
        {{"from_s", to_seconds(w.start - started_at_)}, {"to_s", to_seconds(w.end - started_at_)}});
  }
  std::uint64_t missed_in_outages = 0;
  for (const sim::ClaimGap& g : claim_gaps()) {
    if (g.cause == "observer_outage") missed_in_outages += g.size();
  }
  return {{"duration_s", to_seconds(clock_.now() - started_at_)},
          {"outages", {{"windows", outage_windows}, {"claims_missed", missed_in_outages}}},
          {"messages", messages_},
          {"claims",
           {{"messages", claims_},
            {"received", received},
            {"duplicates", duplicates},
            {"gaps", gaps},
            {"unaccounted", unaccounted_claims()},
            {"per_second", claims_per_second()}}},
          {"clusters", clusters},
          {"agents", agents},
          {"nonconforming",
           {{"total", nonconforming_total_}, {"by_kind", by_kind}, {"recent", recent}}}};
}

std::string Observer::render_summary() const {
  std::uint64_t received = 0, duplicates = 0, gaps = 0;
  for (const auto& [id, a] : agents_) {
    received += a.received;
    duplicates += a.duplicates;
    gaps += a.gaps();
  }
  std::string out = fmt::format(
      "observed {:.1f} s: {} messages, {} claims ({:.1f}/s) from {} agents: {} received, {} "
      "duplicates, {} gaps; {} non-conforming\n",
      to_seconds(clock_.now() - started_at_), messages_, claims_, claims_per_second(),
      agents_.size(), received, duplicates, gaps, nonconforming_total_);
  for (const sim::TimeWindow& w : outages()) {
    out += fmt::format("outage    this observer's connection was down from {:.1f} s to {:.1f} s\n",
                       to_seconds(w.start - started_at_), to_seconds(w.end - started_at_));
  }
  std::uint64_t missed = 0;
  for (const sim::ClaimGap& g : claim_gaps()) {
    if (g.cause == "observer_outage") {
      missed += g.size();
    } else {
      out += fmt::format("gap       {} seq {}..{} ({} claim(s)): unaccounted\n", g.agent_id,
                         g.first_seq, g.last_seq, g.size());
    }
  }
  if (missed > 0) {
    out += fmt::format("outage    {} claim(s) went by while this observer was cut off\n", missed);
  }
  out += render_status();
  return out;
}

}  // namespace backbeat::live
