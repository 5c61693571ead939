// SimNats's overflow paths, the ones the simulator exists to model: a disconnected client buffers
// publishes up to reconnect_buffer_bytes, refuses the rest with kResourceExhausted, sends the
// buffer in order on reconnect, and discards it when it gives up; a subscriber with pending_limit
// deliveries in flight drops the next ones. No shipped scenario comes near the 8 MiB buffer or the
// 65,536 pending deliveries, so these set small limits.
#include "sim/world/sim_nats.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace backbeat::sim {
namespace {

constexpr std::string_view kSubject = "backbeat.status.c.a";  // 19 bytes

class SimNatsTest : public ::testing::Test {
 protected:
  void open(int max_reconnect_attempts, int pending_limit = 65536) {
    NatsBehaviour behaviour;
    behaviour.detection_delay = std::chrono::milliseconds(5);
    behaviour.reconnect_wait = std::chrono::seconds(1);
    behaviour.max_reconnect_attempts = max_reconnect_attempts;
    behaviour.reconnect_buffer_bytes = 100;
    behaviour.pending_limit = pending_limit;
    nats_ = std::make_unique<SimNats>(kernel_, trace_, topology_, behaviour, RandomStream(1),
                                      /*trace_deliveries=*/false);
    publisher_ = &nats_->connect(0, 0, std::chrono::milliseconds(1), Duration{});
    subscriber_ = &nats_->connect(1, 0, std::chrono::milliseconds(1), Duration{});
    ASSERT_TRUE(subscriber_
                    ->subscribe("backbeat.status.>",
                                [this](const Message& m) { received_.emplace_back(m.payload); })
                    .is_ok());
    publisher_->add_connection_listener([this](ConnectionEvent e) { events_.push_back(e); });
  }
  // Takes the publisher's link down and waits until its client noticed.
  void disconnect_publisher() {
    nats_->link_down(*publisher_);
    kernel_.run_for(std::chrono::milliseconds(10));
    ASSERT_EQ(publisher_->state(), SimConnection::State::kDisconnected);
  }
  Status publish(std::size_t payload_bytes, char fill) {
    return publisher_->publish(kSubject, std::string(payload_bytes, fill));
  }
  MessageAccounting claims() const { return nats_->accounting_by_name()["status_claim"]; }

  Kernel kernel_;
  TraceRecorder trace_;
  Topology topology_{1};
  std::unique_ptr<SimNats> nats_;
  SimConnection* publisher_ = nullptr;
  SimConnection* subscriber_ = nullptr;
  std::vector<std::string> received_;
  std::vector<ConnectionEvent> events_;
};

TEST_F(SimNatsTest, AFullReconnectBufferRefusesPublishesThenFlushesInOrder) {
  open(/*max_reconnect_attempts=*/-1);
  disconnect_publisher();
  EXPECT_TRUE(publish(21, 'a').is_ok());  // 40 bytes buffered
  EXPECT_TRUE(publish(21, 'b').is_ok());  // 80
  Status full = publish(21, 'c');         // 120 > 100
  EXPECT_EQ(full.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(full.message(), "insufficient buffer: reconnect buffer is full");
  EXPECT_TRUE(publish(1, 'd').is_ok());  // 100: exactly fits
  EXPECT_EQ(publish(0, 'e').code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(nats_->in_flight(MessageKind::kStatusClaim), 3u);

  nats_->link_up(*publisher_);
  kernel_.run_for(std::chrono::seconds(2));  // the next attempt reconnects and flushes
  EXPECT_EQ(publisher_->state(), SimConnection::State::kConnected);
  EXPECT_EQ(received_, (std::vector<std::string>{std::string(21, 'a'), std::string(21, 'b'),
                                                 std::string(1, 'd')}));
  EXPECT_EQ(claims().published, 3u);
  EXPECT_EQ(claims().refused, 2u);
  EXPECT_EQ(claims().delivered, 3u);
  EXPECT_TRUE(claims().dropped.empty());
  EXPECT_EQ(events_, (std::vector<ConnectionEvent>{ConnectionEvent::kDisconnected,
                                                   ConnectionEvent::kReconnected}));
  // The buffer was emptied by the flush: a new outage has the whole buffer again.
  disconnect_publisher();
  EXPECT_TRUE(publish(81, 'f').is_ok());  // 100
}

TEST_F(SimNatsTest, GivingUpDiscardsTheBufferAndCountsEveryMessage) {
  open(/*max_reconnect_attempts=*/2);
  disconnect_publisher();
  EXPECT_TRUE(publish(21, 'a').is_ok());
  EXPECT_TRUE(publish(21, 'b').is_ok());
  kernel_.run_for(std::chrono::seconds(3));  // two failed attempts: closed
  EXPECT_EQ(publisher_->state(), SimConnection::State::kClosed);
  EXPECT_EQ(events_, (std::vector<ConnectionEvent>{ConnectionEvent::kDisconnected,
                                                   ConnectionEvent::kClosed}));
  EXPECT_EQ(claims().published, 2u);
  EXPECT_EQ(claims().dropped["buffer_discarded"], 2u);
  EXPECT_EQ(nats_->in_flight(MessageKind::kStatusClaim), 0u);
  EXPECT_TRUE(received_.empty());
  nats_->link_up(*publisher_);
  kernel_.run_for(std::chrono::seconds(3));  // closed is final
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(publish(1, 'x').code(), StatusCode::kUnavailable);
  EXPECT_EQ(claims().refused, 1u);
}

TEST_F(SimNatsTest, ASlowConsumerDropsDeliveriesBeyondItsPendingLimit) {
  open(/*max_reconnect_attempts=*/-1, /*pending_limit=*/2);
  subscriber_->set_processing_time(std::chrono::seconds(1));  // one message a second
  for (char c : std::string("abcde")) ASSERT_TRUE(publish(1, c).is_ok());
  kernel_.run_for(std::chrono::seconds(10));
  EXPECT_EQ(received_, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(claims().delivered, 2u);
  EXPECT_EQ(claims().dropped["slow_consumer"], 3u);
  ASSERT_TRUE(publish(1, 'f').is_ok());  // caught up: delivered again
  kernel_.run_for(std::chrono::seconds(10));
  EXPECT_EQ(received_.back(), "f");
}

}  // namespace
}  // namespace backbeat::sim
