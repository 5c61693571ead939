#include "core/contracts/beat_frame.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "core/contracts/rfc3339.h"
#include "tests/contracts/mutate.h"

namespace backbeat {
namespace {

// The example in docs/contracts.md, byte for byte.
constexpr std::string_view kTypical =
    R"({"type":"backbeat.beatframe.v1","cluster_id":"chorus-dev","beat_index":42,)"
    R"("downbeat":false,"phase":"execute","hlc":"01a2:0003:9f1c",)"
    R"("deadline_at":"2026-11-27T10:21:10Z","tempo_bpm":2.0,)"
    R"("window_id":"5d0c6f1e2b3a49788a1b2c3d4e5f6071"})";

nlohmann::json typical_json() {
  return nlohmann::json::parse(kTypical);
}

std::string decode_error(const nlohmann::json& json) {
  Result<BeatFrame> frame = decode_beat_frame(json.dump());
  return frame.is_ok() ? "OK" : frame.status().message();
}

TEST(BeatFrame, DecodesTheContractExample) {
  Result<BeatFrame> frame = decode_beat_frame(kTypical);
  ASSERT_TRUE(frame.is_ok()) << frame.status().message();
  EXPECT_EQ(frame->cluster_id, "chorus-dev");
  EXPECT_EQ(frame->beat_index, 42);
  EXPECT_FALSE(frame->downbeat);
  EXPECT_EQ(frame->phase, BeatPhase::kExecute);
  EXPECT_EQ(frame->hlc, "01a2:0003:9f1c");
  EXPECT_EQ(frame->deadline_at, *parse_rfc3339("2026-11-27T10:21:10Z"));
  EXPECT_EQ(frame->tempo_bpm, 2.0);
  EXPECT_EQ(frame->window_id, "5d0c6f1e2b3a49788a1b2c3d4e5f6071");
  EXPECT_FALSE(frame->metadata.has_value());
}

TEST(BeatFrame, EncodesInContractOrderExactly) {
  Result<BeatFrame> frame = decode_beat_frame(kTypical);
  ASSERT_TRUE(frame.is_ok());
  EXPECT_EQ(encode_beat_frame(*frame), kTypical);
}

TEST(BeatFrame, EncodesMetadataLastAndDeadlineInUtc) {
  nlohmann::json json = typical_json();
  json["deadline_at"] = "2026-11-27T12:21:07.250+02:00";
  json["metadata"] = {{"pulse_version", "0.3.1"}, {"expected_agents", 150}};
  Result<BeatFrame> frame = beat_frame_from_json(json);
  ASSERT_TRUE(frame.is_ok()) << frame.status().message();
  const std::string text = encode_beat_frame(*frame);
  EXPECT_NE(text.find(R"("deadline_at":"2026-11-27T10:21:07.25Z")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(,"metadata":{"expected_agents":150,"pulse_version":"0.3.1"}})"),
            std::string::npos)
      << text;
}

TEST(BeatFrame, ErrorMessagesSayWhatWasExpectedAndFound) {
  nlohmann::json json = typical_json();
  json["tempo_bpm"] = 2.05;
  EXPECT_EQ(decode_error(json),
            "tempo_bpm: expected a multiple of 0.1 between 0.1 and 1000, got 2.05");

  json = typical_json();
  json["beat_index"] = 42.0;
  EXPECT_EQ(decode_error(json), "beat_index: expected an integer 0..9223372036854775807, got 42.0");

  json = typical_json();
  json["beat_index"] = 9223372036854775808ULL;
  EXPECT_EQ(decode_error(json),
            "beat_index: expected an integer 0..9223372036854775807, got 9223372036854775808");

  json = typical_json();
  json.erase("beat_index");
  EXPECT_EQ(decode_error(json),
            "beat_index: expected an integer 0..9223372036854775807, got nothing (missing)");

  json = typical_json();
  json["extra"] = 1;
  EXPECT_EQ(decode_error(json).rfind("extra: unknown field", 0), 0u) << decode_error(json);

  json = typical_json();
  json["deadline_at"] = "2026-02-30T10:21:10Z";
  EXPECT_EQ(decode_error(json),
            R"(deadline_at: expected an RFC 3339 date-time, got "2026-02-30T10:21:10Z" )"
            R"((day 30 is outside 01..28 for 2026-02))");

  json = typical_json();
  json["type"] = "backbeat.beatframe.v2";
  EXPECT_EQ(decode_error(json),
            R"(type: expected "backbeat.beatframe.v1", got "backbeat.beatframe.v2")");

  json = typical_json();
  json["metadata"] = {{"expected_agents", "150"}};
  EXPECT_EQ(decode_error(json), R"(metadata.expected_agents: expected an integer, got "150")");

  EXPECT_EQ(decode_beat_frame("").status().message(),
            "(json): expected a JSON object, got text that is not JSON (0 bytes)");
  EXPECT_EQ(decode_beat_frame("[]").status().message(),
            "(json): expected a JSON object, got an array");
}

TEST(BeatFrame, LongValuesAreCutInMessages) {
  nlohmann::json json = typical_json();
  json["cluster_id"] = std::string(10'000, 'x');
  const std::string message = decode_error(json);
  EXPECT_EQ(message.rfind("cluster_id: ", 0), 0u);
  EXPECT_LT(message.size(), 200u) << message;
  EXPECT_NE(message.find("..."), std::string::npos);
}

TEST(BeatFrame, FromJsonRejectsValuesTextCannotCarry) {
  nlohmann::json json = typical_json();
  json["tempo_bpm"] = std::numeric_limits<double>::infinity();
  EXPECT_EQ(beat_frame_from_json(json).status().message().rfind("tempo_bpm: ", 0), 0u);
  json["tempo_bpm"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(beat_frame_from_json(json).status().message(),
            "tempo_bpm: expected a multiple of 0.1 between 0.1 and 1000, got NaN");

  json = typical_json();
  json["cluster_id"] = "chorus\xff";  // invalid UTF-8: must be reported, not thrown
  EXPECT_EQ(beat_frame_from_json(json).status().message().rfind("cluster_id: ", 0), 0u);

  EXPECT_EQ(beat_frame_from_json(nlohmann::json(42)).status().message(),
            "(json): expected a JSON object, got 42");
  EXPECT_EQ(beat_frame_from_json(nlohmann::json::value_t::discarded)
                .status()
                .message()
                .rfind("(json): ", 0),
            0u);
}

TEST(BeatFrame, SameInputSameMessage) {
  nlohmann::json json = typical_json();
  json.erase("type");
  json.erase("hlc");
  json["zzz"] = 1;
  const std::string first = decode_error(json);
  EXPECT_EQ(first.rfind("type: ", 0), 0u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(decode_error(json), first);
}

TEST(BeatFrame, ValidateChecksTheStruct) {
  BeatFrame frame = *decode_beat_frame(kTypical);
  EXPECT_TRUE(validate_beat_frame(frame).is_ok());

  BeatFrame bad = frame;
  bad.beat_index = -1;
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("beat_index: ", 0), 0u);
  bad = frame;
  bad.phase = static_cast<BeatPhase>(7);
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("phase: ", 0), 0u);
  bad = frame;
  bad.tempo_bpm = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("tempo_bpm: ", 0), 0u);
  bad = frame;
  bad.tempo_bpm = 0.0;
  EXPECT_EQ(validate_beat_frame(bad).code(), StatusCode::kInvalidArgument);
  bad = frame;
  bad.hlc = "1:2:3";
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("hlc: ", 0), 0u);
  bad = frame;
  bad.window_id = "";
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("window_id: ", 0), 0u);
  bad = frame;
  bad.cluster_id = "a b";
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("cluster_id: ", 0), 0u);
  bad = frame;
  bad.metadata = nlohmann::json::array();
  EXPECT_EQ(validate_beat_frame(bad).message().rfind("metadata: ", 0), 0u);
}

