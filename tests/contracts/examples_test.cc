// Data-driven checks over tests/data/contracts: examples.json (the shared contract vectors)
// and extra-cases.json (this project's own, written as patches of a valid base message).
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "core/contracts/bar_report.h"
#include "core/contracts/beat_frame.h"
#include "core/contracts/status_claim.h"
#include "tests/contracts/test_data.h"

namespace backbeat {
namespace {

using testing::load_contract_data;

struct Case {
  std::string file;
  std::string kind;  // "beatframe", "statusclaim", "barreport"
  std::string name;
  std::string field;  // empty for a valid case
  std::string text;   // what is decoded
};

// What gtest prints for a case (and CTest shows after its name): short, no spaces.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.kind << (c.field.empty() ? "-valid" : "-invalid-" + c.field);
}

std::string test_name(const Case& c) {
  std::string name = c.file.substr(0, c.file.find('.')) + "_" + c.kind + "_" +
                     (c.field.empty() ? "valid" : "invalid") + "_" + c.name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

// examples.json: {kind: {valid: [{name, message}], invalid: [{name, field, message}]}}.
void add_example_cases(std::vector<Case>* cases) {
  const nlohmann::json data = load_contract_data("examples.json");
  if (!data.is_object()) return;
  for (const auto& [kind, sets] : data.items()) {
    for (const auto& entry : sets["valid"]) {
      cases->push_back({"examples.json", kind, entry["name"], "", entry["message"].dump()});
    }
    for (const auto& entry : sets["invalid"]) {
      cases->push_back(
          {"examples.json", kind, entry["name"], entry["field"], entry["message"].dump()});
    }
  }
}

// extra-cases.json: {kind: {base, valid: [...], invalid: [...]}} where each case either gives
// "text" verbatim or patches the base message with "set" (fields replaced) and "remove".
void add_extra_cases(std::vector<Case>* cases) {
  const nlohmann::json data = load_contract_data("extra-cases.json");
  if (!data.is_object()) return;
  for (const auto& [kind, sets] : data.items()) {
    if (kind == "about") continue;
    for (const char* validity : {"valid", "invalid"}) {
      for (const auto& entry : sets[validity]) {
        std::string text;
        if (entry.contains("text")) {
          text = entry["text"];
        } else {
          nlohmann::json message = sets["base"];
          const nlohmann::json set = entry.value("set", nlohmann::json::object());
          const nlohmann::json remove = entry.value("remove", nlohmann::json::array());
          for (const auto& [key, value] : set.items()) message[key] = value;
          for (const auto& key : remove) {
            message.erase(key.get<std::string>());
          }
          text = message.dump();
        }
        cases->push_back({"extra-cases.json", kind, entry["name"], entry.value("field", ""), text});
      }
    }
  }
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  add_example_cases(&cases);
  add_extra_cases(&cases);
  return cases;
}

// Decodes `text` as `kind`, then (when valid) checks the round trips; returns the status.
Status decode_and_round_trip(const std::string& kind, const std::string& text) {
  if (kind == "beatframe") {
    Result<BeatFrame> frame = decode_beat_frame(text);
    if (!frame.is_ok()) return frame.status();
    EXPECT_TRUE(validate_beat_frame(*frame).is_ok()) << validate_beat_frame(*frame).message();
    Result<BeatFrame> again = decode_beat_frame(encode_beat_frame(*frame));
    EXPECT_TRUE(again.is_ok()) << again.status().message();
    if (again.is_ok()) {
      EXPECT_TRUE(*again == *frame) << encode_beat_frame(*frame);
    }
    Result<BeatFrame> from_json = beat_frame_from_json(beat_frame_to_json(*frame));
    EXPECT_TRUE(from_json.is_ok() && *from_json == *frame);
    EXPECT_EQ(nlohmann::json::parse(encode_beat_frame(*frame)), beat_frame_to_json(*frame));
    return Status::ok();
  }
  if (kind == "statusclaim") {
    Result<StatusClaim> claim = decode_status_claim(text);
    if (!claim.is_ok()) return claim.status();
    EXPECT_TRUE(validate_status_claim(*claim).is_ok()) << validate_status_claim(*claim).message();
    Result<StatusClaim> again = decode_status_claim(encode_status_claim(*claim));
    EXPECT_TRUE(again.is_ok()) << again.status().message();
    if (again.is_ok()) {
      EXPECT_TRUE(*again == *claim) << encode_status_claim(*claim);
    }
    Result<StatusClaim> from_json = status_claim_from_json(status_claim_to_json(*claim));
    EXPECT_TRUE(from_json.is_ok() && *from_json == *claim);
    EXPECT_EQ(nlohmann::json::parse(encode_status_claim(*claim)), status_claim_to_json(*claim));
    return Status::ok();
  }
  if (kind == "barreport") {
    Result<BarReport> report = decode_bar_report(text);
    if (!report.is_ok()) return report.status();
    EXPECT_TRUE(validate_bar_report(*report).is_ok()) << validate_bar_report(*report).message();
    Result<BarReport> again = decode_bar_report(encode_bar_report(*report));
    EXPECT_TRUE(again.is_ok()) << again.status().message();
    if (again.is_ok()) {
      EXPECT_TRUE(*again == *report) << encode_bar_report(*report);
    }
    Result<BarReport> from_json = bar_report_from_json(bar_report_to_json(*report));
    EXPECT_TRUE(from_json.is_ok() && *from_json == *report);
    EXPECT_EQ(nlohmann::json::parse(encode_bar_report(*report)), bar_report_to_json(*report));
    return Status::ok();
  }
  ADD_FAILURE() << "unknown message kind " << kind;
  return Status::internal("unknown kind");
}

class ContractCaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(ContractCaseTest, DecodesAsExpected) {
  const Case& c = GetParam();
  SCOPED_TRACE(c.file + " / " + c.kind + " / " + c.name + "\n" + c.text);
  const Status status = decode_and_round_trip(c.kind, c.text);
  if (c.field.empty()) {
    EXPECT_TRUE(status.is_ok()) << status.message();
  } else {
    ASSERT_FALSE(status.is_ok());
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message().rfind(c.field + ": ", 0) == 0 ||
                  status.message().rfind(c.field + "[", 0) == 0 ||
                  status.message().rfind(c.field + ".", 0) == 0,
              true)
        << "message does not start with the field '" << c.field << "': " << status.message();
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, ContractCaseTest, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return test_name(info.param) + "_" + std::to_string(info.index);
                         });

TEST(ContractData, FilesLoadWithEnoughCases) {
  std::size_t examples = 0;
  std::size_t extra_invalid = 0;
  for (const Case& c : all_cases()) {
    if (c.file == "examples.json") ++examples;
    if (c.file == "extra-cases.json" && !c.field.empty()) ++extra_invalid;
  }
  EXPECT_EQ(examples, 42u);
  EXPECT_GE(extra_invalid, 15u);
}

}  // namespace
}  // namespace backbeat
