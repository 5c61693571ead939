// The one line every run prints so it can be run again exactly: the scenario as the user named
// it, the seed, and every --set override in order, each quoted for a POSIX shell.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backbeat::sim::cli {

// `word` as one shell word: bare when it holds only characters no shell treats specially,
// '...' otherwise (a ' inside written as '\''), and $'...' with \xNN escapes when it holds a
// control character, so the line never carries a raw escape sequence to the terminal.
std::string shell_quoted(std::string_view word);

// "backbeat-sim run SCENARIO --seed N --set 'A=1' ...".
std::string reproduce_command(const std::string& scenario, std::uint64_t seed,
                              const std::vector<std::string>& sets);

}  // namespace backbeat::sim::cli
