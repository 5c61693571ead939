// NatsTransport against a real nats-server (tests/live/nats_server.h starts one per test).
//
// These tests FAIL, never skip, when nats-server is missing: CI installs it, and a silently
// skipped live suite would hide a broken live mode. Only the TLS test skips, and only when
// `openssl` (used to make a throw-away CA) is missing.
#include "core/nats/nats_transport.h"

#include <gtest/gtest.h>
#include <nats/nats.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/live/live_fixture.h"
#include "tests/live/nats_server.h"
#include "tests/support/skip.h"

namespace backbeat::live {
namespace {

using namespace std::chrono_literals;
using testing::fast_options;
using testing::NatsServer;
using testing::NatsServerOptions;

std::unique_ptr<NatsTransport> connect_or_die(const NatsOptions& options, EventLoop& loop) {
  auto result = NatsTransport::connect(options, loop);
  if (!result) {
    ADD_FAILURE() << "connect failed: " << result.status().to_string();
    return nullptr;
  }
  return std::move(result).value();
}

struct Received {
  std::string subject;
  std::string payload;
  bool operator==(const Received&) const = default;
};

// ---------------------------------------------------------------------------------------------

TEST(NatsServerFixture, NatsServerIsInstalled) {
  ASSERT_TRUE(NatsServer::installed())
      << testing::kNatsServerPath
      << " not found: install nats-server (apt-get install nats-server) to run the live tests";
}

TEST(NatsTransport, PublishSubscribeRoundTripOnTheLoopThread) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  EXPECT_TRUE(transport->is_connected());
  EXPECT_EQ(transport->connected_url(), server.url());

  std::vector<Received> got;
  bool all_on_loop = true;
  auto sub = transport->subscribe("backbeat.beat.c1", [&](const Message& m) {
    all_on_loop = all_on_loop && loop.in_loop_thread();
    got.push_back({std::string(m.subject), std::string(m.payload)});
  });
  ASSERT_TRUE(sub) << sub.status().to_string();
  ASSERT_TRUE(transport->publish("backbeat.beat.c1", "one"));
  ASSERT_TRUE(transport->publish("backbeat.beat.c1", std::string("t\0wo", 4)));
  ASSERT_TRUE(transport->publish("backbeat.beat.c1", ""));
  ASSERT_TRUE(transport->publish("backbeat.beat.c2", "other cluster"));
  EXPECT_TRUE(transport->flush(2s));
  EXPECT_TRUE(loop.run_until([&] { return got.size() >= 3; }, 5s));
  loop.run_for(20ms);  // nothing else may arrive
  EXPECT_EQ(got, (std::vector<Received>{{"backbeat.beat.c1", "one"},
                                        {"backbeat.beat.c1", std::string("t\0wo", 4)},
                                        {"backbeat.beat.c1", ""}}));
  EXPECT_TRUE(all_on_loop);
}

TEST(NatsTransport, TwoConnectionsShareOneLoop) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto publisher = connect_or_die(fast_options(server), loop);
  auto subscriber = connect_or_die(fast_options(server), loop);
  ASSERT_TRUE(publisher && subscriber);
  int count = 0;
  ASSERT_TRUE(subscriber->subscribe("backbeat.status.c1.>", [&](const Message&) { ++count; }));
  ASSERT_TRUE(subscriber->flush(2s));  // the SUB reached the server before the other connection
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(publisher->publish("backbeat.status.c1.agent-" + std::to_string(i % 7), "claim"));
  }
  EXPECT_TRUE(loop.run_until([&] { return count == 100; }, 5s)) << count;
}

