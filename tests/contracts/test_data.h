// Loading the contract test vectors from tests/data/contracts.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace backbeat::testing {

// The parsed JSON file tests/data/contracts/<name>, or a discarded value when it is unreadable.
inline nlohmann::json load_contract_data(const std::string& name) {
  std::ifstream in(std::string(BACKBEAT_TEST_DATA_DIR) + "/contracts/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);
}

}  // namespace backbeat::testing
