// BACKBEAT_SKIP(reason): GTEST_SKIP, or a failure when BACKBEAT_NO_SKIP=1. CI installs every
// optional tool (openssl, Chromium, python3-jsonschema), so there a skip means a broken install.
// Test support, never production.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace backbeat::testing {

inline bool skips_are_failures() {
  const char* value = std::getenv("BACKBEAT_NO_SKIP");
  return value != nullptr && std::string_view(value) == "1";
}

}  // namespace backbeat::testing

#define BACKBEAT_SKIP(reason)                                                  \
  do {                                                                         \
    if (::backbeat::testing::skips_are_failures()) {                           \
      FAIL() << (reason) << " (BACKBEAT_NO_SKIP=1: a skip is a failure here)"; \
    }                                                                          \
    GTEST_SKIP() << (reason);                                                  \
  } while (0)