TEST(NatsTransport, WildcardSubscriptions) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  std::vector<std::string> star, tail;
  ASSERT_TRUE(transport->subscribe("backbeat.beat.*",
                                   [&](const Message& m) { star.emplace_back(m.subject); }));
  ASSERT_TRUE(transport->subscribe("backbeat.status.>",
                                   [&](const Message& m) { tail.emplace_back(m.subject); }));
  for (const char* subject : {"backbeat.beat.c1", "backbeat.beat.c1.extra", "backbeat.status.c1",
                              "backbeat.status.c1.a1", "backbeat.status", "backbeat.bar.c1"}) {
    ASSERT_TRUE(transport->publish(subject, "x")) << subject;
  }
  ASSERT_TRUE(transport->flush(2s));
  EXPECT_TRUE(loop.run_until([&] { return star.size() + tail.size() >= 3; }, 5s));
  loop.run_for(20ms);
  EXPECT_EQ(star, (std::vector<std::string>{"backbeat.beat.c1"}));
  EXPECT_EQ(tail, (std::vector<std::string>{"backbeat.status.c1", "backbeat.status.c1.a1"}));
}

TEST(NatsTransport, InvalidSubjectsAreRejected) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(transport->publish("backbeat.*", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->publish("", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->publish("a..b", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->subscribe("a.>.b", [](const Message&) {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(NatsTransport, UnsubscribeStopsDelivery) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  int a = 0, b = 0;
  auto sub_a = transport->subscribe("t.x", [&](const Message&) { ++a; });
  auto sub_b = transport->subscribe("t.x", [&](const Message&) { ++b; });
  ASSERT_TRUE(sub_a && sub_b);
  ASSERT_TRUE(transport->publish("t.x", "1"));
  ASSERT_TRUE(loop.run_until([&] { return a == 1 && b == 1; }, 5s));

  transport->unsubscribe(*sub_a);
  transport->unsubscribe(*sub_a);  // twice: ignored
  transport->unsubscribe(987654);  // unknown: ignored
  ASSERT_TRUE(transport->publish("t.x", "2"));
  ASSERT_TRUE(transport->flush(2s));
  ASSERT_TRUE(loop.run_until([&] { return b == 2; }, 5s));
  loop.run_for(30ms);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
}

TEST(NatsTransport, MessagesAlreadyQueuedForAnUnsubscribedIdAreDropped) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  int delivered = 0;
  Transport::SubscriptionId id = 0;
  auto sub = transport->subscribe("t.burst", [&](const Message&) {
    ++delivered;
    transport->unsubscribe(id);  // from inside its own handler, with more messages queued
  });
  ASSERT_TRUE(sub);
  id = *sub;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(transport->publish("t.burst", "x"));
  ASSERT_TRUE(transport->flush(2s));
  // Let nats.c queue the burst on the loop before the loop runs any of it.
  std::this_thread::sleep_for(100ms);
  EXPECT_GT(loop.pending_tasks(), 1u);
  loop.run_for(100ms);
  EXPECT_EQ(delivered, 1);
}

// nats.c 3.4 looks a message's subscription up and locks it after letting go of the connection:
// a subscription destroyed in between crashed the read loop (nats-io/nats.c#637; seen as a SEGV in
// natsConn_processMsg when live runs ended while the pulse still beat). The transport destroys
// an unsubscribed subscription only once a round trip or close() proves the read loop let go.
// Here: subscribe and unsubscribe a thousand times while another connection floods the
// subject, then flush (destroying what was retired) and close.
TEST(NatsTransport, UnsubscribingWhileMessagesPourInIsSafe) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  auto flood_transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  ASSERT_NE(flood_transport, nullptr);
  std::atomic<bool> stop{false};
  std::thread flood([&] {
    natsConnection* raw = flood_transport->native_connection();
    while (!stop.load()) {
      for (int i = 0; i < 200; ++i) natsConnection_PublishString(raw, "t.flood", "x");
      natsConnection_Flush(raw);
    }
  });
  int delivered = 0;
  for (int round = 0; round < 1000; ++round) {
    auto sub = transport->subscribe("t.flood", [&](const Message&) { ++delivered; });
    ASSERT_TRUE(sub) << sub.status().to_string();
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 5)));
    transport->unsubscribe(*sub);
    if (round % 50 == 49) {
      EXPECT_TRUE(transport->flush(2s));
    }
  }
  stop = true;
  flood.join();
  loop.run_for(50ms);
  transport->close();
  EXPECT_TRUE(transport->is_closed());
  std::cout << "[measured] " << delivered << " messages delivered across 1000 subscriptions\n";
}

