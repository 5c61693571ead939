// CLI11 validator for flags that take a real number of seconds (--ack-wait, --interval). CLI11's
// own CLI::Range lets NaN through (every comparison with NaN is false), and a NaN or an infinity
// turned into a duration is undefined behaviour; this one accepts only finite numbers in range.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/echo_text.h"

namespace backbeat::sim::cli {

// Seconds in [min, max], finite. The flag's text is checked before CLI11 converts it.
inline CLI::Validator seconds_flag(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& value) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) || v < min ||
            v > max) {
          return fmt::format("expected seconds in {}..{}, got '{}'", min, max, echo_text(value));
        }
        return {};
      },
      fmt::format("SECONDS in {}..{}", min, max), "seconds");
}

}  // namespace backbeat::sim::cli
