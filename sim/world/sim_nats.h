// SimNats: the simulated NATS servers and client connections; SimConnection is the core's
// Transport in the simulator.
//
// Delivery: a publish fans out to every matching subscription; each delivery arrives after
// link(publisher) + route(servers) + link(subscriber) + jitter (see Topology), in FIFO order per
// subscription unless a reorder fault is active. One payload is shared by all deliveries.
//
// Disconnects mimic nats.c as measured for live mode (NatsBehaviour):
// - when a link drops, the client notices only after `detection_delay`; publishes meanwhile are
//   accepted and lost silently (counted as dropped "detection_window");
// - then kDisconnected; publishes go to a reconnect buffer of `reconnect_buffer_bytes` and fail
//   with kResourceExhausted ("insufficient buffer") once it is full;
// - every `reconnect_wait` the client tries again; on success its subscriptions are live again
//   first, then the buffered publishes are sent in order, then kReconnected is announced;
// - after `max_reconnect_attempts` failed attempts the connection closes (kClosed) and the
//   buffered messages are discarded ("buffer_discarded");
// - a server that is down takes its clients with it; they fail over to the next live server.
// Slow consumers: a subscription with `pending_limit` deliveries in flight drops the next ones
// ("slow_consumer"), as NATS does.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/transport.h"
#include "sim/kernel/kernel.h"
#include "sim/kernel/random.h"
#include "sim/kernel/trace.h"
#include "sim/world/outcome.h"
#include "sim/world/topology.h"
#include "sim/world/world_config.h"

namespace backbeat::sim {

class SimNats;
class Timeline;

// Message kinds for accounting, from the subject's second token (docs/contracts.md, "Decision
// (subjects)").
enum class MessageKind : std::uint8_t { kBeatFrame, kStatusClaim, kBarReport, kOther };
const char* message_kind_name(MessageKind kind);  // "beat_frame", "status_claim", ...
MessageKind message_kind_of(std::string_view subject);

class SimConnection final : public Transport {
 public:
  enum class State { kConnected, kDetecting, kDisconnected, kClosed };

  Status publish(std::string_view subject, std::string_view payload) override;
  Result<SubscriptionId> subscribe(std::string_view pattern, MessageHandler handler) override;
  void unsubscribe(SubscriptionId id) override;
  ListenerId add_connection_listener(ConnectionListener listener) override;
  void remove_connection_listener(ListenerId id) override;
  bool is_connected() const override { return state_ == State::kConnected; }

  State state() const { return state_; }
  NodeId node() const { return node_; }
  int server() const { return server_; }

  // Slow-peer knobs, set by faults.
  void set_extra_latency(Duration d) { extra_latency_ = d; }
  void set_processing_time(Duration d) { processing_ = d; }

 private:
  friend class SimNats;
  SimConnection(SimNats& nats, NodeId node, int server, Duration latency, Duration jitter)
      : nats_(nats), node_(node), server_(server), link_latency_(latency), link_jitter_(jitter) {}
  void notify(ConnectionEvent event);

  SimNats& nats_;
  NodeId node_;
  std::uint32_t index_ = 0;  // in SimNats::connections_
  int server_;
  Duration link_latency_;
  Duration link_jitter_;
  Duration extra_latency_{};
  Duration processing_{};
  State state_ = State::kConnected;
  int link_down_count_ = 0;  // overlapping faults holding the link down
  int failed_attempts_ = 0;
  EventId reconnect_event_ = kNoEvent;
  std::deque<std::pair<std::string, std::string>> buffer_;  // (subject, payload)
  std::int64_t buffered_bytes_ = 0;
  std::vector<SubscriptionId> subscriptions_;
  std::string valid_subject_;  // the last subject published and found valid
  ListenerId next_listener_ = 1;
  std::map<ListenerId, ConnectionListener> listeners_;
};

// An active message fault (loss, duplication or reordering).
struct MessageFaultRule {
  FaultSpec::Kind kind;
  std::string pattern;
  double probability = 0.0;
  Duration delay{};
  std::vector<bool> nodes;  // affected publisher or subscriber nodes; empty = every node
};

class SimNats {
 public:
  SimNats(Kernel& kernel, TraceRecorder& trace, Topology& topology, NatsBehaviour behaviour,
          RandomStream rng, bool trace_deliveries);
  ~SimNats();

  // Opens a connection for `node` on `server` (owned by SimNats, stable address).
  SimConnection& connect(NodeId node, int server, Duration latency, Duration jitter);
  // The owner died: subscriptions vanish, buffered messages are lost, no event is announced.
  void drop_connection(SimConnection& connection);

