// NatsUrl (core/nats_url.h): one parse of a NATS server list for the TLS decision, redaction,
// the loopback check and validation. Secrets in user info never reach a message.
#include "core/nats_url.h"

#include <gtest/gtest.h>

#include <string>

namespace backbeat {
namespace {

NatsUrl parse_single(const std::string& text) {
  Result<std::vector<NatsUrl>> urls = parse_nats_urls(text);
  EXPECT_TRUE(urls.is_ok()) << text << ": " << urls.status().to_string();
  if (!urls || urls->size() != 1) return {};
  return urls->front();
}

TEST(NatsUrl, SchemeIsCaseInsensitiveAndTlsInAnySpellingRequiresTls) {
  for (const std::string scheme : {"tls", "TLS", "Tls", "tLs", "wss", "WSS"}) {
    NatsUrl url = parse_single(scheme + "://user:pw@example.org:4443");
    EXPECT_TRUE(url.requires_tls()) << scheme;
    EXPECT_TRUE(url.normalized().starts_with(url.scheme + "://")) << url.normalized();
    EXPECT_EQ(url.scheme, scheme == "TLS" || scheme == "Tls" || scheme == "tLs" ? "tls"
                          : scheme == "WSS"                                     ? "wss"
                                                                                : scheme);
  }
  for (const std::string scheme : {"nats", "NATS", "Nats", "ws"}) {
    EXPECT_FALSE(parse_single(scheme + "://example.org").requires_tls()) << scheme;
  }
  EXPECT_FALSE(parse_single("example.org:4222").requires_tls());
  EXPECT_FALSE(parse_single("example.org:4222").explicit_scheme);
}

TEST(NatsUrl, PartsAndDefaults) {
  NatsUrl url = parse_single("NATS://alice:s3cret@Broker.example.org:4333/");
  EXPECT_EQ(url.scheme, "nats");
  EXPECT_EQ(url.user_info, "alice:s3cret");
  EXPECT_EQ(url.host, "Broker.example.org");
  EXPECT_EQ(url.port, 4333);
  EXPECT_EQ(url.normalized(), "nats://alice:s3cret@Broker.example.org:4333");
  EXPECT_EQ(url.redacted(), "nats://***@Broker.example.org:4333");
  EXPECT_EQ(parse_single("nats://h").port, 4222);
  NatsUrl v6 = parse_single("tls://[::1]:7422");
  EXPECT_EQ(v6.host, "[::1]");
  EXPECT_EQ(v6.port, 7422);
  EXPECT_TRUE(v6.is_loopback());
  EXPECT_TRUE(parse_single("nats://127.0.0.5:1").is_loopback());
  EXPECT_TRUE(parse_single("nats://LocalHost:1").is_loopback());
  EXPECT_FALSE(parse_single("nats://10.0.0.1:1").is_loopback());
  EXPECT_FALSE(parse_single("nats://127.example.org:1").is_loopback());
}

TEST(NatsUrl, ListsKeepEveryEntry) {
  Result<std::vector<NatsUrl>> urls = parse_nats_urls("nats://a:1,TLS://b:2,c:3");
  ASSERT_TRUE(urls.is_ok());
  ASSERT_EQ(urls->size(), 3u);
  EXPECT_EQ((*urls)[1].scheme, "tls");
  EXPECT_EQ((*urls)[2].host, "c");
}

TEST(NatsUrl, MalformedUrlsAreRefusedWithoutEchoingSecrets) {
  const std::string secret = "Pa55word";
  for (const std::string bad : {"", "http://h:1", "nats://", "nats://h:0", "nats://h:65536",
                                "nats://h:12ab", "nats://h:", "nats://h x:1", "nats://h/path",
                                "nats://[zz]:1", "nats://h:1,", "nats:/h:1", "://h"}) {
    Result<std::vector<NatsUrl>> urls = parse_nats_urls(bad);
    EXPECT_FALSE(urls.is_ok()) << "accepted: " << bad;
    if (!urls) {
      EXPECT_EQ(urls.status().code(), StatusCode::kInvalidArgument);
    }
  }
  // The same mistakes with a password in the URL: the password never appears in the message.
  for (const std::string& bad : std::vector<std::string>{
           "nats://u:" + secret + "@h:0", "ftp://u:" + secret + "@h", "nats://u:" + secret + "@",
           "nats://u:Pa5,5word@h:1", "nats://u:" + secret + "@h:1/x"}) {
    Result<std::vector<NatsUrl>> urls = parse_nats_urls(bad);
    ASSERT_FALSE(urls.is_ok()) << bad;
    const std::string& message = urls.status().message();
    EXPECT_EQ(message.find("Pa5"), std::string::npos) << message;
    EXPECT_EQ(message.find("5word"), std::string::npos) << message;
    EXPECT_NE(message.find("***"), std::string::npos) << "the list is shown redacted: " << message;
  }
}

TEST(NatsUrl, RedactionSurvivesReservedCharactersInThePassword) {
  EXPECT_EQ(redact_nats_urls("nats://u:p@h:1,nats://h2:2,tls://tok@h3:3"),
            "nats://***@h:1,nats://h2:2,tls://***@h3:3");
  EXPECT_EQ(redact_nats_urls("nats://u:pa,ss@h:1"), "nats://***@h:1");
  EXPECT_EQ(redact_nats_urls("nats://u:p@ss@h:1"), "nats://***@h:1");
  EXPECT_EQ(redact_nats_urls("nats://u:p:/x@h:1,TLS://v:w,x@h2"), "nats://***@h:1,TLS://***@h2");
  EXPECT_EQ(redact_nats_urls("u:p@h:1"), "***@h:1");
  EXPECT_EQ(redact_nats_urls("127.0.0.1:4222"), "127.0.0.1:4222");
}

}  // namespace
}  // namespace backbeat
