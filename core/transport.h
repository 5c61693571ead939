// Transport: publish/subscribe with NATS semantics, as the core needs it.
//
// The simulator implements it over its simulated NATS, live mode over nats.c, tests over an
// in-memory bus. Delivery is at most once, like core NATS: publish() returning OK means the
// transport accepted the message, not that anyone received it.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/status.h"

namespace backbeat {

// A delivered message. The views are valid only for the duration of the handler call.
struct Message {
  std::string_view subject;
  std::string_view payload;
};

enum class ConnectionEvent {
  kDisconnected,  // the link to the server is lost; the transport is trying to reconnect
  kReconnected,   // the link is back and subscriptions are restored
  kClosed,        // the transport gave up (or was closed); nothing more will be delivered
};

const char* connection_event_name(ConnectionEvent event);

class Transport {
 public:
  using SubscriptionId = std::uint64_t;
  using ListenerId = std::uint64_t;
  using MessageHandler = std::function<void(const Message&)>;
  using ConnectionListener = std::function<void(ConnectionEvent)>;

  virtual ~Transport() = default;

  // Sends `payload` on `subject` (no wildcards). Errors: kInvalidArgument for a bad subject,
  // kUnavailable when closed, kResourceExhausted when the reconnect buffer is full.
  virtual Status publish(std::string_view subject, std::string_view payload) = 0;

  // Delivers every later message whose subject matches `pattern` (NATS `*` and `>` wildcards)
  // to `handler`, on the thread or event loop that owns the core.
  virtual Result<SubscriptionId> subscribe(std::string_view pattern, MessageHandler handler) = 0;

  // Stops deliveries to a subscription. Unknown ids are ignored.
  virtual void unsubscribe(SubscriptionId id) = 0;

  // Registers a listener for connection events; several cores may share one transport.
  virtual ListenerId add_connection_listener(ConnectionListener listener) = 0;
  virtual void remove_connection_listener(ListenerId id) = 0;

  // True while the transport believes it is connected to a server.
  virtual bool is_connected() const = 0;
};

}  // namespace backbeat
