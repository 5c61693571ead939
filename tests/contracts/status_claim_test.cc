#include "core/contracts/status_claim.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "core/contracts/utf8.h"
#include "tests/contracts/mutate.h"
#include "tests/contracts/test_data.h"

namespace backbeat {
namespace {

StatusClaim typical_claim() {
  StatusClaim claim;
  claim.agent_id = "chorus:agent-42";
  claim.task_id = "election-leader-2025";
  claim.beat_index = 12345;
  claim.state = ClaimState::kExecuting;
  claim.beats_left = 3;
  claim.progress = 0.4;
  claim.notes = "P2P dht_store: executing (peers: 5, node: 12D3KooWAbc)";
  claim.hlc = "01a2:0004:1b2c";
  return claim;
}

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece);
  return out;
}

TEST(StatusClaim, EncodesInContractOrder) {
  EXPECT_EQ(encode_status_claim(typical_claim()),
            R"({"type":"backbeat.statusclaim.v1","agent_id":"chorus:agent-42",)"
            R"("task_id":"election-leader-2025","beat_index":12345,"state":"executing",)"
            R"("beats_left":3,"progress":0.4,)"
            R"j("notes":"P2P dht_store: executing (peers: 5, node: 12D3KooWAbc)",)j"
            R"("hlc":"01a2:0004:1b2c"})");
}

TEST(StatusClaim, OmitsEmptyTaskAndNotesButAlwaysWritesCounters) {
  StatusClaim claim = typical_claim();
  claim.task_id.clear();
  claim.notes.clear();
  claim.beats_left = 0;
  claim.progress = 0.0;
  claim.dependencies = std::vector<std::string>{"chorus:agent-7"};
  claim.resources = nlohmann::json{{"memory_mb", 2048}};
  claim.metadata = nlohmann::json::object();
  EXPECT_EQ(encode_status_claim(claim),
            R"({"type":"backbeat.statusclaim.v1","agent_id":"chorus:agent-42",)"
            R"("beat_index":12345,"state":"executing","beats_left":0,"progress":0.0,)"
            R"("hlc":"01a2:0004:1b2c","resources":{"memory_mb":2048},)"
            R"("dependencies":["chorus:agent-7"],"metadata":{}})");
  Result<StatusClaim> again = decode_status_claim(encode_status_claim(claim));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(*again, claim);
}

TEST(StatusClaim, StateNames) {
  EXPECT_STREQ(claim_state_name(ClaimState::kIdle), "idle");
  EXPECT_STREQ(claim_state_name(ClaimState::kCompleted), "completed");
  EXPECT_STREQ(claim_state_name(ClaimState::kIdle, ClaimStateWords::kLegacy), "waiting");
  EXPECT_STREQ(claim_state_name(ClaimState::kCompleted, ClaimStateWords::kLegacy), "done");
  for (ClaimState state : {ClaimState::kPlanning, ClaimState::kExecuting, ClaimState::kReviewing,
                           ClaimState::kFailed, ClaimState::kBlocked, ClaimState::kHelping}) {
    EXPECT_STREQ(claim_state_name(state, ClaimStateWords::kLegacy), claim_state_name(state));
    StatusClaim claim = typical_claim();
    claim.state = state;
    Result<StatusClaim> again = decode_status_claim(encode_status_claim(claim));
    ASSERT_TRUE(again.is_ok());
    EXPECT_EQ(again->state, state);
  }
}

TEST(StatusClaim, LegacyWordsEncodeButDoNotDecode) {
  StatusClaim claim = typical_claim();
  claim.state = ClaimState::kCompleted;
  const std::string done = encode_status_claim(claim, ClaimStateWords::kLegacy);
  EXPECT_NE(done.find(R"("state":"done")"), std::string::npos);
  EXPECT_EQ(decode_status_claim(done).status().message().rfind("state: ", 0), 0u);

  claim.state = ClaimState::kIdle;
  const std::string waiting = encode_status_claim(claim, ClaimStateWords::kLegacy);
  EXPECT_NE(waiting.find(R"("state":"waiting")"), std::string::npos);
  EXPECT_EQ(decode_status_claim(waiting).status().message().rfind("state: ", 0), 0u);
  EXPECT_EQ(status_claim_to_json(claim, ClaimStateWords::kLegacy)["state"], "waiting");
}

// seed-claims.json: in legacy mode the encoder produces the seed's fields exactly.
TEST(StatusClaim, LegacyModeReproducesTheSeedFields) {
  const nlohmann::json seed = testing::load_contract_data("seed-claims.json");
  ASSERT_TRUE(seed.is_object());
  for (const nlohmann::json& entry : seed["claims"]) {
    SCOPED_TRACE(entry["when"].get<std::string>());
    const nlohmann::json& fields = entry["fields"];
    StatusClaim claim = typical_claim();
    claim.task_id = fields["task_id"];
    claim.beats_left = fields["beats_left"];
    claim.progress = fields["progress"];
    claim.notes = fields["notes"];
    const std::string state = fields["state"];
    claim.state = state == "done"        ? ClaimState::kCompleted
                  : state == "waiting"   ? ClaimState::kIdle
                  : state == "failed"    ? ClaimState::kFailed
                  : state == "executing" ? ClaimState::kExecuting
                                         : ClaimState::kBlocked;
    const nlohmann::json written =
        nlohmann::json::parse(encode_status_claim(claim, ClaimStateWords::kLegacy));
    for (const auto& [key, value] : fields.items()) EXPECT_EQ(written[key], value) << key;
  }
}