TEST(NatsTransport, ServerKilledAndRestartedOnTheSamePort) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  std::vector<ConnectionEvent> events;
  transport->add_connection_listener([&](ConnectionEvent e) { events.push_back(e); });
  std::vector<std::string> got;
  ASSERT_TRUE(
      transport->subscribe("t.after", [&](const Message& m) { got.emplace_back(m.payload); }));
  ASSERT_TRUE(transport->flush(2s));

  const int port = server.port();
  const auto killed_at = std::chrono::steady_clock::now();
  server.kill();
  ASSERT_TRUE(loop.run_until([&] { return !events.empty(); }, 5s));
  const auto noticed = std::chrono::steady_clock::now() - killed_at;
  EXPECT_EQ(events.front(), ConnectionEvent::kDisconnected);
  EXPECT_FALSE(transport->is_connected());
  EXPECT_EQ(transport->disconnects(), 1u);
  // While disconnected, publishes go to the reconnect buffer and flush() reports the risk.
  EXPECT_TRUE(transport->publish("t.after", "buffered"));
  EXPECT_EQ(transport->flush(100ms).code(), StatusCode::kUnavailable);

  ASSERT_TRUE(server.restart()) << server.error();
  ASSERT_EQ(server.port(), port);
  const auto restarted_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(loop.run_until([&] { return events.size() >= 2; }, 5s));
  const auto reconnect_took = std::chrono::steady_clock::now() - restarted_at;
  EXPECT_EQ(events, (std::vector<ConnectionEvent>{ConnectionEvent::kDisconnected,
                                                  ConnectionEvent::kReconnected}));
  EXPECT_TRUE(transport->is_connected());
  EXPECT_EQ(transport->reconnects(), 1u);

  // The subscription was restored; the buffered message arrives first, then new ones.
  ASSERT_TRUE(transport->publish("t.after", "fresh"));
  ASSERT_TRUE(loop.run_until([&] { return got.size() >= 2; }, 5s));
  EXPECT_EQ(got, (std::vector<std::string>{"buffered", "fresh"}));
  std::cout << "[measured] disconnect noticed after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(noticed).count()
            << " ms; reconnected "
            << std::chrono::duration_cast<std::chrono::milliseconds>(reconnect_took).count()
            << " ms after restart (reconnect_wait 50 ms)\n";
}

TEST(NatsTransport, ReconnectBufferOverflowIsResourceExhausted) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  NatsOptions options = fast_options(server);
  options.reconnect_buffer_bytes = 4096;
  auto transport = connect_or_die(options, loop);
  ASSERT_NE(transport, nullptr);
  bool disconnected = false;
  transport->add_connection_listener(
      [&](ConnectionEvent e) { disconnected |= e == ConnectionEvent::kDisconnected; });
  server.kill();
  ASSERT_TRUE(loop.run_until([&] { return disconnected; }, 5s));
  const std::string payload(512, 'x');
  Status last;
  int accepted = 0;
  for (int i = 0; i < 100 && last.is_ok(); ++i) {
    last = transport->publish("t.buffer", payload);
    if (last) ++accepted;
  }
  EXPECT_EQ(last.code(), StatusCode::kResourceExhausted) << last.to_string();
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 10);
}

