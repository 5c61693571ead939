// NatsTransport: backbeat::Transport over one nats.c connection, delivering on an EventLoop.
//
// Threading model. nats.c calls back on its own threads (one dispatcher per subscription, plus a
// shared thread for connection events and errors). Those callbacks never touch the core: they copy
// what they need (subject and payload bytes, the event) and post() a closure to the EventLoop,
// where message handlers and connection listeners run. Every method of NatsTransport is meant to
// be called on the loop thread (or while the loop is not running), like the core that uses it;
// the counters and is_connected() may be read from any thread.
//
// Lifetime. The C callbacks find their transport through a process-wide registry of numeric keys
// (the nats.c closure is the key, not a pointer), so a callback that arrives after the transport
// is gone finds nothing and only frees its message. Closures already queued on the loop hold a
// shared control block and are dropped once the transport is closed; a message queued for a
// subscription that was unsubscribed meanwhile is dropped on the loop (the live-subscription table
// is checked there). The EventLoop must outlive the transport.
//
// Connection events: nats.c reports kDisconnected when the link drops (how fast depends on how the
// server went away: a killed server is noticed within milliseconds through the socket, a silent one
// only through pings), kReconnected once subscriptions are restored, kClosed when reconnect
// attempts run out or the connection is closed. An explicit close() reports kDisconnected (if
// connected) then kClosed, as nats.c does, provided the loop runs afterwards.
//
// Delivery is at most once (core NATS). publish() returning OK means nats.c accepted the message:
// while disconnected it goes to the reconnect buffer (sent in order after a reconnect, discarded if
// the connection closes), and messages published in the few milliseconds before nats.c notices a
// dead server are lost silently. flush() confirms a batch: it fails exactly for batches at risk.
//
// Process: use one NatsLibraryGuard in main() so nats.c's shared threads end before exit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/nats/event_loop.h"
#include "core/nats_url.h"
#include "core/status.h"
#include "core/time.h"
#include "core/transport.h"

// nats.c types, declared here so users of this header need not include <nats/nats.h>.
typedef struct __natsConnection natsConnection;      // NOLINT
typedef struct __natsSubscription natsSubscription;  // NOLINT
typedef struct __natsOptions natsOptions;            // NOLINT

namespace backbeat::live {

struct NatsOptions {
  // Comma-separated server URLs, e.g. "nats://127.0.0.1:4222,nats://127.0.0.1:4223" (parsed by
  // core/nats_url.h: schemes in any case). URLs may embed user:password@; they are redacted in
  // every message this adapter produces.
  std::string servers = "nats://127.0.0.1:4222";
  // Connection name shown by the server (monitoring, logs).
  std::string name = "backbeat";

  Duration connect_timeout = std::chrono::seconds(2);  // per server, per attempt (nats.c default)
  Duration reconnect_wait = std::chrono::seconds(1);   // between attempts on one server
  int max_reconnect_attempts = -1;                     // -1: unlimited (nats.c's default is 60)
  int reconnect_buffer_bytes = 8 * 1024 * 1024;        // publishes buffered while disconnected
  bool allow_reconnect = true;

  // Pending limits; over them messages are dropped and counted (slow consumer). They apply to
  // each subscription inside nats.c and, for the whole transport, to messages queued on the
  // EventLoop and not yet handled (the loop, not nats.c, is where a slow core backs up). <= 0
  // keeps the nats.c defaults (65536 messages, 64 MiB).
  int pending_messages_limit = 0;
  int pending_bytes_limit = 0;

