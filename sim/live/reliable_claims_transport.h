// ReliableClaimsTransport: makes status claims loss-free over core NATS without the core knowing.
//
// A decorator around NatsTransport. Messages on claim subjects (<prefix>.status.>) are kept in a
// window of claims not yet confirmed by the server; everything else passes straight through.
//
// - Confirmation, asynchronous: after every `batch_claims` claims (and at least every
//   `flush_interval` while claims are unconfirmed) a marker carrying the id of the newest claim
//   is published on a private subject this transport subscribes to, on the same connection. The
//   server handles one connection's messages in order and sends what it routes to that connection
//   in order, so when the marker comes back every claim published before it has reached the
//   server and been routed (to this connection's own subscribers too); they leave the window. The
//   loop never blocks for this. A marker counts only when it is this transport's own: its payload
//   carries a random token drawn per transport and an id this transport sent ("<token> <id>"),
//   so another client allowed to publish on the subject cannot confirm claims early (a bare
//   number or a wrong token is ignored; a client that may also subscribe there could read the
//   token: grant _BACKBEAT.confirm.* to the live user alone, README "Live mode permissions").
// - Throttle: when more than `max_unconfirmed` claims are unconfirmed, publish() falls back to a
//   blocking flush() (PING/PONG). A publish storm on a connection that also subscribes could
//   otherwise stall until the server cuts it (write deadline).
// - While the connection is down, claims are not handed to nats.c at all: they wait in the window
//   (nats.c's reconnect buffer can overflow, and messages sent in the milliseconds before nats.c
//   notices a dead server vanish without an error).
// - After kReconnected, the whole window is republished, then flushed (blocking, once). Claims that
// had in fact
//   reached the server arrive twice: receivers count them as duplicates by (agent, metadata.seq).
// - Nothing is dropped silently: a full window refuses new claims (kResourceExhausted, which the
//   core counts as claims_failed) and a closed connection discards the window; both are recorded
//   per (agent, seq) with their cause in discarded().
//
// Trade-off (see sim/live/README.md): subscribers that must see every claim should share this
// connection. With separate connections the publisher can reconnect first and its republished
// claims reach a server where the subscriber is not yet back: lost with no error.
//
// Threading: like NatsTransport, every method on the loop thread. flush() blocks that thread for
// at most `flush_timeout` (a round trip to the server, usually well under a millisecond).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/nats/nats_transport.h"
#include "core/transport.h"

namespace backbeat::live {

struct ReliableClaimsOptions {
  std::string subject_prefix = "backbeat";  // claims are <prefix>.status.>
  std::size_t batch_claims = 1024;          // a confirmation marker after this many claims
  Duration flush_interval = std::chrono::milliseconds(20);  // and at least this often
  std::size_t max_unconfirmed = 1 << 16;                    // beyond: blocking flush (throttle)
  Duration flush_timeout = std::chrono::seconds(1);
  std::size_t max_window_claims = 1 << 20;  // beyond this new claims are refused
};

// A claim that will never be delivered, and why ("window_full", "connection_closed", ...).
// Causes of claims refused at publish (the core counted them as claims_failed; never published).
inline constexpr const char* kRefusedWindowFull = "window_full";
inline constexpr const char* kRefusedConnectionClosed = "refused_connection_closed";
inline bool refused_at_publish(std::string_view cause) {
  return cause == kRefusedWindowFull || cause == kRefusedConnectionClosed;
}

struct DiscardedClaim {
  std::string agent_id;   // from the subject
  std::uint64_t seq = 0;  // metadata.seq, 0 when the payload had none
  std::string cause;
};

struct ReliableClaimsCounters {
  std::uint64_t claims_accepted = 0;     // publish() returned OK
  std::uint64_t claims_refused = 0;      // publish() returned an error (window full, bad subject)
  std::uint64_t claims_sent = 0;         // handed to nats.c, first sends and republishes
  std::uint64_t claims_republished = 0;  // sent again after a reconnect
  std::uint64_t claims_confirmed = 0;    // left the window after a successful flush
  std::uint64_t markers = 0;             // confirmation markers published
  std::uint64_t markers_foreign = 0;     // markers received that were not this transport's: ignored
  std::uint64_t flushes = 0;             // blocking flushes (throttle, reconnect, end of run)
  std::uint64_t flushes_failed = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t max_window = 0;  // largest unconfirmed window seen
};

class ReliableClaimsTransport final : public Transport {
 public:
  // `inner` and `clock` must outlive this object.
  ReliableClaimsTransport(NatsTransport& inner, Clock& clock, ReliableClaimsOptions options = {});
  ~ReliableClaimsTransport() override;
  ReliableClaimsTransport(const ReliableClaimsTransport&) = delete;
  ReliableClaimsTransport& operator=(const ReliableClaimsTransport&) = delete;