TEST(BeatFrame, EncoderNeverThrowsAndAlwaysWritesJson) {
  BeatFrame frame = *decode_beat_frame(kTypical);
  frame.cluster_id = "bad\xff\"quote\n";
  frame.phase = static_cast<BeatPhase>(9);
  frame.tempo_bpm = std::numeric_limits<double>::infinity();
  frame.metadata = nlohmann::json{{"k", "\xc3"}};
  const std::string text = encode_beat_frame(frame);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << text;
  EXPECT_EQ(parsed["cluster_id"], "bad\xEF\xBF\xBD\"quote\n");
  EXPECT_TRUE(parsed["tempo_bpm"].is_null());
  EXPECT_FALSE(decode_beat_frame(text).is_ok());
}

TEST(BeatFrame, PhaseNames) {
  EXPECT_STREQ(beat_phase_name(BeatPhase::kPlan), "plan");
  EXPECT_STREQ(beat_phase_name(BeatPhase::kExecute), "execute");
  EXPECT_STREQ(beat_phase_name(BeatPhase::kReview), "review");
}

TEST(BeatFrame, TempoStepsOfATenthRoundTrip) {
  BeatFrame frame = *decode_beat_frame(kTypical);
  for (int tenths = 1; tenths <= 10'000; ++tenths) {
    frame.tempo_bpm = tenths / 10.0;
    ASSERT_TRUE(validate_beat_frame(frame).is_ok()) << frame.tempo_bpm;
    Result<BeatFrame> again = decode_beat_frame(encode_beat_frame(frame));
    ASSERT_TRUE(again.is_ok()) << again.status().message();
    ASSERT_EQ(again->tempo_bpm, frame.tempo_bpm);
  }
}

// Mutated and truncated frames must decode or fail cleanly, never crash.
TEST(BeatFrame, SurvivesMutatedInput) {
  std::mt19937 random(20261127);
  int accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    const std::string text = testing::mutate(kTypical, random);
    Result<BeatFrame> frame = decode_beat_frame(text);
    if (frame.is_ok()) {
      ++accepted;
      ASSERT_TRUE(validate_beat_frame(*frame).is_ok()) << text;
      Result<BeatFrame> again = decode_beat_frame(encode_beat_frame(*frame));
      ASSERT_TRUE(again.is_ok() && *again == *frame) << text;
    } else {
      ASSERT_EQ(frame.status().code(), StatusCode::kInvalidArgument);
      ASSERT_NE(frame.status().message().find(": "), std::string::npos);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace backbeat
