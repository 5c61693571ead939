#include "core/nats/nats_transport.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/invariant.h"
#include "core/secret_text.h"
#include "core/subject.h"

namespace backbeat::live {

// The control block shared by a transport, the closures it queued on the loop, and nats.c
// callbacks in flight. It outlives the transport for as long as any of those hold it.
struct NatsTransport::Shared {
  explicit Shared(EventLoop& l) : loop(&l) {}

  EventLoop* loop;
  std::mutex mu;                   // guards `alive`: nothing is posted once it is false
  bool alive = true;               // false once the transport is destroyed
  NatsTransport* owner = nullptr;  // loop thread only; null once the transport is destroyed

  std::atomic<bool> connected{false};
  std::atomic<bool> closed{false};
  std::atomic<std::uint64_t> slow_consumer_events{0};
  std::atomic<std::uint64_t> disconnects{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::uint64_t> async_errors{0};
  std::atomic<std::uint64_t> permission_violations{0};
  std::string closed_cause;  // guarded by mu; why nats.c closed the connection on its own

  // Messages copied off nats.c and queued on the loop, not yet delivered. Bounded by the pending
  // limits: nats.c's own limits only see its dispatcher, which hands messages to the loop at once,
  // so without this bound a slow loop would queue without end instead of dropping and counting.
  std::int64_t max_queued_messages = 65536;
  std::int64_t max_queued_bytes = 64LL * 1024 * 1024;
  std::atomic<std::int64_t> queued_messages{0};
  std::atomic<std::int64_t> queued_bytes{0};
  std::atomic<std::uint64_t> loop_queue_drops{0};

  // Posts `task` to the loop unless the transport is gone. Any thread.
  void post(EventLoop::Task task) {
    std::lock_guard lock(mu);
    if (alive) loop->post(std::move(task));
  }

  // Queues a connection event for the listeners. Any thread.
  static void post_event(const std::shared_ptr<Shared>& shared, ConnectionEvent event) {
    shared->post([shared, event] {
      if (shared->owner != nullptr) shared->owner->dispatch(event);
    });
  }

  // Counts a permission violation and queues the server's text for the loop. Any thread.
  static void post_permission_violation(const std::shared_ptr<Shared>& shared, std::string text) {
    shared->permission_violations.fetch_add(1);
    shared->post([shared, text = std::move(text)] {
      if (shared->owner != nullptr) shared->owner->record_permission_violation(text);
    });
  }

  // Queues a message for subscription `id`. Any thread.
  static void post_message(const std::shared_ptr<Shared>& shared, SubscriptionId id,
                           std::string subject, std::string payload) {
    const auto bytes = static_cast<std::int64_t>(subject.size() + payload.size());
    const std::int64_t messages = shared->queued_messages.fetch_add(1) + 1;
    const std::int64_t total_bytes = shared->queued_bytes.fetch_add(bytes) + bytes;
    if (messages > shared->max_queued_messages || total_bytes > shared->max_queued_bytes) {
      shared->queued_messages.fetch_sub(1);
      shared->queued_bytes.fetch_sub(bytes);
      if (shared->loop_queue_drops.fetch_add(1) == 0) shared->slow_consumer_events.fetch_add(1);
      return;
    }
    shared->post([shared, id, bytes, subject = std::move(subject), payload = std::move(payload)] {
      shared->queued_messages.fetch_sub(1);
      shared->queued_bytes.fetch_sub(bytes);
      if (shared->owner != nullptr) shared->owner->deliver(id, subject, payload);
    });
  }
};

namespace {

// ---------------------------------------------------------------------------------------------
// The callback registry. nats.c gets a numeric key as its closure, never a pointer: a callback
// that runs after its transport or subscription is gone (nats.c may call a message handler one
// last time after unsubscribe, and delivers the closed event asynchronously) finds no entry and
// does nothing. Keys are never reused.

struct RegistryEntry {
  std::weak_ptr<NatsTransport::Shared> shared;
  Transport::SubscriptionId subscription = 0;  // 0 for the connection callbacks
};

class Registry {
 public:
  std::uint64_t add(RegistryEntry entry) {
    std::lock_guard lock(mu_);
    const std::uint64_t key = next_key_++;
    entries_.emplace(key, std::move(entry));
    return key;
  }
  void remove(std::uint64_t key) {
    std::lock_guard lock(mu_);
    entries_.erase(key);
  }
  // The live control block and subscription id for `key`, or a null pointer.
  std::pair<std::shared_ptr<NatsTransport::Shared>, Transport::SubscriptionId> find(
      std::uint64_t key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return {nullptr, 0};
    return {it->second.shared.lock(), it->second.subscription};
  }

