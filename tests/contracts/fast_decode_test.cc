// Differential tests: decode_beat_frame, decode_status_claim and decode_bar_report (the
// scanner fast path with its fallback, core/contracts/decode_paths.h) against the reference DOM
// decoders. Every input must give the same answer: both OK with equal structs (free-form JSON
// equal including number types, doubles equal bit for bit), or both errors with the same code
// and the same message. Inputs: the contract vectors, the mutation generator, and generated
// messages with random field order, whitespace, escapes, numbers, duplicate keys, unknown keys,
// nesting, truncation and trailing bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/contracts/decode_paths.h"
#include "core/contracts/json_writer.h"
#include "core/contracts/utf8.h"
#include "tests/contracts/mutate.h"
#include "tests/contracts/test_data.h"
#include "tests/support/same_value.h"

namespace backbeat {
namespace {

using testing::load_contract_data;
using namespace std::string_literals;

// ---------------------------------------------------------------------------------------------
// Comparison.

using testing::same_result;
using testing::show;

enum class Kind { kFrame, kClaim, kReport };
constexpr Kind kAllKinds[] = {Kind::kFrame, Kind::kClaim, Kind::kReport};

// How many inputs each path answered, for the coverage checks and the summary line.
struct Tally {
  int inputs = 0;
  int fast = 0;  // answered by the fast path (no fallback)
  int fast_ok = 0;
  int ok = 0;
};

template <typename T>
void check_one(std::string_view text, Result<T> (*decode)(std::string_view),
               Result<T> (*reference)(std::string_view),
               std::optional<Result<T>> (*fast)(std::string_view), Tally* tally) {
  const Result<T> expected = reference(text);
  const Result<T> actual = decode(text);
  const std::optional<Result<T>> fast_only = fast(text);
  ++tally->inputs;
  if (expected.is_ok()) ++tally->ok;
  if (fast_only) {
    ++tally->fast;
    if (fast_only->is_ok()) ++tally->fast_ok;
    ASSERT_TRUE(same_result(*fast_only, expected))
        << "fast path: " << show(*fast_only) << "\nreference: " << show(expected) << "\ninput ("
        << text.size() << " bytes): " << text;
  }
  ASSERT_TRUE(same_result(actual, expected))
      << "decode: " << show(actual) << "\nreference: " << show(expected) << "\ninput ("
      << text.size() << " bytes): " << text;
}

void check(Kind kind, std::string_view text, Tally* tally) {
  switch (kind) {
    case Kind::kFrame:
      check_one<BeatFrame>(text, decode_beat_frame, reference::decode_beat_frame,
                           fast_path::decode_beat_frame, tally);
      break;
    case Kind::kClaim:
      check_one<StatusClaim>(text, decode_status_claim, reference::decode_status_claim,
                             fast_path::decode_status_claim, tally);
      break;
    case Kind::kReport:
      check_one<BarReport>(text, decode_bar_report, reference::decode_bar_report,
                           fast_path::decode_bar_report, tally);
      break;
  }
}

void check_all_kinds(std::string_view text, Tally* tally) {
  for (Kind kind : kAllKinds) check(kind, text, tally);
}

void report(const char* what, const Tally& t) {
  std::cout << "[differential] " << what << ": " << t.inputs << " decodes, " << t.ok
            << " accepted by the reference, " << t.fast << " answered by the fast path ("
            << t.fast_ok << " accepted)\n";
}

// ---------------------------------------------------------------------------------------------
// The contract vectors.

std::vector<std::string> vector_texts() {
  std::vector<std::string> texts;
  const nlohmann::json examples = load_contract_data("examples.json");
  for (const auto& [kind, sets] : examples.items()) {
    for (const char* validity : {"valid", "invalid"}) {
      if (!sets.contains(validity)) continue;
      for (const auto& entry : sets[validity]) {
        texts.push_back(entry["message"].dump());
        texts.push_back(entry["message"].dump(2));
      }
    }
  }
  const nlohmann::json extra = load_contract_data("extra-cases.json");
  for (const auto& [kind, sets] : extra.items()) {
    if (kind == "about") continue;
    for (const char* validity : {"valid", "invalid"}) {
      for (const auto& entry : sets[validity]) {
        if (entry.contains("text")) {
          texts.push_back(entry["text"]);
          continue;
        }
        nlohmann::json message = sets["base"];
        const nlohmann::json set = entry.value("set", nlohmann::json::object());
        const nlohmann::json remove = entry.value("remove", nlohmann::json::array());
        for (const auto& [key, value] : set.items()) message[key] = value;
        for (const auto& key : remove) message.erase(key.get<std::string>());
        texts.push_back(message.dump());
      }
    }
  }
  return texts;
}

TEST(FastDecode, ContractVectorsMatchReference) {
  const std::vector<std::string> texts = vector_texts();
  ASSERT_GT(texts.size(), 100u);
  Tally tally;
  for (const std::string& text : texts) {
    check_all_kinds(text, &tally);
    if (HasFatalFailure()) return;
  }
  report("contract vectors x 3 kinds", tally);
  EXPECT_GT(tally.ok, 50);
  EXPECT_GT(tally.fast_ok, 50);
}

// ---------------------------------------------------------------------------------------------
// Typical messages: these must take the fast path (otherwise there is no speedup to speak of).

constexpr std::string_view kFrame =
    R"({"type":"backbeat.beatframe.v1","cluster_id":"chorus-dev","beat_index":42,)"
    R"("downbeat":false,"phase":"execute","hlc":"01a2:0003:9f1c",)"
    R"("deadline_at":"2026-11-27T10:21:10.5Z","tempo_bpm":2.0,)"
    R"("window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071"})";

constexpr std::string_view kFrameWithMetadata =
    R"({"type":"backbeat.beatframe.v1","cluster_id":"chorus-dev","beat_index":1000000,)"
    R"("downbeat":true,"phase":"plan","hlc":"01a2:0003:9f1c",)"
    R"("deadline_at":"2026-11-27T10:21:10Z","tempo_bpm":120,)"
    R"("window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071","metadata":{"pulse_version":"0.3.1",)"
    R"("cluster_health":"healthy","expected_agents":150,"synthetic":true,"x":[1,-2,3.5,null]}})";

constexpr std::string_view kClaim =
    R"({"type":"backbeat.statusclaim.v1","agent_id":"chorus:agent-42",)"
    R"("task_id":"election-leader-2025","beat_index":12345,"state":"executing",)"
    R"("beats_left":3,"progress":0.4,)"
    R"j("notes":"P2P dht_store: executing (peers: 5, node: 12D3KooWAbc)",)j"
    R"("hlc":"01a2:0004:1b2c","metadata":{"seq":17}})";

constexpr std::string_view kFullClaim =
    R"({"type":"backbeat.statusclaim.v1","agent_id":"chorus:agent-42","task_id":"t-1",)"
    R"("beat_index":7,"state":"helping","beats_left":1000,"progress":1,)"
    R"("notes":"caf\u00e9 \"quoted\" \\ \/ \b\f\n\r\t \ud83c\udfb5 \u0000 ü 🎵",)"
    R"("hlc":"FFFF:0000:abcd","resources":{"cpu_percent":85.5,"memory_mb":2048,"gpu":{"n":-1}},)"
    R"("dependencies":["chorus:agent-7","chorus:agent-8"],"metadata":{"seq":18446744073709551615,)"
    R"("neg":-9223372036854775808,"big":18446744073709551616,"f":-0.0,"e":1E+2}})";

constexpr std::string_view kReport =
    R"({"type":"backbeat.barreport.v1","window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071",)"
    R"("from_beat":40,"to_beat":43,"agents_reporting":100,"on_time_reviews":97,)"
    R"("help_promises_fulfilled":3,"secret_rotations_ok":true,"tempo_drift_ms":-12.5,)"
    R"("issues":[{"severity":"warning","category":"late","count":3,"extra":[]}]})";

TEST(FastDecode, TypicalMessagesTakeTheFastPath) {
  for (std::string_view text : {kFrame, kFrameWithMetadata}) {
    const auto fast = fast_path::decode_beat_frame(text);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_TRUE(fast->is_ok()) << fast->status().message();
    EXPECT_TRUE(same_result(*fast, reference::decode_beat_frame(text)));
  }
  for (std::string_view text : {kClaim, kFullClaim}) {
    const auto fast = fast_path::decode_status_claim(text);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_TRUE(fast->is_ok()) << fast->status().message();
    EXPECT_TRUE(same_result(*fast, reference::decode_status_claim(text)));
  }
  const auto fast = fast_path::decode_bar_report(kReport);
  ASSERT_TRUE(fast.has_value());
  ASSERT_TRUE(fast->is_ok()) << fast->status().message();
  EXPECT_TRUE(same_result(*fast, reference::decode_bar_report(kReport)));

  // Encoder output (what the simulator sends) takes the fast path too.
  StatusClaim claim = *decode_status_claim(kFullClaim);
  EXPECT_TRUE(fast_path::decode_status_claim(encode_status_claim(claim)).has_value());
  EXPECT_TRUE(fast_path::decode_beat_frame(encode_beat_frame(*decode_beat_frame(kFrame))));
}

// ---------------------------------------------------------------------------------------------
// The mutation generator of the existing tests: 20,000 inputs per base message.

TEST(FastDecode, MutatedMessagesMatchReference) {
  StatusClaim full = *decode_status_claim(kClaim);
  full.resources = nlohmann::json{{"cpu_percent", 85.0}};
  full.dependencies = std::vector<std::string>{"chorus:agent-7"};
  const std::string encoded_claim = encode_status_claim(full);
  const std::pair<Kind, std::string_view> bases[] = {
      {Kind::kFrame, kFrame},     {Kind::kFrame, kFrameWithMetadata}, {Kind::kClaim, kClaim},
      {Kind::kClaim, kFullClaim}, {Kind::kClaim, encoded_claim},      {Kind::kReport, kReport},
  };
  Tally tally;
  std::uint32_t seed = 20261127;
  for (const auto& [kind, base] : bases) {
    std::mt19937 random(seed++);
    for (int i = 0; i < 20'000; ++i) {
      const std::string text = testing::mutate(base, random);
      check(kind, text, &tally);
      if (HasFatalFailure()) return;
    }
  }
  report("mutations", tally);
  EXPECT_GT(tally.ok, 1000);
  EXPECT_GT(tally.fast, tally.inputs / 10);
}

// ---------------------------------------------------------------------------------------------
// Generated messages.

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : random_(seed) {}

