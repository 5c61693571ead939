// Diagnostic: one problem found in a scenario, located for the user.
//
// Printed as   FILE:LINE:COLUMN: /json/pointer: what was expected
// or, when a --set override supplied the value,   --set PATH=VALUE: /json/pointer: ...
// Pointers are RFC 6901 JSON pointers into the document ("" names the whole document and prints
// as "/").
#pragma once

#include <string>
#include <vector>

namespace backbeat::sim::scenario {

struct Diagnostic {
  std::string location;  // "file:line:column" or "--set PATH=VALUE"
  std::string pointer;
  std::string message;
  int line = 0;  // 0 when not located in the file (e.g. a --set override); used for ordering
  int column = 0;

  std::string to_string() const {
    return location + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + message;
  }
};

// One diagnostic per line.
inline std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

}  // namespace backbeat::sim::scenario