 private:
  std::mutex mu_;
  std::uint64_t next_key_ = 1;
  std::unordered_map<std::uint64_t, RegistryEntry> entries_;
};

Registry& registry() {
  // Never destroyed: nats.c threads may still call back while static destructors run.
  static auto* instance = new Registry;
  return *instance;
}

void* key_to_closure(std::uint64_t key) {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(key));
}
std::uint64_t closure_to_key(void* closure) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(closure));
}

// ---------------------------------------------------------------------------------------------
// nats.c callbacks: run on nats.c threads. They copy, count and post; nothing else.

void on_message(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg, void* closure) {
  auto [shared, id] = registry().find(closure_to_key(closure));
  if (shared != nullptr) {
    const char* data = natsMsg_GetData(msg);
    const int length = natsMsg_GetDataLength(msg);
    std::string payload = data != nullptr && length > 0
                              ? std::string(data, static_cast<std::size_t>(length))
                              : std::string();
    NatsTransport::Shared::post_message(shared, id, natsMsg_GetSubject(msg), std::move(payload));
  }
  natsMsg_Destroy(msg);
}

void on_disconnected(natsConnection* /*nc*/, void* closure) {
  auto shared = registry().find(closure_to_key(closure)).first;
  if (shared == nullptr) return;
  shared->connected.store(false, std::memory_order_release);
  shared->disconnects.fetch_add(1);
  NatsTransport::Shared::post_event(shared, ConnectionEvent::kDisconnected);
}

void on_reconnected(natsConnection* /*nc*/, void* closure) {
  auto shared = registry().find(closure_to_key(closure)).first;
  if (shared == nullptr) return;
  shared->connected.store(true, std::memory_order_release);
  shared->reconnects.fetch_add(1);
  NatsTransport::Shared::post_event(shared, ConnectionEvent::kReconnected);
}

void on_closed(natsConnection* nc, void* closure) {
  auto shared = registry().find(closure_to_key(closure)).first;
  if (shared == nullptr) return;
  if (!shared->closed.load(std::memory_order_acquire)) {  // not by close(): say why
    const char* text = nullptr;
    const natsStatus err = natsConnection_GetLastError(nc, &text);
    std::lock_guard lock(shared->mu);
    shared->closed_cause = text != nullptr && *text != '\0' ? std::string(text)
                           : err != NATS_OK                 ? std::string(natsStatus_GetText(err))
                                            : std::string("reconnect attempts ran out");
  }
  shared->connected.store(false, std::memory_order_release);
  shared->closed.store(true, std::memory_order_release);
  NatsTransport::Shared::post_event(shared, ConnectionEvent::kClosed);
}