  int below(int n) { return static_cast<int>(random_() % static_cast<std::uint32_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }

  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(below(static_cast<int>(items.size())))];
  }

  // Whitespace between tokens: mostly none, sometimes any of the four JSON whitespace bytes.
  std::string ws() {
    if (!chance(10)) return "";
    static constexpr std::string_view kSpace = " \t\n\r";
    std::string out;
    for (int n = 1 + below(3); n > 0; --n)
      out.push_back(kSpace[static_cast<std::size_t>(below(4))]);
    return out;
  }

  // `text` (UTF-8) as a JSON string literal with random escaping.
  std::string quote(std::string_view text) {
    const bool escape_some = chance(20);
    std::string out = "\"";
    std::size_t pos = 0;
    while (pos < text.size()) {
      const auto byte = static_cast<unsigned char>(text[pos]);
      std::size_t length = 1;
      std::uint32_t code_point = byte;
      if (byte >= 0xF0) {
        length = 4;
        code_point = byte & 0x07;
      } else if (byte >= 0xE0) {
        length = 3;
        code_point = byte & 0x0F;
      } else if (byte >= 0xC0) {
        length = 2;
        code_point = byte & 0x1F;
      }
      for (std::size_t i = 1; i < length && pos + i < text.size(); ++i) {
        code_point = (code_point << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
      }
      const bool must = byte < 0x20 || byte == '"' || byte == '\\';
      if (must || (escape_some && chance(30))) {
        out += escape(code_point, byte);
      } else {
        out.append(text.substr(pos, length));
      }
      pos += length;
    }
    return out + "\"";
  }

  std::string escape(std::uint32_t code_point, unsigned char byte) {
    switch (below(2) == 0 ? byte : 0xFF) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '/':
        return "\\/";
      case '\b':
        return "\\b";
      case '\f':
        return "\\f";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        break;
    }
    const bool upper = chance(50);
    auto hex4 = [&](std::uint32_t unit) {
      std::string s = "\\u";
      static constexpr char kLower[] = "0123456789abcdef";
      static constexpr char kUpper[] = "0123456789ABCDEF";
      for (int shift = 12; shift >= 0; shift -= 4) {
        s.push_back((upper ? kUpper : kLower)[(unit >> shift) & 0xF]);
      }
      return s;
    };
    if (code_point < 0x10000) return hex4(code_point);
    const std::uint32_t v = code_point - 0x10000;
    return hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF));
  }

  std::string random_text(int max_chars) {
    static const std::vector<std::string> kPieces = {"a",
                                                     "Z",
                                                     "0",
                                                     "-",
                                                     "_",
                                                     ":",
                                                     " ",
                                                     "\"",
                                                     "\\",
                                                     "/",
                                                     "\n",
                                                     "\t",
                                                     std::string(1, '\0'),
                                                     "\x01",
                                                     "\x1f",
                                                     "\x7f",
                                                     "é",
                                                     "ü",
                                                     "€",
                                                     "𝄞",
                                                     "🎵",
                                                     "\xEF\xBF\xBD",
                                                     "\xED\x9F\xBF",
                                                     "x"};
    std::string out;
    for (int n = below(max_chars + 1); n > 0; --n) out += pick(kPieces);
    return out;
  }

  std::string number() {
    static const std::vector<std::string> kNumbers = {"0",
                                                      "-0",
                                                      "1",
                                                      "42",
                                                      "42.0",
                                                      "4.2e1",
                                                      "4.2E+1",
                                                      "420e-1",
                                                      "0.5",
                                                      "-0.0",
                                                      "1e0",
                                                      "9223372036854775807",
                                                      "9223372036854775808",
                                                      "-9223372036854775808",
                                                      "-9223372036854775809",
                                                      "18446744073709551615",
                                                      "18446744073709551616",
                                                      "123456789012345678901234567890",
                                                      "-123456789012345678901234567890",
                                                      "1e308",
                                                      "1e309",
                                                      "-1e309",
                                                      "1e-300",
                                                      "1e-310",
                                                      "4.9e-324",
                                                      "2e-324",
                                                      "1e-400",
                                                      "0.30000000000000004",
                                                      "0.1",
                                                      "999.9",
                                                      "1000",
                                                      "1000.1",
                                                      "1001",
                                                      "2",
                                                      "2.0",
                                                      "120",
                                                      "0.05",
                                                      "-1",
                                                      "-12.5",
                                                      "3",
                                                      "1.5",
                                                      "1E400",
                                                      "0e0",
                                                      "0.0e-0",
                                                      "00",
                                                      "01",
                                                      "1.",
                                                      ".5",
                                                      "+1",
                                                      "1e",
                                                      "-",
                                                      "1.e5",
                                                      "0x10",
                                                      "Infinity",
                                                      "NaN",
                                                      "-Infinity"};
    return pick(kNumbers);
  }

  // Any JSON value (mostly valid), nested up to `depth` more levels.
  std::string any_value(int depth) {
    switch (below(depth > 0 ? 9 : 6)) {
      case 0:
        return number();
      case 1:
        return quote(random_text(6));
      case 2:
        return pick(std::vector<std::string>{"true", "false", "null", "tru", "nul", "True"});
      case 3:
        return std::to_string(below(2000) - 100);
      case 4:
        return quote(pick(std::vector<std::string>{"plan", "execute", "x", ""}));
      case 5:
        return chance(50) ? "{}" : "[]";
      case 6:
      case 7: {
        std::string out = "{" + ws();
        for (int n = below(4); n > 0; --n) {
          out += quote(random_key()) + ws() + ":" + ws() + any_value(depth - 1);
          if (n > 1) out += ws() + "," + ws();
        }
        return out + ws() + "}";
      }
      default: {
        std::string out = "[" + ws();
        for (int n = below(4); n > 0; --n) {
          out += any_value(depth - 1);
          if (n > 1) out += ws() + "," + ws();
        }
        return out + ws() + "]";
      }
    }
  }

  std::string random_key() {
    static const std::vector<std::string> kKeys = {"seq",
                                                   "pulse_version",
                                                   "cluster_health",
                                                   "expected_agents",
                                                   "cpu_percent",
                                                   "a",
                                                   "",
                                                   "é",
                                                   "z",
                                                   "type",
                                                   "severity",
                                                   "category",
                                                   "count",
                                                   std::string("a\0b", 3)};
    return pick(kKeys);
  }

  // A message of `kind`: each field from a pool of good and bad values, in random order, some
  // missing, some repeated, some unknown fields added.
  std::string message(Kind kind) {
    std::vector<std::pair<std::string, std::string>> fields;
    auto add = [&](const std::string& key, const std::vector<std::string>& good, int bad_percent) {
      if (chance(3)) return;  // missing
      fields.emplace_back(key, chance(bad_percent) ? bad_value(key) : pick(good));
      if (chance(2)) fields.emplace_back(key, chance(50) ? pick(good) : bad_value(key));
    };
    const int bad = 4;
    const std::vector<std::string> hlcs = {q("01a2:0003:9f1c"), q("FFFF:0000:abcd")};
    const std::vector<std::string> windows = {q("5d0c6f1e2b3a49788a1b2c3d4e5f6071"),
                                              q("5D0C6F1E2B3A49788A1B2C3D4E5F6071")};
    switch (kind) {
      case Kind::kFrame:
        add("type", {q("backbeat.beatframe.v1")}, bad);
        add("cluster_id", {q("chorus-dev"), q("c"), q(std::string(64, 'x'))}, bad);
        add("beat_index", {"42", "0", "9223372036854775807", "-0"}, bad);
        add("downbeat", {"true", "false"}, bad);
        add("phase", {q("plan"), q("execute"), q("review")}, bad);
        add("hlc", hlcs, bad);
        add("deadline_at",
            {q("2026-11-27T10:21:10Z"), q("2026-11-27T10:21:10.5Z"), q("2026-11-27T04:51:10-05:30"),
             q("2028-02-29t00:00:00z")},
            bad);
        add("tempo_bpm", {"2.0", "2", "120", "0.1", "999.9", "1000", "0.3", "1e3", "2E0"}, bad);
        add("window_id", windows, bad);
        if (chance(30)) add("metadata", {any_value(3), metadata_value()}, bad);
        break;
      case Kind::kClaim:
        add("type", {q("backbeat.statusclaim.v1")}, bad);
        add("agent_id", {q("chorus:agent-42"), q("a"), q(std::string(128, 'x'))}, bad);
        if (chance(50)) add("task_id", {q("t-1"), q("election-leader-2025")}, bad);
        add("beat_index", {"12345", "0", "-0", "9223372036854775807"}, bad);
        add("state", {q("idle"), q("executing"), q("completed"), q("helping")}, bad);
        if (chance(70)) add("beats_left", {"0", "3", "1000", "-0"}, bad);
        if (chance(70)) add("progress", {"0", "0.4", "1", "1.0", "-0.0", "0.5e0", "1e-310"}, bad);
        if (chance(60)) add("notes", {q(notes(250)), q(notes(258)), q("")}, bad);
        add("hlc", hlcs, bad);
        if (chance(20)) add("resources", {"{\"cpu_percent\":85.5,\"memory_mb\":2048}", "{}"}, bad);
        if (chance(20)) {
          add("dependencies", {"[]", "[\"chorus:agent-7\"]", "[\"a\",\"b:c\",\"d-e\"]"}, bad);
        }
        if (chance(50))
          add("metadata", {"{\"seq\":" + std::to_string(below(100000)) + "}", metadata_value()},
              bad);
        break;
      case Kind::kReport:
        add("type", {q("backbeat.barreport.v1")}, bad);
        add("window_id", windows, bad);
        for (const char* counter : {"from_beat", "to_beat", "agents_reporting", "on_time_reviews",
                                    "help_promises_fulfilled"}) {
          add(counter, {"0", "40", "9223372036854775807"}, bad);
        }
        add("secret_rotations_ok", {"true", "false"}, bad);
        add("tempo_drift_ms", {"0", "-12.5", "1e300", "3", "-9223372036854775809"}, bad);
        if (chance(40)) add("issues", {issues()}, bad);
        break;
    }
    if (chance(5)) fields.emplace_back(random_key(), any_value(2));
    if (chance(3)) fields.emplace_back(random_text(3), any_value(1));
    std::shuffle(fields.begin(), fields.end(), random_);
    std::string out = ws() + "{" + ws();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ws() + "," + ws();
      out += quote(fields[i].first) + ws() + ":" + ws() + fields[i].second;
    }
    return out + ws() + "}" + ws();
  }

  std::string bad_value(const std::string& key) {
    switch (below(4)) {
      case 0:
        return any_value(2);
      case 1:
        return number();
      case 2:
        return quote(random_text(8));
      default:
        return quote(key == "state" ? pick(std::vector<std::string>{"done", "waiting", "IDLE"})
                                    : random_text(70));
    }
  }

  std::string metadata_value() {
    std::string out = "{";
    for (int n = below(5); n > 0; --n) {
      out += quote(random_key()) + ":" + any_value(2);
      if (n > 1) out += ",";
    }
    return out + "}";
  }

  std::string notes(int chars) {
    static const std::vector<std::string> kChars = {"a", "é", "€", "🎵", "\"", "\n", " "};
    std::string out;
    for (int i = 0; i < chars; ++i) out += pick(kChars);
    return out;
  }

  std::string issues() {
    std::string out = "[";
    const int n = chance(5) ? 101 : below(4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ",";
      out += chance(90) ? "{\"severity\":" + quote(pick(std::vector<std::string>{"warning", "é"})) +
                              ",\"category\":\"late\",\"count\":" + number() + "}"
                        : any_value(1);
    }
    return out + "]";
  }

  // Damage to a whole message: truncation, trailing bytes, BOM, comments, NUL.
  std::string damage(std::string text) {
    switch (below(12)) {
      case 0:
        return text.substr(0, static_cast<std::size_t>(below(static_cast<int>(text.size()) + 1)));
      case 1:
        return text + pick(std::vector<std::string>{"x", "}", " ,", std::string(1, '\0'),
                                                    std::string("\0junk", 5), "\n", "//c",
                                                    "/* c */", "{}"});
      case 2:
        return "\xEF\xBB\xBF" + text;
      case 3: {
        const std::size_t pos = static_cast<std::size_t>(below(static_cast<int>(text.size()) + 1));
        return text.insert(pos, pick(std::vector<std::string>{"/**/", "//x\n", " ", "\xff", "\xc3",
                                                              std::string(1, '\0')}));
      }
      default:
        return text;
    }
  }

  static std::string q(std::string_view text) { return "\"" + std::string(text) + "\""; }

 private:
  std::mt19937 random_;
};