  // Security. Secrets (password, token, seeds) never appear in logs or Status messages.
  std::string user;
  std::string password;
  std::string token;
  std::string nkey_public;     // the user's NKey public key ("U..."), with nkey_seed_file
  std::string nkey_seed_file;  // file holding the NKey seed
  std::string
      credentials_file;       // a .creds file (JWT + seed): natsOptions_SetUserCredentialsFromFiles
  bool tls = false;           // require TLS (implied by any tls_* file or a tls:// URL)
  std::string tls_ca_file;    // trusted CA certificates (PEM)
  std::string tls_cert_file;  // client certificate chain (PEM), with tls_key_file
  std::string tls_key_file;
  std::string tls_expected_hostname;  // overrides the host name checked in the certificate
  // Refuse (kInvalidArgument) rather than warn when cleartext_credentials_warning() says a secret
  // would go out in clear.
  bool refuse_cleartext_credentials = false;
};

// An operation the NATS server refused this connection (a permissions violation, reported by
// nats.c asynchronously).
struct PermissionViolation {
  std::string operation;    // "publish" or "subscribe" ("other" when the text names neither)
  std::string subject;      // as the server named it: from the wire, escape before printing
  std::uint64_t count = 0;  // refusals of this (operation, subject) so far, this one included
};

// Reads the server's text, e.g. `Permissions Violation for Publish to "a.b"` (count 1).
PermissionViolation parse_permission_violation(std::string_view server_text);

class NatsTransport final : public Transport {
 public:
  // Connects, or explains in one line why not. Codes:
  //   kInvalidArgument     a bad option (empty/malformed URL, cert without key, ...)
  //   kNotFound            a credentials/seed/TLS file that cannot be read (path named)
  //   kUnavailable         no server reachable at the (redacted) URLs
  //   kFailedPrecondition  authorization violation; TLS handshake error or TLS mismatch
  //   kDeadlineExceeded    the server did not answer in time
  //   kInternal            anything else from nats.c (its status text is included)
  static Result<std::unique_ptr<NatsTransport>> connect(const NatsOptions& options,
                                                        EventLoop& loop);

  NatsTransport(const NatsTransport&) = delete;
  NatsTransport& operator=(const NatsTransport&) = delete;
  // Closes the connection (see close()) and drops every closure still queued for it.
  ~NatsTransport() override;

  // Transport.
  Status publish(std::string_view subject, std::string_view payload) override;
  Result<SubscriptionId> subscribe(std::string_view pattern, MessageHandler handler) override;
  void unsubscribe(SubscriptionId id) override;
  ListenerId add_connection_listener(ConnectionListener listener) override;
  void remove_connection_listener(ListenerId id) override;
  bool is_connected() const override;

  // Sends everything buffered and waits for the server's acknowledgement (PING/PONG), blocking
  // the calling thread up to `timeout`. OK means every message published before the call reached
  // the server. kUnavailable when disconnected or closed (the batch is at risk), kDeadlineExceeded
  // on timeout.
  Status flush(Duration timeout);

  // Closes the connection now. While connected, nats.c first sends what was already published
  // (tested); while disconnected, the reconnect buffer is discarded. Subscriptions end, later
  // publishes return kUnavailable, and listeners hear kClosed when the loop next runs. Call
  // flush() first when the outcome of the last batch matters. Idempotent.
  void close();
  // True once closed, by close() or because nats.c gave up reconnecting.
  bool is_closed() const;
  // Why nats.c closed the connection on its own (its last error, e.g. an authorization violation
  // after the server's credentials changed, or "reconnect attempts ran out"); empty while open or
  // after close(). Any thread.
  std::string closed_cause() const;

  // Messages dropped because a pending limit was exceeded: by nats.c (per subscription, over
  // every subscription this transport ever had) plus by this transport (the loop's queue was
  // full). Loop thread only (it asks nats.c per subscription).
  std::uint64_t slow_consumer_drops();
  // The counters below are readable from any thread.
  // Slow-consumer reports (NATS_SLOW_CONSUMER through the error handler, plus the first loop-queue
  // drop): episodes, not messages.
  std::uint64_t slow_consumer_events() const;
  std::uint64_t disconnects() const;
  std::uint64_t reconnects() const;
  // Other asynchronous errors reported by nats.c.
  std::uint64_t async_errors() const;

  // Permission violations. The server refuses a publish or a subscription after the fact (the
  // call itself returned OK): nats.c hands the error to its error thread, which posts it here.
  // nats.c keeps only its latest error text, so when violations on several subjects arrive in a
  // burst, a refusal may be attributed to the later subject (the total is exact).
  // `listener` (loop thread) hears each one as it is recorded; one listener, replaced by the next.
  using PermissionListener = std::function<void(const PermissionViolation&)>;
  void on_permission_violation(PermissionListener listener);
  // Every (operation, subject) refused so far with its count, sorted. Loop thread.
  std::vector<PermissionViolation> permission_violations() const;
  // Refusals so far, any thread.
  std::uint64_t permission_violation_count() const;
  // Confirms that the server accepted every subscription made so far: a flush (the server answers
  // a subscription it refuses before the PONG), then nats.c's latest error. kFailedPrecondition
  // naming the subject when a subscription was refused (recorded as a violation too, so callers
  // tell it from other failures by permission_violations()); flush()'s errors otherwise.
  Status confirm_subscriptions(Duration timeout);