void on_error(natsConnection* nc, natsSubscription* /*sub*/, natsStatus err, void* closure) {
  auto shared = registry().find(closure_to_key(closure)).first;
  if (shared == nullptr) return;
  if (err == NATS_SLOW_CONSUMER) {
    shared->slow_consumer_events.fetch_add(1);
  } else if (err == NATS_NOT_PERMITTED) {
    // The server's text names the operation and subject; nats.c keeps only the latest one.
    const char* text = nullptr;
    (void)natsConnection_GetLastError(nc, &text);
    NatsTransport::Shared::post_permission_violation(shared, text != nullptr ? text : "");
  } else {
    shared->async_errors.fetch_add(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers for connect().

std::int64_t to_millis(Duration d) {
  return std::max<std::int64_t>(1,
                                std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

// Replaces every occurrence of each non-empty secret in `text` by "***".
std::string scrub(std::string text, const NatsOptions& options) {
  for (const std::string* secret : {&options.password, &options.token}) {
    if (secret->empty()) continue;
    for (std::size_t at = text.find(*secret); at != std::string::npos;
         at = text.find(*secret, at + 3)) {
      text.replace(at, secret->size(), "***");
    }
  }
  return text;
}

// OK when `path` can be opened for reading; otherwise kNotFound naming what and where.
// A value that looks like the secret itself (secret_text.h) is kInvalidArgument and never echoed.
Status check_readable(const std::string& path, const char* what) {
  if (path.empty()) return Status::ok();
  if (std::optional<std::string_view> kind = secret_kind(path)) {
    return Status::invalid_argument(fmt::format(
        "the {} setting holds {} ({} characters, not shown), not a file path: write it to a "
        "private file and pass that file's path",
        what, *kind, path.size()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Status::not_found(std::string("cannot read ") + what + " '" + path +
                             "': " + (err != 0 ? std::strerror(err) : "open failed"));
  }
  return Status::ok();
}

// nats.c's thread-local explanation of the last failure on this thread, or "".
std::string last_nats_error() {
  natsStatus ignored = NATS_OK;
  const char* text = nats_GetLastError(&ignored);
  std::string out = text != nullptr ? std::string(text) : std::string();
  // Drop nats.c's "(conn.c:733): " source-location prefix.
  if (!out.empty() && out.front() == '(') {
    if (const std::size_t end = out.find("): "); end != std::string::npos) out.erase(0, end + 3);
  }
  return out;
}

// A failure while setting options: kInvalidArgument naming the option.
Status option_error(natsStatus s, const char* option, const NatsOptions& options) {
  std::string detail = last_nats_error();
  if (detail.empty()) detail = natsStatus_GetText(s);
  if (s == NATS_SSL_ERROR) {
    return Status::failed_precondition(std::string("TLS setup failed for ") + option + ": " +
                                       scrub(detail, options));
  }
  return Status::invalid_argument(std::string("bad NATS option ") + option + ": " +
                                  scrub(detail, options));
}

// Maps natsConnection_Connect's failure to one line that names the cause.
Status connect_error(natsStatus s, const NatsOptions& options, const std::string& urls, bool tls) {
  std::string detail = scrub(last_nats_error(), options);
  auto with_detail = [&detail](std::string message) {
    if (!detail.empty()) message += " (" + detail + ")";
    return message;
  };
  std::string lower = detail;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // nats.c reads the seed and JWT only now: a file holding neither is bad input, not an accident.
  if (lower.find("nkey") != std::string::npos || lower.find("jwt") != std::string::npos) {
    return Status::invalid_argument(
        with_detail("the NKey seed or credentials file does not hold a usable user seed/JWT"));
  }
  // With mutual TLS the server checks the client's certificate after the handshake and just
  // closes the connection when there is none or it does not trust it; nats.c then reports a
  // protocol error (no PONG).
  if (tls && (s == NATS_PROTOCOL_ERROR || s == NATS_CONNECTION_CLOSED || s == NATS_IO_ERROR)) {
    return Status::failed_precondition(
        "TLS: the NATS server at " + urls +
        " closed the connection after the TLS handshake: it requires a client certificate it "
        "trusts (give the client certificate and key, signed by a CA the server trusts)" +
        (options.tls_cert_file.empty() ? std::string(", and none was given")
                                       : std::string(", and it refused the one given")));
  }
  switch (s) {
    case NATS_NO_SERVER:
      return Status::unavailable(with_detail("no NATS server reachable at " + urls));
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED:
      return Status::failed_precondition(
          "authorization violation: the NATS server at " + urls +
          " rejected the credentials (check user/password, token, NKey or credentials file)");
    case NATS_SSL_ERROR:
      return Status::failed_precondition(with_detail("TLS handshake error with " + urls));
    case NATS_SECURE_CONNECTION_WANTED:
      return Status::failed_precondition(
          "TLS mismatch: TLS was requested but the NATS server at " + urls +
          " does not require it (its INFO says tls_required false; a server that offers TLS only "
          "optionally, allow_non_tls, cannot be used with TLS by this client: make TLS required "
          "on the server, or connect without TLS)");
    case NATS_SECURE_CONNECTION_REQUIRED:
      return Status::failed_precondition("TLS mismatch: the NATS server at " + urls +
                                         " requires TLS (set tls / use tls:// URLs)");
    case NATS_TIMEOUT:
      return Status::deadline_exceeded(with_detail("timed out connecting to NATS at " + urls));
    case NATS_INVALID_ARG:
      return Status::invalid_argument(with_detail("invalid NATS connection options for " + urls));
    default:
      return Status::internal(with_detail(std::string("cannot connect to NATS at ") + urls + ": " +
                                          natsStatus_GetText(s)));
  }
}

struct OptionsDeleter {
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};

}  // namespace

// -----------------------------------------------------------------------------------------------

bool wants_tls(const NatsOptions& options, const std::vector<NatsUrl>& urls) {
  return options.tls || !options.tls_ca_file.empty() || !options.tls_cert_file.empty() ||
         std::any_of(urls.begin(), urls.end(), [](const NatsUrl& u) { return u.requires_tls(); });
}

std::string cleartext_credentials_warning(const NatsOptions& options) {
  Result<std::vector<NatsUrl>> urls = parse_nats_urls(options.servers);
  if (!urls || wants_tls(options, *urls)) return {};
  const bool secret_option = !options.password.empty() || !options.token.empty();
  for (const NatsUrl& url : *urls) {
    if (url.is_loopback() || !(secret_option || url.has_credentials())) continue;
    return fmt::format(
        "credentials ({}) would be sent without TLS to {}: ask for TLS with --tls, a tls:// URL "
        "or --tls-ca",
        url.has_credentials() ? "user info in the URL"
                              : (!options.password.empty() ? "password" : "token"),
        url.redacted());
  }
  return {};
}

Result<std::unique_ptr<NatsTransport>> NatsTransport::connect(const NatsOptions& options,
                                                              EventLoop& loop) {
  Result<std::vector<NatsUrl>> parsed = parse_nats_urls(options.servers);
  if (!parsed) return parsed.status();
  const std::string urls = redact_nats_urls(options.servers);
  if (options.refuse_cleartext_credentials) {
    if (std::string warning = cleartext_credentials_warning(options); !warning.empty()) {
      return Status::invalid_argument(warning);
    }
  }
  // nats.c reads the scheme case-sensitively: hand it the normalized form.
  std::string normalized_urls;
  for (const NatsUrl& url : *parsed) {
    if (!normalized_urls.empty()) normalized_urls += ',';
    normalized_urls += url.normalized();
  }
  if (!options.tls_cert_file.empty() != !options.tls_key_file.empty()) {
    return Status::invalid_argument(
        "a TLS client certificate needs both its certificate file and its key file");
  }
  if (!options.nkey_seed_file.empty() && options.nkey_public.empty()) {
    return Status::invalid_argument(
        "an NKey seed file needs the NKey public user key (U...) it belongs to");
  }
  if (!options.nkey_seed_file.empty() && !options.credentials_file.empty()) {
    return Status::invalid_argument(
        "an NKey seed file and a credentials file are two ways to authenticate: give one");
  }
  for (auto [path, what] : {std::pair{&options.credentials_file, "credentials file"},
                            std::pair{&options.nkey_seed_file, "NKey seed file"},
                            std::pair{&options.tls_ca_file, "TLS CA file"},
                            std::pair{&options.tls_cert_file, "TLS certificate file"},
                            std::pair{&options.tls_key_file, "TLS key file"}}) {
    if (Status s = check_readable(*path, what); !s) return s;
  }

  natsOptions* raw = nullptr;
  if (natsStatus s = natsOptions_Create(&raw); s != NATS_OK) {
    return Status::internal(std::string("cannot create NATS options: ") + natsStatus_GetText(s));
  }
  std::unique_ptr<natsOptions, OptionsDeleter> opts(raw);

  auto shared = std::make_shared<Shared>(loop);
  if (options.pending_messages_limit > 0)
    shared->max_queued_messages = options.pending_messages_limit;
  if (options.pending_bytes_limit > 0) shared->max_queued_bytes = options.pending_bytes_limit;
  const std::uint64_t key = registry().add(RegistryEntry{shared, 0});
  struct KeyGuard {  // unregisters unless connect() succeeds
    std::uint64_t key;
    bool armed = true;
    ~KeyGuard() {
      if (armed) registry().remove(key);
    }
  } key_guard{key};
  void* closure = key_to_closure(key);

  const bool tls = wants_tls(options, *parsed);
  struct Step {
    const char* option;
    natsStatus status;
  };
  auto apply = [&]() -> Status {
    const Step steps[] = {
        {"servers", natsOptions_SetURL(opts.get(), normalized_urls.c_str())},
        {"name", natsOptions_SetName(opts.get(), options.name.c_str())},
        {"connect_timeout", natsOptions_SetTimeout(opts.get(), to_millis(options.connect_timeout))},
        {"reconnect_wait",
         natsOptions_SetReconnectWait(opts.get(), to_millis(options.reconnect_wait))},
        {"max_reconnect_attempts",
         natsOptions_SetMaxReconnect(opts.get(), options.max_reconnect_attempts)},
        {"reconnect_buffer_bytes",
         natsOptions_SetReconnectBufSize(opts.get(), options.reconnect_buffer_bytes)},
        {"allow_reconnect", natsOptions_SetAllowReconnect(opts.get(), options.allow_reconnect)},
        {"disconnected callback",
         natsOptions_SetDisconnectedCB(opts.get(), on_disconnected, closure)},
        {"reconnected callback", natsOptions_SetReconnectedCB(opts.get(), on_reconnected, closure)},
        {"closed callback", natsOptions_SetClosedCB(opts.get(), on_closed, closure)},
        {"error handler", natsOptions_SetErrorHandler(opts.get(), on_error, closure)},
    };
    for (const Step& step : steps) {
      if (step.status != NATS_OK) return option_error(step.status, step.option, options);
    }
    if (!options.user.empty() || !options.password.empty()) {
      if (natsStatus s =
              natsOptions_SetUserInfo(opts.get(), options.user.c_str(), options.password.c_str());
          s != NATS_OK) {
        return option_error(s, "the user and password", options);
      }
    }
    if (!options.token.empty()) {
      if (natsStatus s = natsOptions_SetToken(opts.get(), options.token.c_str()); s != NATS_OK) {
        return option_error(s, "token", options);
      }
    }
    if (!options.nkey_seed_file.empty()) {
      if (natsStatus s = natsOptions_SetNKeyFromSeed(opts.get(), options.nkey_public.c_str(),
                                                     options.nkey_seed_file.c_str());
          s != NATS_OK) {
        return option_error(s, "the NKey seed file", options);
      }
    }
    if (!options.credentials_file.empty()) {
      if (natsStatus s = natsOptions_SetUserCredentialsFromFiles(
              opts.get(), options.credentials_file.c_str(), nullptr);
          s != NATS_OK) {
        return option_error(s, "the credentials file", options);
      }
    }
    if (tls) {
      if (natsStatus s = natsOptions_SetSecure(opts.get(), true); s != NATS_OK) {
        return option_error(s, "tls", options);
      }
      if (!options.tls_ca_file.empty()) {
        if (natsStatus s =
                natsOptions_LoadCATrustedCertificates(opts.get(), options.tls_ca_file.c_str());
            s != NATS_OK) {
          return option_error(s, "the TLS CA file", options);
        }
      }
      if (!options.tls_cert_file.empty()) {
        if (natsStatus s = natsOptions_LoadCertificatesChain(
                opts.get(), options.tls_cert_file.c_str(), options.tls_key_file.c_str());
            s != NATS_OK) {
          return option_error(s, "the TLS certificate and key files", options);
        }
      }
      if (!options.tls_expected_hostname.empty()) {
        if (natsStatus s =
                natsOptions_SetExpectedHostname(opts.get(), options.tls_expected_hostname.c_str());
            s != NATS_OK) {
          return option_error(s, "the expected TLS host name", options);
        }
      }
    }
    return Status::ok();
  };
  if (Status s = apply(); !s) return s;

  natsConnection* conn = nullptr;
  if (natsStatus s = natsConnection_Connect(&conn, opts.get()); s != NATS_OK) {
    natsConnection_Destroy(conn);  // null-safe
    return connect_error(s, options, urls, tls);
  }

  std::unique_ptr<NatsTransport> transport(new NatsTransport(shared));
  transport->conn_ = conn;
  transport->connection_key_ = key;
  transport->redacted_servers_ = urls;
  transport->pending_messages_limit_ = options.pending_messages_limit;
  transport->pending_bytes_limit_ = options.pending_bytes_limit;
  shared->connected.store(true, std::memory_order_release);
  key_guard.armed = false;
  return transport;
}

NatsTransport::NatsTransport(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {
  shared_->owner = this;
}

NatsTransport::~NatsTransport() {
  close();
  {
    std::lock_guard lock(shared_->mu);
    shared_->alive = false;  // nats.c callbacks in flight post nothing from now on
  }
  shared_->owner = nullptr;  // closures already queued on the loop drop themselves
  registry().remove(connection_key_);
  natsConnection_Destroy(conn_);
  conn_ = nullptr;
}

bool NatsTransport::is_connected() const {
  return shared_->connected.load(std::memory_order_acquire);
}
bool NatsTransport::is_closed() const {
  return shared_->closed.load(std::memory_order_acquire);
}
std::uint64_t NatsTransport::slow_consumer_events() const {
  return shared_->slow_consumer_events.load();
}
std::uint64_t NatsTransport::disconnects() const {
  return shared_->disconnects.load();
}
std::uint64_t NatsTransport::reconnects() const {
  return shared_->reconnects.load();
}
std::uint64_t NatsTransport::async_errors() const {
  return shared_->async_errors.load();
}

Status NatsTransport::publish(std::string_view subject, std::string_view payload) {
  if (Status s = validate_subject(subject); !s) return s;
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) {
    return Status::invalid_argument(
        "payload too large for NATS: " + std::to_string(payload.size()) + " bytes");
  }
  if (conn_ == nullptr || is_closed()) return Status::unavailable("NATS connection is closed");
  const std::string subject_z(subject);
  const natsStatus s = natsConnection_Publish(conn_, subject_z.c_str(), payload.data(),
                                              static_cast<int>(payload.size()));
  switch (s) {
    case NATS_OK:
      return Status::ok();
    case NATS_INSUFFICIENT_BUFFER:
      return Status::resource_exhausted(
          "NATS reconnect buffer is full while disconnected; message on '" + subject_z +
          "' not sent");
    case NATS_CONNECTION_CLOSED:
      return Status::unavailable("NATS connection is closed");
    case NATS_MAX_PAYLOAD:
      return Status::invalid_argument("payload of " + std::to_string(payload.size()) +
                                      " bytes exceeds the NATS server's max payload");
    case NATS_INVALID_SUBJECT:
      return Status::invalid_argument("NATS rejected subject '" + subject_z + "'");
    default:
      return Status::unavailable(std::string("NATS publish failed: ") + natsStatus_GetText(s));
  }
}

Result<Transport::SubscriptionId> NatsTransport::subscribe(std::string_view pattern,
                                                           MessageHandler handler) {
  if (Status s = validate_subject_pattern(pattern); !s) return s;
  if (!handler) return Status::invalid_argument("subscribe needs a message handler");
  if (conn_ == nullptr || is_closed()) return Status::unavailable("NATS connection is closed");

  const SubscriptionId id = next_subscription_id_++;
  Subscription subscription;
  subscription.handler = std::make_shared<MessageHandler>(std::move(handler));
  subscription.registry_key = registry().add(RegistryEntry{shared_, id});
  const std::string pattern_z(pattern);
  natsStatus s = natsConnection_Subscribe(&subscription.sub, conn_, pattern_z.c_str(), on_message,
                                          key_to_closure(subscription.registry_key));
  if (s == NATS_OK && (pending_messages_limit_ > 0 || pending_bytes_limit_ > 0)) {
    int messages = 0;
    int bytes = 0;
    natsSubscription_GetPendingLimits(subscription.sub, &messages, &bytes);
    s = natsSubscription_SetPendingLimits(
        subscription.sub, pending_messages_limit_ > 0 ? pending_messages_limit_ : messages,
        pending_bytes_limit_ > 0 ? pending_bytes_limit_ : bytes);
  }
  if (s != NATS_OK) {
    registry().remove(subscription.registry_key);
    if (subscription.sub != nullptr) {
      natsSubscription_Unsubscribe(subscription.sub);
      natsSubscription_Destroy(subscription.sub);
    }
    const std::string text =
        std::string("cannot subscribe to '") + pattern_z + "': " + natsStatus_GetText(s);
    if (s == NATS_CONNECTION_CLOSED) return Status::unavailable(text);
    if (s == NATS_INVALID_SUBJECT || s == NATS_INVALID_ARG) return Status::invalid_argument(text);
    return Status::internal(text);
  }
  subscriptions_.emplace(id, std::move(subscription));
  return id;
}

void NatsTransport::read_dropped(Subscription& subscription) {
  std::int64_t dropped = 0;
  if (subscription.sub != nullptr &&
      natsSubscription_GetDropped(subscription.sub, &dropped) == NATS_OK && dropped >= 0) {
    subscription.dropped = std::max(subscription.dropped, static_cast<std::uint64_t>(dropped));
  }
}

void NatsTransport::retire(Subscription& subscription) {
  registry().remove(subscription.registry_key);  // a last callback from nats.c now finds nothing
  read_dropped(subscription);
  retired_drops_ += subscription.dropped;
  retire_native(subscription.sub);
  subscription.sub = nullptr;
}

void NatsTransport::retire_native(natsSubscription* sub) {
  if (sub == nullptr) return;
  natsSubscription_Unsubscribe(sub);  // fails harmlessly once the connection closed
  unsubscribed_.push_back(sub);       // destroyed after a round trip or close()
  // A process that subscribes and unsubscribes for ever without flushing holds a bounded number.
  constexpr std::size_t kMaxUnsubscribed = 16;
  if (unsubscribed_.size() >= kMaxUnsubscribed && conn_ != nullptr && !is_closed() &&
      natsConnection_Status(conn_) == NATS_CONN_STATUS_CONNECTED) {
    const std::size_t before = unsubscribed_.size();
    if (natsConnection_FlushTimeout(conn_, 1000) == NATS_OK) destroy_unsubscribed(before);
  }
}

void NatsTransport::destroy_unsubscribed(std::size_t count) {
  BACKBEAT_ASSERT(count <= unsubscribed_.size(), "destroying more subscriptions than were retired");
  for (std::size_t i = 0; i < count; ++i) natsSubscription_Destroy(unsubscribed_[i]);
  unsubscribed_.erase(unsubscribed_.begin(), unsubscribed_.begin() + static_cast<long>(count));
}

void NatsTransport::unsubscribe(SubscriptionId id) {
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return;
  // Out of the table first: messages already queued on the loop for `id` are dropped there.
  Subscription subscription = std::move(it->second);
  subscriptions_.erase(it);
  retire(subscription);
}

std::uint64_t NatsTransport::slow_consumer_drops() {
  std::uint64_t total = retired_drops_ + shared_->loop_queue_drops.load();
  for (auto& [id, subscription] : subscriptions_) {
    read_dropped(subscription);
    total += subscription.dropped;
  }
  return total;
}

Transport::ListenerId NatsTransport::add_connection_listener(ConnectionListener listener) {
  const ListenerId id = next_listener_id_++;
  listeners_.emplace(id, std::make_shared<ConnectionListener>(std::move(listener)));
  return id;
}

void NatsTransport::remove_connection_listener(ListenerId id) {
  listeners_.erase(id);
}

void NatsTransport::deliver(SubscriptionId id, const std::string& subject,
                            const std::string& payload) {
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return;  // unsubscribed after nats.c queued the message
  // Hold the handler: it may unsubscribe itself (destroying the table entry) while it runs.
  const std::shared_ptr<MessageHandler> handler = it->second.handler;
  (*handler)(Message{subject, payload});
}

void NatsTransport::dispatch(ConnectionEvent event) {
  std::vector<ListenerId> ids;
  ids.reserve(listeners_.size());
  for (const auto& [id, listener] : listeners_) ids.push_back(id);
  for (ListenerId id : ids) {
    auto it = listeners_.find(id);  // a listener may remove others (or itself) as it runs
    if (it == listeners_.end()) continue;
    const std::shared_ptr<ConnectionListener> listener = it->second;
    (*listener)(event);
  }
}

Status NatsTransport::flush(Duration timeout) {
  if (conn_ == nullptr || is_closed()) return Status::unavailable("NATS connection is closed");
  // While disconnected a flush could only time out: say what it means at once instead.
  if (natsConnection_Status(conn_) != NATS_CONN_STATUS_CONNECTED) {
    return Status::unavailable(
        "NATS connection is down; messages published since the last "
        "confirmed flush are at risk");
  }
  const std::size_t unsubscribed_before = unsubscribed_.size();
  const natsStatus s = natsConnection_FlushTimeout(conn_, to_millis(timeout));
  switch (s) {
    case NATS_OK:
      destroy_unsubscribed(unsubscribed_before);
      return Status::ok();
    case NATS_TIMEOUT:
      if (natsConnection_Status(conn_) != NATS_CONN_STATUS_CONNECTED) {
        return Status::unavailable("NATS connection lost during flush; the batch may be lost");
      }
      return Status::deadline_exceeded("NATS flush not confirmed within " +
                                       std::to_string(to_millis(timeout)) + " ms");
    case NATS_CONNECTION_CLOSED:
      return Status::unavailable("NATS connection is closed; the batch may be lost");
    case NATS_CONNECTION_DISCONNECTED:
      return Status::unavailable("NATS connection lost during flush; the batch may be lost");
    default:
      return Status::unavailable(std::string("NATS flush failed: ") + natsStatus_GetText(s));
  }
}

void NatsTransport::close() {
  if (conn_ == nullptr) return;
  // Marked first: the closed callback then knows this close was asked for (no cause to report).
  shared_->closed.store(true, std::memory_order_release);
  if (!natsConnection_IsClosed(conn_)) natsConnection_Close(conn_);
  shared_->connected.store(false, std::memory_order_release);
  for (auto& [id, subscription] : subscriptions_) retire(subscription);
  subscriptions_.clear();
  destroy_unsubscribed(unsubscribed_.size());  // natsConnection_Close joined the read loop
}

PermissionViolation parse_permission_violation(std::string_view server_text) {
  PermissionViolation v{"other", std::string(server_text), 1};
  auto lower = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string text = lower(server_text);
  for (auto [marker, operation] :
       {std::pair{"for publish to ", "publish"}, std::pair{"for subscription to ", "subscribe"}}) {
    const std::size_t at = text.find(marker);
    if (at == std::string::npos) continue;
    v.operation = operation;
    std::string_view rest = server_text.substr(at + std::strlen(marker));
    if (!rest.empty() && rest.front() == '"') {
      rest.remove_prefix(1);
      rest = rest.substr(0, rest.find('"'));
    }
    v.subject = std::string(rest);
    break;
  }
  return v;
}

void NatsTransport::record_permission_violation(const std::string& server_text) {
  PermissionViolation v = parse_permission_violation(server_text);
  if (!confirmed_denial_.empty() && confirmed_denial_ == server_text) {
    confirmed_denial_.clear();  // confirm_subscriptions() recorded this one already
    return;
  }
  v.count = ++violations_[{v.operation, v.subject}];
  if (violation_listener_) violation_listener_(v);
}

void NatsTransport::on_permission_violation(PermissionListener listener) {
  violation_listener_ = std::move(listener);
}

std::vector<PermissionViolation> NatsTransport::permission_violations() const {
  std::vector<PermissionViolation> out;
  for (const auto& [key, count] : violations_) out.push_back({key.first, key.second, count});
  return out;
}

std::uint64_t NatsTransport::permission_violation_count() const {
  return shared_->permission_violations.load();
}

Status NatsTransport::confirm_subscriptions(Duration timeout) {
  if (Status s = flush(timeout); !s) return s;
  const char* text = nullptr;
  if (natsConnection_GetLastError(conn_, &text) != NATS_NOT_PERMITTED || text == nullptr) {
    return Status::ok();
  }
  const std::string server_text(text);
  const PermissionViolation v = parse_permission_violation(server_text);
  if (v.operation != "subscribe") return Status::ok();
  if (violations_.find({v.operation, v.subject}) == violations_.end()) {
    // Recorded now, in order; the error thread's later report of it is then not counted twice.
    confirmed_denial_ = server_text;
    PermissionViolation first = v;
    first.count = ++violations_[{v.operation, v.subject}];
    if (violation_listener_) violation_listener_(first);
  }
  return Status::failed_precondition(
      "the NATS server refused to let this connection subscribe to '" + v.subject +
      "' (permission denied)");
}

std::string NatsTransport::closed_cause() const {
  std::lock_guard lock(shared_->mu);
  return shared_->closed_cause;
}

std::string NatsTransport::connected_url() const {
  if (conn_ == nullptr) return {};
  char buffer[512] = {};
  if (natsConnection_GetConnectedUrl(conn_, buffer, sizeof buffer) != NATS_OK) return {};
  return redact_nats_urls(buffer);
}

// -----------------------------------------------------------------------------------------------

NatsLibraryGuard::NatsLibraryGuard(Duration close_timeout) : close_timeout_(close_timeout) {
  if (natsStatus s = nats_Open(-1); s != NATS_OK) {
    open_status_ =
        Status::internal(std::string("cannot open the nats.c library: ") + natsStatus_GetText(s));
  }
}

NatsLibraryGuard::~NatsLibraryGuard() {
  // (void): a destructor cannot report; callers who care call close() first and read its Status.
  (void)close();
}

Status NatsLibraryGuard::close() {
  if (closed_) return Status::ok();
  closed_ = true;
  const natsStatus s = nats_CloseAndWait(to_millis(close_timeout_));
  if (s == NATS_OK) return Status::ok();
  if (s == NATS_TIMEOUT) {
    return Status::deadline_exceeded("nats.c threads still running after " +
                                     std::to_string(to_millis(close_timeout_)) +
                                     " ms (a connection or subscription not destroyed?)");
  }
  return Status::internal(std::string("nats_CloseAndWait failed: ") + natsStatus_GetText(s));
}

}  // namespace backbeat::live
