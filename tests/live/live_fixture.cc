#include "tests/live/live_fixture.h"

#include <gtest/gtest.h>

#include <optional>

namespace backbeat::live::testing {
namespace {

// One NatsLibraryGuard for the whole test run. Made in SetUp and closed in TearDown, not at
// static initialisation/destruction time (nats.c's own exit-time cleanup may already have run by
// then).
class NatsLibraryEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { guard_.emplace(); }
  void TearDown() override {
    const Status s = guard_->close();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    guard_.reset();
  }

 private:
  std::optional<NatsLibraryGuard> guard_;
};

[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new NatsLibraryEnvironment);

}  // namespace
}  // namespace backbeat::live::testing
