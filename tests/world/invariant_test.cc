// The invariants asserted with BACKBEAT_ASSERT fire in this build (the suite runs Release, where
// NDEBUG is defined and assert() is gone): each death test breaks one invariant, through the
// public API where a caller can, else through InvariantTestAccess, and expects the abort with the
// invariant's own message.
#ifndef NDEBUG
#define NDEBUG  // prove the macro does not depend on it, whatever the build type
#endif

#include "core/invariant.h"

#include <gtest/gtest.h>

#include "core/status.h"
#include "sim/kernel/kernel.h"
#include "sim/kernel/trace.h"
#include "sim/world/pulse.h"
#include "sim/world/sim_nats.h"
#include "sim/world/topology.h"

namespace backbeat::sim {

// Reaches into the kernel and SimNats to break what their own code never breaks.
struct InvariantTestAccess {
  static void move_clock_to(Kernel& k, Time t) { k.now_ = t.time_since_epoch().count(); }
  static std::uint32_t new_message(SimNats& n) {
    return n.new_message("chorus.other.x", "{}", kNoNode, MessageKind::kOther);
  }
  static void release_message(SimNats& n, std::uint32_t m) { n.release_message(m); }
  static void forget_pending(SimNats& n) {
    for (auto& sub : n.subscriptions_) sub.pending = 0;
  }
  static void forget_scheduled(SimNats& n) {
    for (auto& s : n.scheduled_) s = 0;
  }
  static void reopen(SimNats& n, SimConnection& c) {
    n.set_state(c, SimConnection::State::kConnected);
  }
};

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(InvariantDeathTest, FiresWithNdebugDefinedAndNamesFileLineExpressionAndWhy) {
  EXPECT_DEATH(BACKBEAT_ASSERT(1 + 1 == 3, "arithmetic holds"),
               "invariant_test\\.cc:[0-9]+: invariant failed: 1 \\+ 1 == 3 \\(arithmetic holds\\)");
}

TEST(InvariantDeathTest, HoldingInvariantDoesNothing) {
  int evaluated = 0;
  BACKBEAT_ASSERT(++evaluated == 1, "the condition is evaluated once");
  EXPECT_EQ(evaluated, 1);
}

TEST(InvariantDeathTest, ResultBuiltFromOkStatusAborts) {
  EXPECT_DEATH((void)Result<int>(Status::ok()), "a Result built from a Status is an error");
}

TEST(InvariantDeathTest, ReadingTheValueOfAnErrorAborts) {
  Result<int> r = Status::not_found("no such thing");
  EXPECT_DEATH((void)r.value(), "the value of an error is never read");  // (void): dies first
}

// A world of parts: a kernel, a trace, one NATS server and the pulse, unstarted.
struct Parts {
  Kernel kernel;
  TraceRecorder trace;
  Topology topology{2};
  SimNats nats{kernel, trace, topology, NatsBehaviour{}, RandomStream(1), true};
  Pulse pulse{
      kernel,
      trace,
      PulseConfig{},
      "chorus",
      {PulseNodeHandle{kNoNode, nullptr, nullptr}, PulseNodeHandle{kNoNode, nullptr, nullptr}},
      RandomStream(2)};
};

TEST(InvariantDeathTest, PulseOutageEndedMoreOftenThanBegunAborts) {
  Parts p;
  p.pulse.begin_outage();
  p.pulse.end_outage();
  EXPECT_DEATH(p.pulse.end_outage(), "the outage count never goes below zero");
}

TEST(InvariantDeathTest, RecoveringAPulseNodeThatDoesNotExistAborts) {
  Parts p;
  p.pulse.recover_node(1, Duration{});   // the second of two (alive already): fine
  p.pulse.recover_node(-1, Duration{});  // a failover that found no leader: nothing to do
  EXPECT_DEATH(p.pulse.recover_node(2, Duration{}), "a recovering pulse node exists");
}

TEST(InvariantDeathTest, TopologyServerOutOfRangeAborts) {
  Parts p;
  EXPECT_DEATH(p.topology.set_server_down(2, true), "the server exists");
  EXPECT_DEATH(p.topology.add_route(0, 5, milliseconds(1), {}, 0.0), "a route joins two servers");
}

TEST(InvariantDeathTest, KernelClockAheadOfAQueuedEventAborts) {
  Kernel k;
  bool ran = false;
  k.schedule_after(seconds(1), [&] { ran = true; });
  InvariantTestAccess::move_clock_to(k, k.now() + seconds(2));
  EXPECT_DEATH(k.step(), "virtual time never goes backwards");
  EXPECT_FALSE(ran);
}

TEST(InvariantDeathTest, SimNatsMessageReleasedTwiceAborts) {
  Parts p;
  std::uint32_t m = InvariantTestAccess::new_message(p.nats);
  InvariantTestAccess::release_message(p.nats, m);
  EXPECT_DEATH(InvariantTestAccess::release_message(p.nats, m),
               "a message is released once per reference");
}

// A publisher and a subscriber with one delivery in flight.
SimConnection& one_delivery_in_flight(Parts& p) {
  SimConnection& pub = p.nats.connect(1, 0, milliseconds(1), {});
  SimConnection& sub = p.nats.connect(2, 0, milliseconds(1), {});
  EXPECT_TRUE(sub.subscribe("chorus.>", [](const Message&) {}).is_ok());
  EXPECT_TRUE(pub.publish("chorus.other.x", "{}").is_ok());
  EXPECT_EQ(p.nats.in_flight(MessageKind::kOther), 1u);
  return sub;
}

TEST(InvariantDeathTest, SimNatsDeliveryMissingFromPendingAborts) {
  Parts p;
  one_delivery_in_flight(p);
  InvariantTestAccess::forget_pending(p.nats);
  EXPECT_DEATH(p.kernel.run(), "a scheduled delivery counts in its subscription's pending");
}

TEST(InvariantDeathTest, SimNatsDeliveryMissingFromInFlightAborts) {
  Parts p;
  one_delivery_in_flight(p);
  InvariantTestAccess::forget_scheduled(p.nats);
  EXPECT_DEATH(p.kernel.run(), "a scheduled delivery counts in scheduled_");
}

TEST(InvariantDeathTest, SimNatsLinkUpWithoutLinkDownAborts) {
  Parts p;
  SimConnection& c = p.nats.connect(1, 0, milliseconds(1), {});
  p.nats.link_down(c);
  p.nats.link_up(c);
  EXPECT_DEATH(p.nats.link_up(c), "a link comes up only after it went down");
}

TEST(InvariantDeathTest, SimNatsClosedConnectionReopenedAborts) {
  Parts p;
  SimConnection& c = p.nats.connect(1, 0, milliseconds(1), {});
  p.nats.drop_connection(c);
  p.nats.link_up(c);  // a closed connection may see the end of a fault it outlived
  EXPECT_DEATH(InvariantTestAccess::reopen(p.nats, c), "a closed connection stays closed");
}

}  // namespace
}  // namespace backbeat::sim