  // The URL of the server currently connected to (redacted), empty when none.
  std::string connected_url() const;

  // The nats.c connection itself, for APIs this adapter does not wrap (JetStream: sim/queue).
  // Owned by the transport: valid until it is destroyed; never close or destroy it.
  natsConnection* native_connection() const { return conn_; }

  // Unsubscribes a subscription made on native_connection() and takes it over: it is destroyed
  // once the read loop can no longer be handling a message for it (see unsubscribed_). Every
  // subscription of this connection ends here, never in natsSubscription_Destroy directly.
  void retire_native(natsSubscription* sub);

  struct Shared;  // the control block shared with callbacks (defined in the .cc)

 private:
  struct Subscription {
    natsSubscription* sub = nullptr;
    std::uint64_t registry_key = 0;
    std::shared_ptr<MessageHandler> handler;
    std::uint64_t dropped = 0;  // last count read from nats.c
  };

  explicit NatsTransport(std::shared_ptr<Shared> shared);

  // Loop side of the callbacks.
  void deliver(SubscriptionId id, const std::string& subject, const std::string& payload);
  void dispatch(ConnectionEvent event);
  void record_permission_violation(const std::string& server_text);
  void retire(Subscription& subscription);
  // Refreshes subscription.dropped from nats.c (kept when nats.c no longer answers).
  static void read_dropped(Subscription& subscription);
  // Destroys the first `count` of unsubscribed_ (the read loop has let go of them).
  void destroy_unsubscribed(std::size_t count);

  std::shared_ptr<Shared> shared_;
  std::uint64_t connection_key_ = 0;  // registry key of the connection callbacks
  natsConnection* conn_ = nullptr;
  std::string redacted_servers_;
  int pending_messages_limit_ = 0;
  int pending_bytes_limit_ = 0;

  SubscriptionId next_subscription_id_ = 1;
  std::map<SubscriptionId, Subscription> subscriptions_;
  ListenerId next_listener_id_ = 1;
  std::map<ListenerId, std::shared_ptr<ConnectionListener>> listeners_;
  std::uint64_t retired_drops_ = 0;  // drops of subscriptions already gone
  // Unsubscribed, not yet destroyed. nats.c before 3.6 (Debian ships 3.4) looks a message's
  // subscription up under the connection's lock and locks the subscription after letting go of
  // it (nats-io/nats.c#637): destroyed in that window, the read loop crashes. A round trip (the
  // read loop handles the PONG after any message read before it) or close() (which joins the read
  // loop) proves the window has passed; only then are these destroyed.
  std::vector<natsSubscription*> unsubscribed_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> violations_;  // (op, subject)
  PermissionListener violation_listener_;
  std::string confirmed_denial_;  // the subscription refusal confirm_subscriptions() recorded
};

// Process-level RAII for nats.c: opens the library and, on destruction, tears it down and waits
// (bounded) for its shared threads to end. Without it nats.c's threads outlive main() (valgrind
// reports them). Use exactly one, in main(), constructed before and destroyed after every
// transport:
//
//   int main() {
//     backbeat::live::NatsLibraryGuard nats_library;
//     backbeat::live::EventLoop loop;
//     auto transport = backbeat::live::NatsTransport::connect(options, loop);
//     ...
//   }
class NatsLibraryGuard {
 public:
  explicit NatsLibraryGuard(Duration close_timeout = std::chrono::seconds(5));
  NatsLibraryGuard(const NatsLibraryGuard&) = delete;
  NatsLibraryGuard& operator=(const NatsLibraryGuard&) = delete;
  ~NatsLibraryGuard();

  // Tears the library down now; OK once every nats.c thread has ended. Idempotent.
  Status close();
  const Status& open_status() const { return open_status_; }

 private:
  Duration close_timeout_;
  Status open_status_;
  bool closed_ = false;
};

// Whether `options` ask for TLS: the tls flag, a CA or client certificate file, or a URL whose
// scheme requires it (tls://, wss://, in any case). The one definition connect() applies.
bool wants_tls(const NatsOptions& options, const std::vector<NatsUrl>& urls);

// A one-line warning when a secret (a password or token option, or user info in a URL) would be
// sent without TLS to a server that is not on this machine; empty otherwise (or when the URLs do
// not parse: connect() reports that).
std::string cleartext_credentials_warning(const NatsOptions& options);

}  // namespace backbeat::live
