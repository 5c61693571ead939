#include "tests/support/in_memory_transport.h"

#include "core/subject.h"

namespace backbeat::testing {

Status InMemoryTransport::publish(std::string_view subject, std::string_view payload) {
  if (Status s = validate_subject(subject); !s) return s;
  if (closed_) return Status::unavailable("connection closed");
  if (!connected_) return Status::unavailable("disconnected");
  published_.push_back({std::string(subject), std::string(payload)});
  queue_.push_back(published_.back());
  drain();
  return Status::ok();
}

void InMemoryTransport::drain() {
  if (delivering_) return;
  delivering_ = true;
  while (!queue_.empty()) {
    Published next = std::move(queue_.front());
    queue_.pop_front();
    // Copy the matching handlers first: a handler may subscribe or unsubscribe.
    std::vector<MessageHandler> targets;
    for (const auto& [id, sub] : subscriptions_) {
      if (subject_matches(sub.first, next.subject)) targets.push_back(sub.second);
    }
    Message message{next.subject, next.payload};
    for (const auto& handler : targets) handler(message);
  }
  delivering_ = false;
}

Result<Transport::SubscriptionId> InMemoryTransport::subscribe(std::string_view pattern,
                                                               MessageHandler handler) {
  if (Status s = validate_subject_pattern(pattern); !s) return s;
  if (!subscribe_error_) return subscribe_error_;
  SubscriptionId id = next_subscription_++;
  subscriptions_.emplace(id, std::make_pair(std::string(pattern), std::move(handler)));
  return id;
}

void InMemoryTransport::unsubscribe(SubscriptionId id) {
  subscriptions_.erase(id);
}

Transport::ListenerId InMemoryTransport::add_connection_listener(ConnectionListener listener) {
  ListenerId id = next_listener_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void InMemoryTransport::remove_connection_listener(ListenerId id) {
  listeners_.erase(id);
}

void InMemoryTransport::notify(ConnectionEvent event) {
  std::vector<ConnectionListener> targets;
  for (const auto& [id, listener] : listeners_) targets.push_back(listener);
  for (const auto& listener : targets) listener(event);
}

void InMemoryTransport::disconnect() {
  if (!connected_ || closed_) return;
  connected_ = false;
  notify(ConnectionEvent::kDisconnected);
}

void InMemoryTransport::reconnect() {
  if (connected_ || closed_) return;
  connected_ = true;
  notify(ConnectionEvent::kReconnected);
}

void InMemoryTransport::close() {
  if (closed_) return;
  closed_ = true;
  connected_ = false;
  notify(ConnectionEvent::kClosed);
}

std::vector<InMemoryTransport::Published> InMemoryTransport::published_matching(
    std::string_view pattern) const {
  std::vector<Published> out;
  for (const auto& p : published_) {
    if (subject_matches(pattern, p.subject)) out.push_back(p);
  }
  return out;
}

}  // namespace backbeat::testing
