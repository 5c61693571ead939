// Logger: how the integration reports to its host (the seed's Logger interface, plus debug).
// The seed logs its beat, downbeat and cleanup lines with Info, as the integration does; a host
// that discards info (NullLogger) says so through info_enabled(), so per-beat lines cost nothing.
#pragma once

#include <string_view>

namespace backbeat {

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void info(std::string_view message) = 0;
  virtual void warn(std::string_view message) = 0;
  virtual void error(std::string_view message) = 0;
  // False when info() discards everything (the integration then skips formatting).
  virtual bool info_enabled() const { return true; }
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
  bool info_enabled() const override { return false; }
};

}  // namespace backbeat