TEST(FastDecode, GeneratedMessagesMatchReference) {
  Generator gen(8259);
  Tally tally;
  for (int i = 0; i < 30'000; ++i) {
    for (Kind kind : kAllKinds) {
      const std::string text = gen.damage(gen.message(kind));
      check(kind, text, &tally);
      if (HasFatalFailure()) return;
    }
  }
  report("generated messages", tally);
  EXPECT_GT(tally.ok, 5000);
  EXPECT_GT(tally.fast, tally.inputs / 2);
}

// Each message truncated at every byte, and with every single byte replaced by each JSON-ish
// byte, as every kind.
TEST(FastDecode, TruncatedAndSingleByteEditsMatchReference) {
  Tally tally;
  for (std::string_view base : {kFrame, kFullClaim, kReport}) {
    for (std::size_t n = 0; n <= base.size(); ++n) check_all_kinds(base.substr(0, n), &tally);
    for (std::size_t pos = 0; pos < base.size(); ++pos) {
      for (char c : std::string_view("\"\\{}[],:0-e.u \x00\xff", 16)) {
        std::string text(base);
        text[pos] = c;
        check_all_kinds(text, &tally);
        if (HasFatalFailure()) return;
      }
    }
  }
  report("truncations and single-byte edits x 3 kinds", tally);
}