TEST(StatusClaim, EncoderAppliesTheLimits) {
  StatusClaim claim = typical_claim();
  claim.beats_left = 5000;
  claim.progress = 1.5;
  claim.notes = repeat("\xC3\xA9", 300);  // "é" x 300
  Result<StatusClaim> again = decode_status_claim(encode_status_claim(claim));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again->beats_left, 1000);
  EXPECT_EQ(again->progress, 1.0);
  EXPECT_EQ(again->notes, repeat("\xC3\xA9", 256));

  claim.beats_left = -3;
  claim.progress = -0.5;
  again = decode_status_claim(encode_status_claim(claim));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->beats_left, 0);
  EXPECT_EQ(again->progress, 0.0);

  claim.progress = std::numeric_limits<double>::quiet_NaN();
  again = decode_status_claim(encode_status_claim(claim));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->progress, 0.0);
  EXPECT_EQ(status_claim_to_json(claim)["progress"], 0.0);
  EXPECT_EQ(status_claim_to_json(claim)["notes"], repeat("\xC3\xA9", 256));
}

TEST(StatusClaim, EncoderRepairsInvalidUtf8InNotes) {
  StatusClaim claim = typical_claim();
  claim.notes = "ok \xFF\xC3 end";
  Result<StatusClaim> again = decode_status_claim(encode_status_claim(claim));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again->notes, "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(StatusClaim, NotesCountCharactersNotBytes) {
  nlohmann::json json = status_claim_to_json(typical_claim());
  json["notes"] = repeat("\xF0\x9F\xA5\x81", 256);  // 256 drums, 1024 bytes
  EXPECT_TRUE(status_claim_from_json(json).is_ok());
  json["notes"] = repeat("\xF0\x9F\xA5\x81", 257);
  EXPECT_EQ(status_claim_from_json(json).status().message().rfind("notes: ", 0), 0u);
}

TEST(StatusClaim, NotesWithInvalidUtf8FailNamingNotes) {
  nlohmann::json json = status_claim_to_json(typical_claim());
  for (const char* bad : {"\xFF", "abc\xC3", "\xED\xA0\x80" /* surrogate */,
                          "\xC0\xAF" /* overlong */, "\xF4\x90\x80\x80" /* > U+10FFFF */}) {
    json["notes"] = bad;
    Result<StatusClaim> claim = status_claim_from_json(json);
    ASSERT_FALSE(claim.is_ok());
    EXPECT_EQ(claim.status().message().rfind("notes: ", 0), 0u) << claim.status().message();
  }
  // The text decoder never sees such bytes: the JSON parser refuses them first.
  EXPECT_EQ(decode_status_claim(R"({"type":"backbeat.statusclaim.v1","notes":")"
                                "\xFF"
                                R"("})")
                .status()
                .message()
                .rfind("(json): ", 0),
            0u);
}

TEST(StatusClaim, DecodesAbsentOptionalsAsZero) {
  Result<StatusClaim> claim = decode_status_claim(
      R"({"type":"backbeat.statusclaim.v1","agent_id":"a","beat_index":0,"state":"idle",)"
      R"("hlc":"0000:0000:0000"})");
  ASSERT_TRUE(claim.is_ok()) << claim.status().message();
  EXPECT_EQ(claim->task_id, "");
  EXPECT_EQ(claim->beats_left, 0);
  EXPECT_EQ(claim->progress, 0.0);
  EXPECT_EQ(claim->notes, "");
  EXPECT_FALSE(claim->resources || claim->dependencies || claim->metadata);
}

TEST(StatusClaim, DependencyErrorsNameTheEntry) {
  nlohmann::json json = status_claim_to_json(typical_claim());
  json["dependencies"] = {"chorus:agent-7", "bad id"};
  EXPECT_EQ(status_claim_from_json(json).status().message(),
            R"(dependencies[1]: expected a string of 1..128 characters [A-Za-z0-9_:-], )"
            R"(got "bad id")");
}