TEST(NatsTransport, ReconnectAttemptsExhaustedClosesTheTransport) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  NatsOptions options = fast_options(server);
  options.max_reconnect_attempts = 2;
  auto transport = connect_or_die(options, loop);
  ASSERT_NE(transport, nullptr);
  std::vector<ConnectionEvent> events;
  transport->add_connection_listener([&](ConnectionEvent e) { events.push_back(e); });
  server.kill();
  ASSERT_TRUE(loop.run_until(
      [&] { return !events.empty() && events.back() == ConnectionEvent::kClosed; }, 5s));
  EXPECT_EQ(events, (std::vector<ConnectionEvent>{ConnectionEvent::kDisconnected,
                                                  ConnectionEvent::kClosed}));
  EXPECT_TRUE(transport->is_closed());
  EXPECT_FALSE(transport->is_connected());
  EXPECT_EQ(transport->publish("t.x", "late").code(), StatusCode::kUnavailable);
  EXPECT_EQ(transport->subscribe("t.x", [](const Message&) {}).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(transport->flush(100ms).code(), StatusCode::kUnavailable);
}

// Every message is either delivered or counted as a slow-consumer drop (docs/decisions.md,
// invariant 4).
TEST(NatsTransport, SlowConsumerDropsAreCounted) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  NatsOptions sub_options = fast_options(server);
  sub_options.pending_messages_limit = 1;  // nats.c drops whatever its dispatcher has not taken
  auto subscriber = connect_or_die(sub_options, loop);
  auto publisher = connect_or_die(fast_options(server), loop);
  ASSERT_TRUE(subscriber && publisher);
  int delivered = 0;
  ASSERT_TRUE(subscriber->subscribe("t.flood", [&](const Message&) { ++delivered; }));
  ASSERT_TRUE(subscriber->flush(2s));
  constexpr int kMessages = 20000;
  for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(publisher->publish("t.flood", "0123456789"));
  ASSERT_TRUE(publisher->flush(5s));
  ASSERT_TRUE(subscriber->flush(5s));  // the server has sent everything to the subscriber
  EXPECT_TRUE(loop.run_until(
      [&] { return delivered + static_cast<int>(subscriber->slow_consumer_drops()) == kMessages; },
      10s))
      << "delivered " << delivered << ", dropped " << subscriber->slow_consumer_drops();
  if (subscriber->slow_consumer_drops() > 0) {
    EXPECT_GT(subscriber->slow_consumer_events(), 0u);
  }
  std::cout << "[measured] pending limit 1, " << kMessages << " messages: " << delivered
            << " delivered, " << subscriber->slow_consumer_drops() << " dropped in "
            << subscriber->slow_consumer_events() << " slow-consumer reports\n";
}

TEST(NatsTransport, ExplicitCloseReportsClosedAndRefusesPublishes) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto transport = connect_or_die(fast_options(server), loop);
  ASSERT_NE(transport, nullptr);
  std::vector<ConnectionEvent> events;
  const auto listener =
      transport->add_connection_listener([&](ConnectionEvent e) { events.push_back(e); });
  int removed_calls = 0;
  const auto removed =
      transport->add_connection_listener([&](ConnectionEvent) { ++removed_calls; });
  transport->remove_connection_listener(removed);
  (void)listener;
  transport->close();
  transport->close();  // idempotent
  EXPECT_EQ(transport->publish("t.x", "x").code(), StatusCode::kUnavailable);
  ASSERT_TRUE(loop.run_until(
      [&] { return !events.empty() && events.back() == ConnectionEvent::kClosed; }, 5s));
  EXPECT_EQ(removed_calls, 0);
}

TEST(NatsTransport, CloseSendsWhatWasAlreadyPublished) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  auto subscriber = connect_or_die(fast_options(server), loop);
  ASSERT_NE(subscriber, nullptr);
  int got = 0;
  ASSERT_TRUE(subscriber->subscribe("t.last", [&](const Message&) { ++got; }));
  ASSERT_TRUE(subscriber->flush(2s));
  {
    auto publisher = connect_or_die(fast_options(server), loop);
    ASSERT_NE(publisher, nullptr);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(publisher->publish("t.last", "bye"));
  }  // destroyed (closed) without an explicit flush
  EXPECT_TRUE(loop.run_until([&] { return got == 1000; }, 5s)) << got;
}

