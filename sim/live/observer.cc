#include "sim/live/observer.h"

#include <fmt/format.h>

#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "sim/live/reliable_claims_transport.h"

namespace backbeat::live {
namespace {

constexpr std::size_t kTrackedSeqs = 1 << 16;  // per agent; older ones count as duplicates

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
  started_at_ = recent_at_ = clock_.now();
  return Status::ok();
}

void Observer::stop() {
  if (sub_) transport_.unsubscribe(*sub_);
  sub_.reset();
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
  if (kind == "beat" && t.size() == 3) return on_frame(message, cluster);
  if (kind == "status" && t.size() == 4) return on_claim(message, cluster, t[3]);
  if (kind == "bar" && t.size() == 3) return on_bar(message, cluster);
  report(message, "subject",
         fmt::format("subject: '{0}' is not a BACKBEAT v1 subject ({1}.beat.<cluster>, "
                     "{1}.status.<cluster>.<agent>, {1}.bar.<cluster>)",
                     message.subject, options_.subject_prefix)
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
  if (seq == 0) {
    ++a.received;  // unnumbered: counts once each
    return;
  }
  if (a.first_seq == 0) a.first_seq = seq;
  if (seq < a.first_seq) {  // older than what we joined on: widen the accounted range
    a.first_seq = seq;
  }
  const std::uint64_t floor = a.recent.empty() ? 0 : a.recent.begin()->first;
  if (a.recent.size() >= kTrackedSeqs && seq < floor) {
    ++a.duplicates;  // too old to tell: assume a replay (documented)
    return;
  }
  auto [it, inserted] = a.recent.emplace(seq, 1);
  if (!inserted) {
    ++a.duplicates;
    return;
  }
  ++a.received;
  a.max_seq = std::max(a.max_seq, seq);
  while (a.recent.size() > kTrackedSeqs) a.recent.erase(a.recent.begin());
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
  return {{"duration_s", to_seconds(clock_.now() - started_at_)},
          {"messages", messages_},
          {"claims",
           {{"messages", claims_},
            {"received", received},
            {"duplicates", duplicates},
            {"gaps", gaps},
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
  out += render_status();
  return out;
}

}  // namespace backbeat::live