// An odd unknown key is quoted, so the message still starts with one unambiguous name (the
// fuzzer found ": x" reading as an error without a field). Both decode paths say the same.
TEST(StatusClaim, UnknownKeysAreNamedUnambiguously) {
  const std::string base = encode_status_claim(typical_claim());
  auto error_with_key = [&](std::string_view key_json) {
    std::string text = base;
    text.insert(text.size() - 1, std::string(",") + std::string(key_json) + ":1");
    return decode_status_claim(text).status().message();
  };
  const std::string tail = ": unknown field (the contract allows no other top-level fields)";
  EXPECT_EQ(error_with_key(R"("extra_1.v-2")"), "extra_1.v-2" + tail);
  EXPECT_EQ(error_with_key(R"(": x")"), R"(": x")" + tail);
  EXPECT_EQ(error_with_key(R"("")"), R"("")" + tail);
  EXPECT_EQ(error_with_key(R"("a\nb")"), R"("a\nb")" + tail);
  EXPECT_EQ(error_with_key(R"("tab\there")"), R"("tab\there")" + tail);
  const std::string long_key(100, 'k');
  EXPECT_EQ(error_with_key("\"" + long_key + "\""), std::string(64, 'k') + "..." + tail);
}

TEST(StatusClaim, ValidateChecksTheStruct) {
  EXPECT_TRUE(validate_status_claim(typical_claim()).is_ok());
  const auto field_of = [](const StatusClaim& claim) {
    const std::string message = validate_status_claim(claim).message();
    return message.substr(0, message.find(':'));
  };
  StatusClaim claim = typical_claim();
  claim.agent_id = "";
  EXPECT_EQ(field_of(claim), "agent_id");
  claim = typical_claim();
  claim.task_id = "has space";
  EXPECT_EQ(field_of(claim), "task_id");
  claim = typical_claim();
  claim.beat_index = -1;
  EXPECT_EQ(field_of(claim), "beat_index");
  claim = typical_claim();
  claim.state = static_cast<ClaimState>(42);
  EXPECT_EQ(field_of(claim), "state");
  claim = typical_claim();
  claim.beats_left = 1001;
  EXPECT_EQ(field_of(claim), "beats_left");
  claim = typical_claim();
  claim.progress = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(field_of(claim), "progress");
  claim = typical_claim();
  claim.notes = std::string(257, 'n');
  EXPECT_EQ(field_of(claim), "notes");
  claim = typical_claim();
  claim.hlc = "";
  EXPECT_EQ(field_of(claim), "hlc");
  claim = typical_claim();
  claim.resources = nlohmann::json(1);
  EXPECT_EQ(field_of(claim), "resources");
  claim = typical_claim();
  claim.dependencies = std::vector<std::string>{""};
  EXPECT_EQ(field_of(claim), "dependencies[0]");
  claim = typical_claim();
  claim.metadata = nlohmann::json::array();
  EXPECT_EQ(field_of(claim), "metadata");
}

// Mutated claims must decode or fail cleanly, never crash.
TEST(StatusClaim, SurvivesMutatedInput) {
  StatusClaim full = typical_claim();
  full.resources = nlohmann::json{{"cpu_percent", 85.0}};
  full.dependencies = std::vector<std::string>{"chorus:agent-7"};
  full.metadata = nlohmann::json{{"seq", 17}};
  const std::string base = encode_status_claim(full);
  std::mt19937 random(42);
  int accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    const std::string text = testing::mutate(base, random);
    Result<StatusClaim> claim = decode_status_claim(text);
    if (claim.is_ok()) {
      ++accepted;
      ASSERT_TRUE(validate_status_claim(*claim).is_ok()) << text;
      Result<StatusClaim> again = decode_status_claim(encode_status_claim(*claim));
      ASSERT_TRUE(again.is_ok() && *again == *claim) << text;
    } else {
      ASSERT_EQ(claim.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_GT(accepted, 0);
}

TEST(TruncateUtf8, CutsAtCharacterBoundaries) {
  EXPECT_EQ(truncate_utf8("", 5), "");
  EXPECT_EQ(truncate_utf8("abc", 0), "");
  EXPECT_EQ(truncate_utf8("abc", 2), "ab");
  EXPECT_EQ(truncate_utf8("abc", 10), "abc");
  EXPECT_EQ(truncate_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA5\x81z", 3), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(truncate_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA5\x81z", 4),
            "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA5\x81");
}

TEST(TruncateUtf8, NeverSplitsASequence) {
  // 1-, 2-, 3- and 4-byte characters in turn.
  const std::string text = repeat("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA5\x81", 20);
  for (std::size_t chars = 0; chars <= 85; ++chars) {
    const std::string cut = truncate_utf8(text, chars);
    ASSERT_EQ(text.compare(0, cut.size(), cut), 0);
    const std::optional<std::size_t> count = utf8_char_count(cut);
    ASSERT_TRUE(count.has_value()) << chars;
    ASSERT_EQ(*count, std::min<std::size_t>(chars, 80));
  }
}

TEST(TruncateUtf8, CountsEachInvalidByteAsOneCharacter) {
  EXPECT_EQ(truncate_utf8("\xFF\xFE"
                          "abc",
                          3),
            "\xFF\xFE"
            "a");
  EXPECT_EQ(truncate_utf8("\xE2\x82"
                          "x",
                          1),
            "\xE2");  // a cut-off sequence is not valid
}

}  // namespace
}  // namespace backbeat