TEST(NatsTransport, DestroyingTheTransportDropsQueuedWork) {
  NatsServer server;
  ASSERT_SERVER(server);
  EventLoop loop;
  int delivered = 0;
  {
    auto transport = connect_or_die(fast_options(server), loop);
    ASSERT_NE(transport, nullptr);
    ASSERT_TRUE(transport->subscribe("t.q", [&](const Message&) { ++delivered; }));
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(transport->publish("t.q", "x"));
    ASSERT_TRUE(transport->flush(2s));
    std::this_thread::sleep_for(50ms);  // the messages are queued on the loop, not yet run
  }
  loop.run_for(50ms);  // the queued closures find the transport gone
  EXPECT_EQ(delivered, 0);
}

TEST(NatsTransport, UserPasswordAuthorization) {
  NatsServerOptions server_options;
  server_options.user = "agent";
  server_options.password = "s3cr3t-Pa55";
  NatsServer server(server_options);
  ASSERT_SERVER(server);
  EventLoop loop;

  NatsOptions good = fast_options(server);
  good.user = "agent";
  good.password = "s3cr3t-Pa55";
  auto ok = NatsTransport::connect(good, loop);
  ASSERT_TRUE(ok) << ok.status().to_string();

  NatsOptions bad = good;
  bad.password = "wrong-Pa55word";
  auto refused = NatsTransport::connect(bad, loop);
  ASSERT_FALSE(refused);
  const std::string message = refused.status().to_string();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition) << message;
  EXPECT_NE(message.find("authorization"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-Pa55word"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cr3t"), std::string::npos) << message;

  // Credentials embedded in the URL are redacted too.
  NatsOptions in_url = fast_options(server);
  in_url.servers = "nats://agent:wrong-Pa55word@127.0.0.1:" + std::to_string(server.port());
  auto refused_url = NatsTransport::connect(in_url, loop);
  ASSERT_FALSE(refused_url);
  EXPECT_EQ(refused_url.status().message().find("wrong-Pa55word"), std::string::npos)
      << refused_url.status().to_string();
}

TEST(NatsTransport, TokenAuthorization) {
  NatsServerOptions server_options;
  server_options.token = "tok-12345-abcdef";
  NatsServer server(server_options);
  ASSERT_SERVER(server);
  EventLoop loop;

  NatsOptions good = fast_options(server);
  good.token = "tok-12345-abcdef";
  auto ok = NatsTransport::connect(good, loop);
  ASSERT_TRUE(ok) << ok.status().to_string();

  NatsOptions bad = fast_options(server);
  bad.token = "tok-wrong-zzz";
  auto refused = NatsTransport::connect(bad, loop);
  ASSERT_FALSE(refused);
  const std::string message = refused.status().to_string();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition) << message;
  EXPECT_NE(message.find("authorization"), std::string::npos) << message;
  EXPECT_EQ(message.find("tok-wrong-zzz"), std::string::npos) << message;

  NatsOptions none = fast_options(server);
  auto anonymous = NatsTransport::connect(none, loop);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.status().code(), StatusCode::kFailedPrecondition);
}

TEST(NatsTransport, NoServerGivesAClearErrorQuickly) {
  int free_port = 0;
  {
    NatsServer server;  // learn a port the OS hands out, then free it
    ASSERT_SERVER(server);
    free_port = server.port();
  }
  EventLoop loop;
  NatsOptions options;
  options.servers = "nats://127.0.0.1:" + std::to_string(free_port);
  options.connect_timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto result = NatsTransport::connect(options, loop);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << result.status().to_string();
  EXPECT_NE(result.status().message().find("no NATS server reachable at nats://127.0.0.1:" +
                                           std::to_string(free_port)),
            std::string::npos)
      << result.status().to_string();
  EXPECT_LT(took, 2s);
  std::cout << "[measured] no-server error after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms: " << result.status().to_string() << "\n";
}

