#include "sim/world/sim_nats.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/invariant.h"
#include "core/subject.h"
#include "sim/kernel/hash.h"
#include "sim/world/timeline.h"

namespace backbeat::sim {

const char* message_kind_name(MessageKind kind) {
  switch (kind) {
    case MessageKind::kBeatFrame:
      return "beat_frame";
    case MessageKind::kStatusClaim:
      return "status_claim";
    case MessageKind::kBarReport:
      return "bar_report";
    case MessageKind::kOther:
      return "other";
  }
  return "other";
}

MessageKind message_kind_of(std::string_view subject) {
  std::size_t dot = subject.find('.');
  if (dot == std::string_view::npos) return MessageKind::kOther;
  std::string_view rest = subject.substr(dot + 1);
  if (rest.starts_with("beat.")) return MessageKind::kBeatFrame;
  if (rest.starts_with("status.")) return MessageKind::kStatusClaim;
  if (rest.starts_with("bar.")) return MessageKind::kBarReport;
  return MessageKind::kOther;
}

// ---------------------------------------------------------------------------------------------
// SimConnection

Status SimConnection::publish(std::string_view subject, std::string_view payload) {
  return nats_.publish(*this, subject, payload);
}

Result<Transport::SubscriptionId> SimConnection::subscribe(std::string_view pattern,
                                                           MessageHandler handler) {
  if (Status s = validate_subject_pattern(pattern); !s) return s;
  if (state_ == State::kClosed) return Status::unavailable("connection closed");
  auto& subs = nats_.subscriptions_;
  subs.push_back({this, node_, index_, std::string(pattern), std::move(handler), true, 0, {}, {}});
  auto index = static_cast<std::uint32_t>(subs.size() - 1);
  if (pattern.find('*') == std::string_view::npos && pattern.find('>') == std::string_view::npos) {
    nats_.literal_[std::string(pattern)].push_back(index);
  } else {
    nats_.wildcard_.push_back(index);
  }
  SubscriptionId id = index + 1;
  subscriptions_.push_back(id);
  return id;
}

void SimConnection::unsubscribe(SubscriptionId id) {
  auto& subs = nats_.subscriptions_;
  if (id == 0 || id > subs.size() || subs[id - 1].connection != this || !subs[id - 1].live) return;
  auto index = static_cast<std::uint32_t>(id - 1);
  subs[index].live = false;
  subs[index].handler = nullptr;
  const std::string& pattern = subs[index].pattern;
  auto literal = nats_.literal_.find(pattern);
  if (literal != nats_.literal_.end()) {
    std::erase(literal->second, index);
    if (literal->second.empty()) nats_.literal_.erase(literal);
  }
  std::erase(nats_.wildcard_, index);
  std::erase(subscriptions_, id);
}

Transport::ListenerId SimConnection::add_connection_listener(ConnectionListener listener) {
  ListenerId id = next_listener_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void SimConnection::remove_connection_listener(ListenerId id) {
  listeners_.erase(id);
}

void SimConnection::notify(ConnectionEvent event) {
  std::vector<ConnectionListener> targets;
  targets.reserve(listeners_.size());
  for (const auto& [id, listener] : listeners_) targets.push_back(listener);
  for (auto& listener : targets) listener(event);
}

// ---------------------------------------------------------------------------------------------
// SimNats

SimNats::SimNats(Kernel& kernel, TraceRecorder& trace, Topology& topology, NatsBehaviour behaviour,
                 RandomStream rng, bool trace_deliveries)
    : kernel_(kernel),
      trace_(trace),
      topology_(topology),
      behaviour_(behaviour),
      rng_(rng),
      trace_deliveries_(trace_deliveries),
      kind_publish_(trace.kind("nats.publish")),
      kind_deliver_(trace.kind("nats.deliver")),
      kind_drop_(trace.kind("nats.drop")),
      kind_conn_(trace.kind("nats.connection")) {}

SimNats::~SimNats() = default;

SimConnection& SimNats::connect(NodeId node, int server, Duration latency, Duration jitter) {
  connections_.push_back(
      std::unique_ptr<SimConnection>(new SimConnection(*this, node, server, latency, jitter)));
  SimConnection& c = *connections_.back();
  c.index_ = static_cast<std::uint32_t>(connections_.size() - 1);
  connected_.push_back(1);
  if (topology_.server_down(server)) {
    set_state(c, SimConnection::State::kDisconnected);
    on_reconnect_attempt(c);
  }
  return c;
}

void SimNats::drop_connection(SimConnection& connection) {
  std::vector<Transport::SubscriptionId> subs = connection.subscriptions_;
  for (auto id : subs) connection.unsubscribe(id);
  for (std::size_t i = 0; i < connection.buffer_.size(); ++i) {
    drop(message_kind_of(connection.buffer_[i].first), "owner_crashed", connection.node_, 0,
         connection.buffer_[i].first);
  }
  connection.buffer_.clear();
  connection.buffered_bytes_ = 0;
  kernel_.cancel(connection.reconnect_event_);
  connection.listeners_.clear();
  set_state(connection, SimConnection::State::kClosed);
}

std::uint32_t SimNats::new_message(std::string_view subject, std::string_view payload,
                                   NodeId publisher, MessageKind kind) {
  std::uint32_t index;
  if (!free_messages_.empty()) {
    index = free_messages_.back();
    free_messages_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(messages_.size());
    messages_.emplace_back();
  }
  SimMessage& m = messages_[index];
  m.subject.assign(subject);
  m.payload.assign(payload);
  m.id = next_message_id_++;
  m.kind = kind;
  m.publisher = publisher;
  m.refs = 1;  // held by the routing call until it returns
  return index;
}

void SimNats::release_message(std::uint32_t message) {
  BACKBEAT_ASSERT(messages_[message].refs > 0, "a message is released once per reference");
  if (--messages_[message].refs == 0) free_messages_.push_back(message);
}

void SimNats::set_state(SimConnection& c, SimConnection::State state) {
  BACKBEAT_ASSERT(
      c.state_ != SimConnection::State::kClosed || state == SimConnection::State::kClosed,
      "a closed connection stays closed");
  c.state_ = state;
  connected_[c.index_] = state == SimConnection::State::kConnected ? 1 : 0;
}

void SimNats::drop(MessageKind kind, const char* reason, NodeId node, std::uint64_t message_id,
                   std::string_view subject) {
  ++account(kind).dropped[reason];
  trace_.record(kernel_.now(), node, kind_drop_, digest_combine(fnv1a64(reason), message_id));
  if (timeline_ != nullptr) note_message(2, kind, node, subject, 0, reason);
}

void SimNats::note_message(int step, MessageKind kind, NodeId node, std::string_view subject,
                           std::size_t size, std::string_view detail) {
  static constexpr TimelineEvent kFrame[3] = {
      TimelineEvent::kFramePublished, TimelineEvent::kFrameDelivered, TimelineEvent::kFrameDropped};
  static constexpr TimelineEvent kClaim[3] = {
      TimelineEvent::kClaimPublished, TimelineEvent::kClaimReceived, TimelineEvent::kClaimDropped};
  const TimelineEvent* events = kind == MessageKind::kBeatFrame     ? kFrame
                                : kind == MessageKind::kStatusClaim ? kClaim
                                                                    : nullptr;
  if (events == nullptr) return;  // bar reports and the rest stay off the timeline
  timeline_->on_node(node, events[step], subject, size, detail);
}

Status SimNats::publish(SimConnection& from, std::string_view subject, std::string_view payload) {
  MessageKind kind = message_kind_of(subject);
  switch (from.state_) {
    case SimConnection::State::kClosed:
      ++account(kind).refused;
      return Status::unavailable("connection closed");
    case SimConnection::State::kDetecting:
      // nats.c has not noticed yet: publish() succeeds and the bytes die with the socket.
      if (Status s = validate_subject(subject); !s) return s;
      ++account(kind).published;
      trace_.record(kernel_.now(), from.node_, kind_publish_, digest_bytes(payload));
      if (timeline_ != nullptr) note_message(0, kind, from.node_, subject, payload.size(), {});
      drop(kind, "detection_window", from.node_, 0, subject);
      return Status::ok();
    case SimConnection::State::kDisconnected: {
      if (Status s = validate_subject(subject); !s) return s;
      auto size = static_cast<std::int64_t>(subject.size() + payload.size());
      if (from.buffered_bytes_ + size > behaviour_.reconnect_buffer_bytes) {
        ++account(kind).refused;
        return Status::resource_exhausted("insufficient buffer: reconnect buffer is full");
      }
      ++account(kind).published;
      trace_.record(kernel_.now(), from.node_, kind_publish_, digest_bytes(payload));
      if (timeline_ != nullptr) {
        note_message(0, kind, from.node_, subject, payload.size(), "buffered while disconnected");
      }
      from.buffer_.emplace_back(std::string(subject), std::string(payload));
      from.buffered_bytes_ += size;
      BACKBEAT_ASSERT(from.buffered_bytes_ <= behaviour_.reconnect_buffer_bytes,
                      "the reconnect buffer never holds more than its size");
      return Status::ok();
    }
    case SimConnection::State::kConnected:
      break;
  }
  // A connection publishes to a few subjects over and over: validate each change only.
  if (subject != from.valid_subject_) {
    if (Status s = validate_subject(subject); !s) return s;
    from.valid_subject_.assign(subject);
  }
  ++account(kind).published;
  trace_.record(kernel_.now(), from.node_, kind_publish_, digest_bytes(payload));
  if (timeline_ != nullptr) note_message(0, kind, from.node_, subject, payload.size(), {});
  std::uint32_t message = new_message(subject, payload, from.node_, kind);
  route(from, message);
  release_message(message);
  return Status::ok();
}

void SimNats::route(SimConnection& from, std::uint32_t message) {
  // Copy the matching ids first: subscribing from a handler must not disturb this fan-out.
  auto literal = literal_.find(messages_[message].subject);
  if (literal != literal_.end()) {
    for (std::size_t i = 0; i < literal->second.size(); ++i) {
      deliver_to(from, message, literal->second[i]);
    }
  }
  for (std::size_t i = 0; i < wildcard_.size(); ++i) {
    std::uint32_t sub = wildcard_[i];
    if (subject_matches(subscriptions_[sub].pattern, messages_[message].subject)) {
      deliver_to(from, message, sub);
    }
  }
}

bool SimNats::rule_applies(const MessageFaultRule& rule, const SimMessage& message,
                           NodeId subscriber) const {
  if (!rule.nodes.empty()) {
    auto hit = [&](NodeId n) { return n < rule.nodes.size() && rule.nodes[n]; };
    if (!hit(message.publisher) && !hit(subscriber)) return false;
  }
  return rule.pattern == ">" || subject_matches(rule.pattern, message.subject);
}

void SimNats::deliver_to(SimConnection& from, std::uint32_t message, std::uint32_t subscription) {
  Subscription& sub = subscriptions_[subscription];
  SimConnection& to = *sub.connection;
  SimMessage& m = messages_[message];
  if (to.state_ != SimConnection::State::kConnected) {
    drop(m.kind, "subscriber_disconnected", to.node_, m.id, m.subject);
    return;
  }
  const std::optional<RoutePath>& path = topology_.route(from.server_, to.server_);
  if (!path) {
    drop(m.kind, "partition", to.node_, m.id, m.subject);
    return;
  }
  double loss = path->loss;
  bool duplicate = false;
  Duration reorder{};
  for (const auto& [id, rule] : message_faults_) {
    if (!rule_applies(rule, m, to.node_)) continue;
    switch (rule.kind) {
      case FaultSpec::Kind::kMessageLoss:
        loss = 1.0 - (1.0 - loss) * (1.0 - rule.probability);
        break;
      case FaultSpec::Kind::kMessageDuplication:
        duplicate = duplicate || rng_.bernoulli(rule.probability);
        break;
      case FaultSpec::Kind::kMessageReorder:
        if (rng_.bernoulli(rule.probability))
          reorder += rng_.uniform_duration(Duration{}, rule.delay);
        break;
      default:
        break;
    }
  }
  if (loss > 0 && rng_.bernoulli(loss)) {
    drop(m.kind, "loss", to.node_, m.id, m.subject);
    return;
  }
  Duration jitter_bound = from.link_jitter_ + path->jitter + to.link_jitter_;
  Duration latency = from.link_latency_ + from.extra_latency_ + path->latency + to.link_latency_ +
                     to.extra_latency_;
  if (jitter_bound > Duration::zero()) latency += rng_.uniform_duration(Duration{}, jitter_bound);
  Time arrival = kernel_.now() + latency;
  if (reorder > Duration::zero()) {
    arrival += reorder;  // may overtake or be overtaken: no FIFO clamp
  } else {
    arrival = std::max(arrival, sub.last_arrival);  // one socket per subscriber: FIFO
    sub.last_arrival = arrival;
  }
  if (to.processing_ > Duration::zero()) {
    arrival = std::max(arrival, sub.busy_until) + to.processing_;
    sub.busy_until = arrival;
  }
  int copies = duplicate ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    if (sub.pending >= static_cast<std::uint32_t>(behaviour_.pending_limit)) {
      drop(m.kind, "slow_consumer", to.node_, m.id, m.subject);
      continue;
    }
    ++sub.pending;
    ++m.refs;
    std::uint32_t d;
    if (!free_deliveries_.empty()) {
      d = free_deliveries_.back();
      free_deliveries_.pop_back();
      deliveries_[d] = {message, subscription};
    } else {
      d = static_cast<std::uint32_t>(deliveries_.size());
      deliveries_.push_back({message, subscription});
    }
    ++scheduled_[static_cast<int>(m.kind)];
    kernel_.schedule_at(arrival + Duration(c), &SimNats::on_delivery, this, d);
  }
}

void SimNats::on_delivery(void* self_ptr, std::uint64_t delivery) {
  auto* self = static_cast<SimNats*>(self_ptr);
  Delivery d = self->deliveries_[delivery];
  self->free_deliveries_.push_back(static_cast<std::uint32_t>(delivery));
  Subscription& sub = self->subscriptions_[d.subscription];
  BACKBEAT_ASSERT(sub.pending > 0, "a scheduled delivery counts in its subscription's pending");
  --sub.pending;
  SimMessage& m = self->messages_[d.message];
  BACKBEAT_ASSERT(self->scheduled_[static_cast<int>(m.kind)] > 0,
                  "a scheduled delivery counts in scheduled_ (in_flight)");
  --self->scheduled_[static_cast<int>(m.kind)];
  if (!sub.live) {
    self->drop(m.kind, "unsubscribed", sub.node, m.id, m.subject);
  } else if (self->connected_[sub.connection_index] == 0) {
    self->drop(m.kind, "subscriber_disconnected", sub.node, m.id, m.subject);
  } else {
    ++self->account(m.kind).delivered;
    if (self->trace_deliveries_) {
      self->trace_.record(self->kernel_.now(), sub.node, self->kind_deliver_,
                          digest_combine(m.id, d.subscription));
    }
    if (self->timeline_ != nullptr) {
      self->note_message(1, m.kind, sub.node, m.subject, m.payload.size(), {});
    }
    // Copy the handler: it may unsubscribe (and so destroy) itself.
    Transport::MessageHandler handler = sub.handler;
    handler(Message{m.subject, m.payload});
  }
  self->release_message(d.message);
}

// ---------------------------------------------------------------------------------------------
// Link faults and reconnects

void SimNats::begin_outage(SimConnection& c) {
  if (c.state_ != SimConnection::State::kConnected) return;
  set_state(c, SimConnection::State::kDetecting);
  trace_.record(kernel_.now(), c.node_, kind_conn_, fnv1a64("link_down"));
  kernel_.schedule_after(behaviour_.detection_delay, [this, &c] { on_detected(c); });
}

void SimNats::end_outage_if_unnoticed(SimConnection& c) {
  if (c.link_down_count_ > 0 || topology_.server_down(c.server_)) return;
  if (c.state_ != SimConnection::State::kDetecting) return;
  // Back before the client noticed: nothing is announced; what was published meanwhile is lost.
  set_state(c, SimConnection::State::kConnected);
  trace_.record(kernel_.now(), c.node_, kind_conn_, fnv1a64("link_up_unnoticed"));
}

void SimNats::link_down(SimConnection& c) {
  if (c.state_ == SimConnection::State::kClosed) return;
  if (c.link_down_count_++ == 0) begin_outage(c);
}

void SimNats::link_up(SimConnection& c) {
  // link_down() leaves a closed connection's count alone, so only a closed one may be at zero.
  BACKBEAT_ASSERT(c.link_down_count_ > 0 || c.state_ == SimConnection::State::kClosed,
                  "a link comes up only after it went down");
  if (c.link_down_count_ > 0) --c.link_down_count_;
  end_outage_if_unnoticed(c);
}

void SimNats::on_detected(SimConnection& c) {
  if (c.state_ != SimConnection::State::kDetecting) return;
  set_state(c, SimConnection::State::kDisconnected);
  c.failed_attempts_ = 0;
  trace_.record(kernel_.now(), c.node_, kind_conn_, fnv1a64("disconnected"));
  if (timeline_ != nullptr) timeline_->on_node(c.node_, TimelineEvent::kDisconnect);
  c.reconnect_event_ =
      kernel_.schedule_after(behaviour_.reconnect_wait, [this, &c] { on_reconnect_attempt(c); });
  c.notify(ConnectionEvent::kDisconnected);
}

void SimNats::on_reconnect_attempt(SimConnection& c) {
  c.reconnect_event_ = kNoEvent;
  if (c.state_ != SimConnection::State::kDisconnected) return;
  bool reachable = c.link_down_count_ == 0 && !topology_.server_down(c.server_);
  if (c.link_down_count_ == 0 && !reachable) {
    // nats.c walks its server pool: fail over to the next live server.
    for (int step = 1; step < topology_.servers(); ++step) {
      int candidate = (c.server_ + step) % topology_.servers();
      if (!topology_.server_down(candidate)) {
        c.server_ = candidate;
        reachable = true;
        break;
      }
    }
  }
  if (!reachable) {
    ++c.failed_attempts_;
    if (behaviour_.max_reconnect_attempts >= 0 &&
        c.failed_attempts_ >= behaviour_.max_reconnect_attempts) {
      for (const auto& [subject, payload] : c.buffer_) {
        drop(message_kind_of(subject), "buffer_discarded", c.node_, 0, subject);
      }
      c.buffer_.clear();
      c.buffered_bytes_ = 0;
      set_state(c, SimConnection::State::kClosed);
      trace_.record(kernel_.now(), c.node_, kind_conn_, fnv1a64("closed"));
      if (timeline_ != nullptr) timeline_->on_node(c.node_, TimelineEvent::kConnectionClosed);
      c.notify(ConnectionEvent::kClosed);
      return;
    }
    c.reconnect_event_ =
        kernel_.schedule_after(behaviour_.reconnect_wait, [this, &c] { on_reconnect_attempt(c); });
    return;
  }
  // Subscriptions are live again before the buffered publishes go out, in order.
  set_state(c, SimConnection::State::kConnected);
  trace_.record(kernel_.now(), c.node_, kind_conn_, fnv1a64("reconnected"));
  if (timeline_ != nullptr) {
    timeline_->on_node(c.node_, TimelineEvent::kReconnect, {}, 0,
                       fmt::format("on nats-{}", c.server_));
  }
  std::deque<std::pair<std::string, std::string>> buffered;
  buffered.swap(c.buffer_);
  c.buffered_bytes_ = 0;
  for (const auto& [subject, payload] : buffered) {
    std::uint32_t message = new_message(subject, payload, c.node_, message_kind_of(subject));
    route(c, message);
    release_message(message);
  }
  c.notify(ConnectionEvent::kReconnected);
}

void SimNats::server_down(int server) {
  if (topology_.server_down(server)) return;
  topology_.set_server_down(server, true);
  for (auto& c : connections_) {
    if (c->server_ == server) begin_outage(*c);
  }
}

void SimNats::server_up(int server) {
  if (!topology_.server_down(server)) return;
  topology_.set_server_down(server, false);
  for (auto& c : connections_) {
    // Clients that failed over elsewhere stay there; the others may not even have noticed.
    if (c->server_ == server) end_outage_if_unnoticed(*c);
  }
}

std::uint64_t SimNats::add_message_fault(MessageFaultRule rule) {
  std::uint64_t id = next_fault_id_++;
  message_faults_.emplace(id, std::move(rule));
  return id;
}

void SimNats::remove_message_fault(std::uint64_t id) {
  message_faults_.erase(id);
}

std::uint64_t SimNats::in_flight(MessageKind kind) const {
  std::uint64_t n = scheduled_[static_cast<int>(kind)];
  for (const auto& c : connections_) {
    for (const auto& [subject, payload] : c->buffer_) n += message_kind_of(subject) == kind;
  }
  return n;
}

std::map<std::string, MessageAccounting> SimNats::accounting_by_name() const {
  std::map<std::string, MessageAccounting> out;
  for (int k = 0; k < 4; ++k) {
    const MessageAccounting& a = accounting_[k];
    if (a.published == 0 && a.refused == 0 && a.delivered == 0 && a.dropped.empty()) continue;
    out[message_kind_name(static_cast<MessageKind>(k))] = a;
  }
  return out;
}

}  // namespace backbeat::sim