// Hand-picked edge cases, each decoded as every kind.
TEST(FastDecode, EdgeCasesMatchReference) {
  const std::string frame_head =
      R"({"type":"backbeat.beatframe.v1","cluster_id":"chorus-dev","beat_index":42,)"
      R"("downbeat":false,"phase":"execute","hlc":"01a2:0003:9f1c",)"
      R"("deadline_at":"2026-11-27T10:21:10Z","tempo_bpm":2.0,)"
      R"("window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071")";
  std::vector<std::string> texts = {
      "",
      " ",
      "{",
      "}",
      "{}",
      " {} ",
      "[]",
      "null",
      "42",
      "\"x\"",
      "{\"type\":1}",
      "\xEF\xBB\xBF{}",
      "\xEF\xBB\xBF" + frame_head + "}",
      frame_head + "}\0"s,
      frame_head + "}\0x"s,
      frame_head + "} /* c */",
      frame_head + "/* c */}",
      frame_head + ",\"metadata\":{}//\n}",
      frame_head + ",\"beat_index\":43}",
      frame_head + ",\"beat_index\":43.0}",
      frame_head + ",\"beat_index\":\"42\",\"beat_index\":42}",
      frame_head + ",\"metadata\":{\"a\":1,\"a\":{\"b\":[]}}}",
      frame_head + ",\"metadata\":{\"expected_agents\":-5}}",
      frame_head + ",\"metadata\":{\"expected_agents\":5.0}}",
      frame_head + ",\"metadata\":{\"expected_agents\":18446744073709551615}}",
      frame_head + ",\"metadata\":{\"expected_agents\":18446744073709551616}}",
      frame_head + ",\"metadata\":{\"pulse_version\":1}}",
      frame_head + ",\"metadata\":[]}",
      frame_head + ",\"metadata\":null}",
      frame_head + ",\"metadata\":\"\\ud83c\\udfb5\"}",
      frame_head + ",\"\\u0074ype\":\"backbeat.beatframe.v1\"}",
      frame_head + ",\"\\u0074ypo\":1}",
      frame_head + ",\"zz\":1,\"aa\":2,\"\\u00e9\":3}",
      frame_head + ",\"" + std::string(100, 'k') + "\":0}",
      frame_head + ",\"cluster_id\":\"\\ud800\"}",
      frame_head + ",\"cluster_id\":\"\\udc00\"}",
      frame_head + ",\"cluster_id\":\"\\ud800\\u0041\"}",
      frame_head + ",\"cluster_id\":\"\\ud800x\"}",
      frame_head + ",\"cluster_id\":\"\\u00\"}",
      frame_head + ",\"cluster_id\":\"\\uZZZZ\"}",
      frame_head + ",\"cluster_id\":\"\\x\"}",
      frame_head + ",\"cluster_id\":\"a\\u0000b\"}",
      frame_head + ",\"cluster_id\":\"\t\"}",
      frame_head + ",\"cluster_id\":\"\xc0\x80\"}",
      frame_head + ",\"cluster_id\":\"\xed\xa0\x80\"}",
      frame_head + ",\"cluster_id\":\"\xf4\x90\x80\x80\"}",
      frame_head + ",\"cluster_id\":\"\xf0\x9f\x8e\xb5\"}",
      frame_head + ",\"cluster_id\":\"" + std::string(200, 'x') + "\\n\"}",
      frame_head + ",\"tempo_bpm\":1e309}",
      frame_head + ",\"tempo_bpm\":-1e309}",
      frame_head + ",\"tempo_bpm\":1e-400}",
      frame_head + ",\"tempo_bpm\":2.00000000000000000001}",
      frame_head + ",\"tempo_bpm\":1.9999999999999999999}",
      frame_head + ",\"tempo_bpm\":2e0}",
      frame_head + ",\"tempo_bpm\":0.1000000000000000055511151231257827}",
      frame_head + ",\"deadline_at\":\"2026-02-30T00:00:00Z\"}",
      frame_head + ",\"deadline_at\":\"\\u0032026-11-27T10:21:10Z\"}",
      frame_head + " \t\r\n}",
      " \t\r\n" + frame_head + "}\n\n",
      frame_head + ",\"downbeat\":True}",
      frame_head + ",\"downbeat\":truex}",
      frame_head + ",\"downbeat\":nul}",
  };
  // Whitespace everywhere: between every pair of tokens of the typical messages.
  for (std::string_view base : {kFrame, kFullClaim, kReport}) {
    std::string spaced;
    bool in_string = false;
    for (std::size_t i = 0; i < base.size(); ++i) {
      const char c = base[i];
      if (c == '"' && (i == 0 || base[i - 1] != '\\')) in_string = !in_string;
      spaced.push_back(c);
      if (!in_string && (c == '{' || c == '[' || c == ',' || c == ':' || c == '"')) {
        spaced += " \n\t\r ";
      }
    }
    texts.push_back(" \n" + spaced + " \r\n");
  }
  Tally tally;
  for (const std::string& text : texts) {
    check_all_kinds(text, &tally);
    if (HasFatalFailure()) return;
  }
  report("edge cases x 3 kinds", tally);
}