  // Link faults: the connection's link goes down / comes back (nested faults count).
  void link_down(SimConnection& connection);
  void link_up(SimConnection& connection);
  // Takes every client of `server` down with it; routes through it are cut.
  void server_down(int server);
  void server_up(int server);

  // Message faults; ids are returned so the fault's end can remove exactly its rule.
  std::uint64_t add_message_fault(MessageFaultRule rule);
  void remove_message_fault(std::uint64_t id);

  std::map<std::string, MessageAccounting> accounting_by_name() const;
  // Messages of `kind` scheduled for delivery but not yet delivered, plus those waiting in
  // reconnect buffers: what the end of a run catches in flight.
  std::uint64_t in_flight(MessageKind kind) const;
  const NatsBehaviour& behaviour() const { return behaviour_; }
  // Frames and claims, connection losses and reconnects go to `timeline` too (null: nowhere).
  void set_timeline(Timeline* timeline) { timeline_ = timeline; }

 private:
  friend class SimConnection;
  friend struct InvariantTestAccess;  // tests/world/invariant_test.cc: breaks invariants on purpose
  struct Subscription {
    SimConnection* connection = nullptr;
    // Copies of the connection's node and index, so a delivery reads neither from the
    // (cold, one allocation per connection) SimConnection.
    NodeId node = kNoNode;
    std::uint32_t connection_index = 0;
    std::string pattern;
    Transport::MessageHandler handler;
    bool live = false;
    std::uint32_t pending = 0;
    Time last_arrival{};
    Time busy_until{};
  };
  struct SimMessage {
    std::string subject;
    std::string payload;
    std::uint64_t id = 0;
    MessageKind kind = MessageKind::kOther;
    NodeId publisher = kNoNode;
    std::uint32_t refs = 0;
  };
  struct Delivery {
    std::uint32_t message;
    std::uint32_t subscription;
  };

  Status publish(SimConnection& from, std::string_view subject, std::string_view payload);
  void route(SimConnection& from, std::uint32_t message);
  void deliver_to(SimConnection& from, std::uint32_t message, std::uint32_t subscription);
  static void on_delivery(void* self, std::uint64_t delivery);
  // Every state change goes through here, to keep connected_ in step.
  void set_state(SimConnection& connection, SimConnection::State state);
  void drop(MessageKind kind, const char* reason, NodeId node, std::uint64_t message_id,
            std::string_view subject);
  // A frame's or a claim's step (0 published, 1 delivered, 2 dropped) on the timeline.
  void note_message(int step, MessageKind kind, NodeId node, std::string_view subject,
                    std::size_t size, std::string_view detail);
  std::uint32_t new_message(std::string_view subject, std::string_view payload, NodeId publisher,
                            MessageKind kind);
  void release_message(std::uint32_t message);
  void begin_outage(SimConnection& connection);
  void end_outage_if_unnoticed(SimConnection& connection);
  void on_detected(SimConnection& connection);
  void on_reconnect_attempt(SimConnection& connection);
  bool rule_applies(const MessageFaultRule& rule, const SimMessage& message,
                    NodeId subscriber) const;
  MessageAccounting& account(MessageKind kind) { return accounting_[static_cast<int>(kind)]; }

  Kernel& kernel_;
  TraceRecorder& trace_;
  Topology& topology_;
  NatsBehaviour behaviour_;
  RandomStream rng_;
  bool trace_deliveries_;
  KindId kind_publish_, kind_deliver_, kind_drop_, kind_conn_;
  Timeline* timeline_ = nullptr;

  std::vector<std::unique_ptr<SimConnection>> connections_;
  // Per connection (by index): 1 while kConnected. Dense, so the check on every delivery stays
  // in cache when thousands of connections do not.
  std::vector<std::uint8_t> connected_;
  std::vector<Subscription> subscriptions_;  // id = index + 1
  // Lookup only (never iterated): literal subject -> subscriptions, in subscription order.
  std::unordered_map<std::string, std::vector<std::uint32_t>> literal_;
  std::vector<std::uint32_t> wildcard_;  // subscriptions with * or >, in subscription order

  std::vector<SimMessage> messages_;
  std::vector<std::uint32_t> free_messages_;
  std::vector<Delivery> deliveries_;
  std::vector<std::uint32_t> free_deliveries_;
  std::uint64_t next_message_id_ = 1;

  std::map<std::uint64_t, MessageFaultRule> message_faults_;
  std::uint64_t next_fault_id_ = 1;
  MessageAccounting accounting_[4];
  std::uint64_t scheduled_[4] = {0, 0, 0, 0};  // deliveries scheduled and not yet run
};

}  // namespace backbeat::sim
