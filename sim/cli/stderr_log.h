// -v: the agents' log lines on standard error, with the seed's levels ("log INFO  [agent] ...").
// `run -v` and `live -v` print the same lines. Each line is one fprintf, so lines from the live
// event loop's thread do not interleave with the command's own.
#pragma once

#include <cstdio>
#include <string_view>

#include "core/logger.h"

namespace backbeat::sim::cli {

class StderrLog final : public Logger {
 public:
  void info(std::string_view m) override { print("INFO ", m); }
  void warn(std::string_view m) override { print("WARN ", m); }
  void error(std::string_view m) override { print("ERROR", m); }

 private:
  static void print(const char* level, std::string_view m) {
    std::fprintf(stderr, "log %s %.*s\n", level, static_cast<int>(m.size()), m.data());
  }
};

}  // namespace backbeat::sim::cli
