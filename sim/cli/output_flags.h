// CLI11 validators for flags that name outputs (--out, --trace): the rules of output_path.h,
// checked while the command line is parsed, so a bad output path is exit 2 before any scenario
// is loaded or any simulation runs. They inspect only; nothing is created here.
#pragma once

#include <CLI/CLI.hpp>
#include <span>
#include <string>
#include <string_view>

#include "sim/cli/output_path.h"

namespace backbeat::sim::cli {

// A flag that names a file ("-" streams to standard output).
inline CLI::Validator output_file_flag() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        Status s = check_output_file(value);
        return s ? std::string() : s.message();
      },
      "", "output file");
}

// A flag that names a directory that will hold `files`.
inline CLI::Validator output_directory_flag(std::span<const std::string_view> files) {
  return CLI::Validator(
      [files](std::string& value) -> std::string {
        Status s = check_output_directory_path(value, files);
        return s ? std::string() : s.message();
      },
      "", "output directory");
}

}  // namespace backbeat::sim::cli
