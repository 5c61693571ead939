#include "sim/live/reliable_claims_transport.h"

#include <fmt/format.h>

#include <charconv>
#include <random>

namespace backbeat::live {

std::uint64_t claim_seq_of(std::string_view payload) {
  constexpr std::string_view kKey = "\"seq\":";
  const std::size_t at = payload.rfind(kKey);
  if (at == std::string_view::npos) return 0;
  const char* begin = payload.data() + at + kKey.size();
  const char* end = payload.data() + payload.size();
  while (begin < end && *begin == ' ') ++begin;
  std::uint64_t seq = 0;
  auto [ptr, ec] = std::from_chars(begin, end, seq);
  if (ec != std::errc() || ptr == begin) return 0;
  return seq;
}

ReliableClaimsTransport::ReliableClaimsTransport(NatsTransport& inner, Clock& clock,
                                                 ReliableClaimsOptions options)
    : inner_(inner),
      clock_(clock),
      options_(std::move(options)),
      claim_prefix_(options_.subject_prefix + ".status.") {
  if (options_.batch_claims == 0) options_.batch_claims = 1;
  listener_ = inner_.add_connection_listener([this](ConnectionEvent e) { on_connection(e); });
  // A private subject for confirmation markers (unique per transport), and the token that makes
  // a marker this transport's own.
  std::random_device rd;
  marker_subject_ = "_BACKBEAT.confirm." + std::to_string(rd()) + std::to_string(rd());
  for (int i = 0; i < 4; ++i) marker_token_ += fmt::format("{:08x}", rd());
  auto sub = inner_.subscribe(marker_subject_, [this](const Message& m) { on_marker(m.payload); });
  if (sub) marker_sub_ = *sub;  // without it, confirmation falls back to blocking flushes
}

ReliableClaimsTransport::~ReliableClaimsTransport() {
  clock_.cancel(timer_);
  if (marker_sub_) inner_.unsubscribe(*marker_sub_);
  inner_.remove_connection_listener(listener_);
}

bool ReliableClaimsTransport::is_claim(std::string_view subject) const {
  return subject.starts_with(claim_prefix_);
}

Status ReliableClaimsTransport::publish(std::string_view subject, std::string_view payload) {
  if (!is_claim(subject)) return inner_.publish(subject, payload);
  if (closed_ || inner_.is_closed()) {
    ++counters_.claims_refused;
    discarded_.push_back(
        describe(Entry{0, std::string(subject), std::string(payload)}, kRefusedConnectionClosed));
    return Status::unavailable("NATS connection is closed; status claim not accepted");
  }
  if (window_.size() >= options_.max_window_claims) {
    ++counters_.claims_refused;
    discarded_.push_back(
        describe(Entry{0, std::string(subject), std::string(payload)}, kRefusedWindowFull));
    return Status::resource_exhausted("unconfirmed status-claim window is full (" +
                                      std::to_string(window_.size()) + " claims); claim refused");
  }
  Entry entry{next_id_, std::string(subject), std::string(payload), false};
  if (inner_.is_connected() && unsent_ == 0) {
    Status s = inner_.publish(subject, payload);
    if (!s && s.code() == StatusCode::kInvalidArgument) {
      ++counters_.claims_refused;
      return s;  // never deliverable: the caller sees why
    }
    // OK, or the connection went down under us: either way the window keeps it.
    entry.sent = s.is_ok();
    if (entry.sent) ++counters_.claims_sent;
  }
  ++next_id_;
  if (!entry.sent) ++unsent_;
  window_.push_back(std::move(entry));
  ++counters_.claims_accepted;
  counters_.max_window = std::max<std::uint64_t>(counters_.max_window, window_.size());
  if (!marker_sub_ || window_.size() > options_.max_unconfirmed) {
    // No marker subscription, or too far ahead of the server: wait for it (throttle).
    if (++since_flush_ >= options_.batch_claims || window_.size() > options_.max_unconfirmed) {
      (void)flush_now();
    } else {
      arm_timer();
    }
  } else if (++since_flush_ >= options_.batch_claims) {
    since_flush_ = 0;
    send_marker();
  } else {
    arm_timer();
  }
  return Status::ok();
}

void ReliableClaimsTransport::arm_timer() {
  if (timer_ != Clock::kNoTimer || window_.empty()) return;
  timer_ = clock_.schedule_at(clock_.now() + options_.flush_interval, [this] {
    timer_ = Clock::kNoTimer;
    on_tick();
  });
}

void ReliableClaimsTransport::on_tick() {
  if (window_.empty()) return;
  if (!marker_sub_ || unsent_ > 0) {
    (void)flush_now();
    return;
  }
  // Resend a marker unless one for the newest claim is recent (a lost marker is retried).
  if (last_marker_id_ != window_.back().id ||
      clock_.now() - last_marker_at_ >= options_.flush_interval * 10) {
    send_marker();
  }
  arm_timer();
}

Status ReliableClaimsTransport::send_unsent() {
  if (unsent_ == 0) return Status::ok();
  for (Entry& e : window_) {
    if (e.sent) continue;
    Status s = inner_.publish(e.subject, e.payload);
    if (!s) return s;
    e.sent = true;
    --unsent_;
    ++counters_.claims_sent;
  }
  return Status::ok();
}

void ReliableClaimsTransport::send_marker() {
  if (window_.empty() || !marker_sub_) return;
  if (!inner_.is_connected() || !send_unsent()) {
    arm_timer();
    return;
  }
  const std::uint64_t id = window_.back().id;
  if (inner_.publish(marker_subject_, marker_token_ + " " + std::to_string(id))) {
    ++counters_.markers;
    last_marker_id_ = id;
    last_marker_at_ = clock_.now();
  }
  arm_timer();
}

void ReliableClaimsTransport::on_marker(std::string_view payload) {
  std::uint64_t id = 0;
  const bool own = payload.size() > marker_token_.size() + 1 &&
                   payload.starts_with(marker_token_) && payload[marker_token_.size()] == ' ';
  if (own) {
    const char* begin = payload.data() + marker_token_.size() + 1;
    const char* end = payload.data() + payload.size();
    auto [ptr, ec] = std::from_chars(begin, end, id);
    if (ec == std::errc() && ptr == end && id <= last_marker_id_) {
      confirm_through(id);
      return;
    }
  }
  ++counters_.markers_foreign;
}

void ReliableClaimsTransport::confirm_through(std::uint64_t id) {
  std::uint64_t confirmed = 0;
  while (!window_.empty() && window_.front().id <= id) {
    if (!window_.front().sent) --unsent_;  // reset by a reconnect, yet it did arrive
    window_.pop_front();
    ++confirmed;
  }
  counters_.claims_confirmed += confirmed;
}

Status ReliableClaimsTransport::flush_now() {
  since_flush_ = 0;
  if (window_.empty()) return Status::ok();
  if (!inner_.is_connected()) {
    // Wait for kReconnected, which republishes; keep a timer so a missed event cannot strand us.
    arm_timer();
    return Status::unavailable("NATS connection is down; status claims wait in the window");
  }
  if (Status s = send_unsent(); !s) {
    arm_timer();
    return s;
  }
  const std::uint64_t covered = window_.back().id;  // everything sent before the flush
  ++counters_.flushes;
  Status s = inner_.flush(options_.flush_timeout);
  if (!s) {
    ++counters_.flushes_failed;
    arm_timer();
    return s;
  }
  confirm_through(covered);
  if (!window_.empty()) arm_timer();
  return window_.empty() ? Status::ok() : Status::unavailable("status claims still unconfirmed");
}

Status ReliableClaimsTransport::drain(Duration timeout) {
  const Time until = clock_.now() + timeout;
  Status s = flush_now();
  while (!s && clock_.now() < until && !closed_) {
    if (!inner_.is_connected()) return s;  // needs the loop to see the reconnect
    s = flush_now();
  }
  return s;
}

void ReliableClaimsTransport::on_connection(ConnectionEvent event) {
  switch (event) {
    case ConnectionEvent::kDisconnected:
      break;
    case ConnectionEvent::kReconnected: {
      ++counters_.reconnects;
      // Anything sent may have died with the old link: send the whole window again.
      for (Entry& e : window_) {
        if (e.sent) {
          e.sent = false;
          ++unsent_;
          ++counters_.claims_republished;
        }
      }
      (void)flush_now();
      break;
    }
    case ConnectionEvent::kClosed:
      closed_ = true;
      discard_all("connection_closed");
      break;
  }
}

void ReliableClaimsTransport::discard_all(const std::string& cause) {
  for (const Entry& e : window_) discarded_.push_back(describe(e, cause));
  window_.clear();
  unsent_ = 0;
  clock_.cancel(timer_);
  timer_ = Clock::kNoTimer;
}

void ReliableClaimsTransport::abandon(const std::string& cause) {
  discard_all(cause);
}

DiscardedClaim ReliableClaimsTransport::describe(const Entry& entry,
                                                 const std::string& cause) const {
  // <prefix>.status.<cluster>.<agent>
  std::string_view rest = std::string_view(entry.subject).substr(claim_prefix_.size());
  const std::size_t dot = rest.find('.');
  std::string agent =
      dot == std::string_view::npos ? std::string(rest) : std::string(rest.substr(dot + 1));
  return DiscardedClaim{std::move(agent), claim_seq_of(entry.payload), cause};
}

Result<Transport::SubscriptionId> ReliableClaimsTransport::subscribe(std::string_view pattern,
                                                                     MessageHandler handler) {
  return inner_.subscribe(pattern, std::move(handler));
}
void ReliableClaimsTransport::unsubscribe(SubscriptionId id) {
  inner_.unsubscribe(id);
}
Transport::ListenerId ReliableClaimsTransport::add_connection_listener(
    ConnectionListener listener) {
  return inner_.add_connection_listener(std::move(listener));
}
void ReliableClaimsTransport::remove_connection_listener(ListenerId id) {
  inner_.remove_connection_listener(id);
}
bool ReliableClaimsTransport::is_connected() const {
  return inner_.is_connected();
}

}  // namespace backbeat::live