// Deep nesting in free-form fields: up to json_scan::kMaxDepth on the fast path, beyond it on
// the reference (nlohmann has no depth limit, so neither does decode_*).
TEST(FastDecode, DeepNestingMatchesReference) {
  const std::string claim_head =
      R"({"type":"backbeat.statusclaim.v1","agent_id":"a","beat_index":1,"state":"idle",)"
      R"("hlc":"01a2:0003:9f1c","metadata":{"deep":)";
  Tally tally;
  for (int depth : {1, 2, 100, 253, 254, 255, 256, 257, 300, 1000, 2000}) {
    for (const char* open_close : {"[]", "{}"}) {
      std::string nested;
      for (int i = 0; i < depth; ++i) nested += open_close[0] == '[' ? "[" : "{\"k\":";
      nested += "0";
      for (int i = 0; i < depth; ++i) nested += open_close[1];
      const std::string text = claim_head + nested + "}}";
      check(Kind::kClaim, text, &tally);
      check(Kind::kClaim, text.substr(0, text.size() - 1), &tally);  // unterminated
      if (HasFatalFailure()) return;
      // The top-level object is depth 1 and metadata depth 2: the fast path handles values
      // whose innermost container is at depth <= kMaxDepth.
      const bool fast = fast_path::decode_status_claim(text).has_value();
      EXPECT_EQ(fast, depth + 2 <= 256) << depth;
    }
  }
  report("deep nesting", tally);
}