TEST(NatsTransport, UnreadableCredentialsFileIsNamed) {
  EventLoop loop;
  NatsOptions options;
  options.servers = "nats://127.0.0.1:1";  // never reached: the file is checked first
  options.credentials_file = "/nonexistent/backbeat/agent.creds";
  auto result = NatsTransport::connect(options, loop);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("credentials file '/nonexistent/backbeat/agent.creds'"),
            std::string::npos)
      << result.status().to_string();

  NatsOptions half_tls;
  half_tls.tls_cert_file = "/tmp/cert.pem";
  EXPECT_EQ(NatsTransport::connect(half_tls, loop).status().code(), StatusCode::kInvalidArgument);
}

TEST(NatsTransport, RedactUrls) {
  EXPECT_EQ(redact_nats_urls("nats://u:p@h:1,nats://h2:2,tls://tok@h3:3"),
            "nats://***@h:1,nats://h2:2,tls://***@h3:3");
  EXPECT_EQ(redact_nats_urls("127.0.0.1:4222"), "127.0.0.1:4222");
}

TEST(NatsTransport, TlsWithATestCa) {
  if (!testing::openssl_available()) BACKBEAT_SKIP("openssl not on PATH: cannot make a test CA");
  char pattern[] = "/tmp/backbeat-pki-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{dir};
  const std::string error = testing::generate_test_pki(dir);
  ASSERT_EQ(error, "");
  ASSERT_EQ(testing::generate_test_pki(dir, "other-"), "");  // an unrelated CA

  NatsServerOptions server_options;
  server_options.tls_cert_file = dir + "/server.pem";
  server_options.tls_key_file = dir + "/server-key.pem";
  NatsServer server(server_options);
  ASSERT_SERVER(server);
  EventLoop loop;

  NatsOptions good = fast_options(server);
  good.tls_ca_file = dir + "/ca.pem";
  auto ok = NatsTransport::connect(good, loop);
  ASSERT_TRUE(ok) << ok.status().to_string();
  int got = 0;
  ASSERT_TRUE((*ok)->subscribe("t.tls", [&](const Message& m) { got += m.payload == "sealed"; }));
  ASSERT_TRUE((*ok)->publish("t.tls", "sealed"));
  EXPECT_TRUE(loop.run_until([&] { return got == 1; }, 5s));

  NatsOptions wrong_ca = fast_options(server);
  wrong_ca.tls_ca_file = dir + "/other-ca.pem";
  auto refused = NatsTransport::connect(wrong_ca, loop);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("TLS handshake error"), std::string::npos)
      << refused.status().to_string();

  NatsOptions plain = fast_options(server);  // no TLS against a TLS-only server
  auto mismatch = NatsTransport::connect(plain, loop);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.status().code(), StatusCode::kFailedPrecondition)
      << mismatch.status().to_string();
  std::cout << "[measured] wrong CA: " << refused.status().to_string()
            << "\n[measured] plain vs TLS server: " << mismatch.status().to_string() << "\n";
}

// The whole live stack, in a child process, ends with every nats.c thread gone.
TEST(NatsLibraryGuardDeathTest, ProcessShutsDownCleanly) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Status closed;
        {
          NatsLibraryGuard guard;
          {
            NatsServer server;
            if (!server.ok()) {
              std::fprintf(stderr, "server: %s\n", server.error().c_str());
              std::_Exit(2);
            }
            EventLoop loop;
            auto transport = NatsTransport::connect(fast_options(server), loop);
            if (!transport) std::_Exit(3);
            int got = 0;
            (void)(*transport)->subscribe("t.bye", [&](const Message&) { ++got; });
            (void)(*transport)->publish("t.bye", "x");
            if (!loop.run_until([&] { return got == 1; }, 5s)) std::_Exit(4);
          }
          closed = guard.close();
        }
        std::fprintf(stderr, "nats library closed: %s\n", closed.to_string().c_str());
        std::_Exit(closed.is_ok() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "nats library closed: OK");
}

}  // namespace
}  // namespace backbeat::live
