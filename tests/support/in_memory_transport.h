// InMemoryTransport: a single-process NATS stand-in for unit tests. Test support, never production.
//
// Delivery is synchronous but never re-entrant: a publish from inside a handler is queued and
// delivered after the current delivery returns. Tests flip the connection to check the core's
// reaction to disconnects.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/transport.h"

namespace backbeat::testing {

class InMemoryTransport final : public Transport {
 public:
  struct Published {
    std::string subject;
    std::string payload;
  };

  Status publish(std::string_view subject, std::string_view payload) override;
  Result<SubscriptionId> subscribe(std::string_view pattern, MessageHandler handler) override;
  void unsubscribe(SubscriptionId id) override;
  ListenerId add_connection_listener(ConnectionListener listener) override;
  void remove_connection_listener(ListenerId id) override;
  bool is_connected() const override { return connected_; }

  // Simulated connection changes; each notifies the listeners.
  void disconnect();  // publishes fail with kUnavailable until reconnect()
  void reconnect();
  void close();
  // While set, subscribe() fails with `error` (a server refusing the subscription); OK clears it.
  void refuse_subscriptions(Status error) { subscribe_error_ = std::move(error); }

  // Every message accepted by publish(), in order.
  const std::vector<Published>& published() const { return published_; }
  // Messages accepted on subjects matching `pattern`.
  std::vector<Published> published_matching(std::string_view pattern) const;
  void clear_published() { published_.clear(); }
  std::size_t subscription_count() const { return subscriptions_.size(); }

 private:
  void notify(ConnectionEvent event);
  void drain();

  bool connected_ = true;
  bool closed_ = false;
  bool delivering_ = false;
  Status subscribe_error_ = Status::ok();
  SubscriptionId next_subscription_ = 1;
  ListenerId next_listener_ = 1;
  std::map<SubscriptionId, std::pair<std::string, MessageHandler>> subscriptions_;
  std::map<ListenerId, ConnectionListener> listeners_;
  std::deque<Published> queue_;
  std::vector<Published> published_;
};

}  // namespace backbeat::testing