// append_json_string appends runs of plain ASCII in chunks now; its output must stay what the
// byte-by-byte original wrote (kept here as the reference).
void reference_append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\') {
      out.push_back(static_cast<char>(byte));
      ++pos;
    } else if (byte == '"' || byte == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(byte));
      ++pos;
    } else if (byte < 0x20) {
      const std::string_view shorts[] = {"\\b", "\\t", "\\n", "", "\\f", "\\r"};
      if (byte >= '\b' && byte <= '\r' && !shorts[byte - '\b'].empty()) {
        out.append(shorts[byte - '\b']);
      } else {
        out.append("\\u00");
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xF]);
      }
      ++pos;
    } else if (const std::size_t length = utf8_sequence_length(text, pos); length > 0) {
      out.append(text.substr(pos, length));
      pos += length;
    } else {
      out.append("\xEF\xBF\xBD");
      ++pos;
    }
  }
  out.push_back('"');
}

TEST(FastEncode, JsonStringsMatchByteWiseReference) {
  std::mt19937 random(1234);
  static constexpr std::string_view kBytes =
      "aZ09 "
      "-_:\"\\/\b\f\n\r\t\x01\x1f\x7f\x80\xbf\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xb5\xed\xa0\x80\xff";
  for (int i = 0; i < 50'000; ++i) {
    std::string text;
    for (int n = static_cast<int>(random() % 40); n > 0; --n) {
      text.push_back(kBytes[random() % kBytes.size()]);
    }
    std::string fast = "x";
    std::string expected = "x";
    append_json_string(fast, text);
    reference_append_json_string(expected, text);
    ASSERT_EQ(fast, expected) << text;
  }
}

// encode_status_claim writes notes within the limits as they are, and others through
// limit_notes: either way what decodes back is the notes cut to 256 characters, sanitized.
TEST(FastEncode, ClaimNotesAreLimitedAsBefore) {
  StatusClaim claim = *decode_status_claim(kClaim);
  for (const std::string& notes :
       {std::string(256, 'a'), std::string(257, 'b'), std::string(300, 'c') + "\xff",
        std::string("\xff\xfe ok"), std::string("caf\xc3\xa9 \"q\" \n"),
        std::string(255, 'd') + "\xf0\x9f\x8e\xb5\xf0\x9f\x8e\xb5"}) {
    claim.notes = notes;
    Result<StatusClaim> again = decode_status_claim(encode_status_claim(claim));
    ASSERT_TRUE(again.is_ok()) << again.status().message();
    EXPECT_EQ(again->notes, truncate_utf8(sanitize_utf8(notes), 256));
  }
}

}  // namespace
}  // namespace backbeat
