// Logger: how the integration reports to its host (the seed's Logger interface, plus debug).
#pragma once

#include <string_view>

namespace backbeat {

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void info(std::string_view message) = 0;
  virtual void warn(std::string_view message) = 0;
  virtual void error(std::string_view message) = 0;
  // Per-beat chatter goes here; hosts that do not want it keep the default.
  virtual bool debug_enabled() const { return false; }
  virtual void debug(std::string_view /*message*/) {}
};

// Discards everything: for hosts (and simulated agents) that do not log.
class NullLogger final : public Logger {
 public:
  void info(std::string_view) override {}
  void warn(std::string_view) override {}
  void error(std::string_view) override {}
};

}  // namespace backbeat