  // Transport. Subscriptions and listeners go to the inner transport.
  Status publish(std::string_view subject, std::string_view payload) override;
  Result<SubscriptionId> subscribe(std::string_view pattern, MessageHandler handler) override;
  void unsubscribe(SubscriptionId id) override;
  ListenerId add_connection_listener(ConnectionListener listener) override;
  void remove_connection_listener(ListenerId id) override;
  bool is_connected() const override;

  // Sends what waits and confirms the window now. OK when the window is empty afterwards.
  Status flush_now();
  // Flushes until the window is empty or `timeout` passes (the loop must run for reconnects to be
  // noticed, so this only retries; call it between loop turns). OK when empty.
  Status drain(Duration timeout);
  // Gives up on what is still unconfirmed (end of a run): records it in discarded() with `cause`.
  void abandon(const std::string& cause);

  std::size_t window_size() const { return window_.size(); }
  const ReliableClaimsCounters& counters() const { return counters_; }
  const std::vector<DiscardedClaim>& discarded() const { return discarded_; }
  NatsTransport& inner() { return inner_; }
  // The private subject confirmation markers travel on (tests forge markers on it).
  const std::string& marker_subject() const { return marker_subject_; }

 private:
  struct Entry {
    std::uint64_t id = 0;  // increasing, never reused
    std::string subject;
    std::string payload;
    bool sent = false;  // handed to nats.c since the last (re)connect
  };

  bool is_claim(std::string_view subject) const;
  void on_connection(ConnectionEvent event);
  void arm_timer();
  void on_tick();
  // Sends unsent entries in order; false (and the error) when the connection refuses.
  Status send_unsent();
  void send_marker();
  void confirm_through(std::uint64_t id);
  void on_marker(std::string_view payload);
  void discard_all(const std::string& cause);
  DiscardedClaim describe(const Entry& entry, const std::string& cause) const;

  NatsTransport& inner_;
  Clock& clock_;
  ReliableClaimsOptions options_;
  std::string claim_prefix_;  // "<prefix>.status."
  std::deque<Entry> window_;  // unconfirmed claims, in publish order
  std::size_t unsent_ = 0;    // entries with sent == false
  std::size_t since_flush_ = 0;
  std::uint64_t next_id_ = 1;
  std::string marker_subject_;
  std::string marker_token_;  // random per transport: "<token> <id>" is the marker payload
  std::optional<SubscriptionId> marker_sub_;
  std::uint64_t last_marker_id_ = 0;  // newest entry id a marker was sent for
  Time last_marker_at_{};
  Clock::TimerId timer_ = Clock::kNoTimer;
  ListenerId listener_ = 0;
  bool closed_ = false;
  ReliableClaimsCounters counters_;
  std::vector<DiscardedClaim> discarded_;
};

// metadata.seq of an encoded claim without decoding it (0 when absent). Exposed for the observers.
std::uint64_t claim_seq_of(std::string_view payload);

}  // namespace backbeat::live
