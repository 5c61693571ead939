// Diagnostic: one problem found in a scenario, located for the user.
//
// Printed as   FILE:LINE:COLUMN: /json/pointer: what was expected
// or, when a --set override supplied the value,   --set PATH=VALUE: /json/pointer: ...
// Pointers are RFC 6901 JSON pointers into the document ("" names the whole document and prints
// as "/").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/scenario/echo_text.h"

namespace backbeat::sim::scenario {

struct Diagnostic {
  std::string location;  // "file:line:column" or "--set PATH=VALUE"
  std::string pointer;
  std::string message;
  int line = 0;  // 0 when not located in the file (e.g. a --set override); used for ordering
  int column = 0;

  // One printable line whatever the scenario held: a key or value with a control character is
  // quoted into the message and pointer, and is shown as \xNN (sim/scenario/echo_text.h).
  std::string to_string() const {
    return printable(location + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " +
                     message);
  }
};

// The most diagnostics one load keeps and prints: the first ones in text order (--set
// overrides first). The rest are only counted, so a file with a million mistakes costs kilobytes
// of output, not hundreds of megabytes.
inline constexpr std::size_t kMaxDiagnostics = 50;

// One diagnostic per line; then, when `unshown` > 0, "and K more problems not shown".
inline std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics,
                                      std::size_t unshown = 0) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.to_string() + "\n";
  if (unshown > 0) {
    out += "and " + std::to_string(unshown) + " more problem" + (unshown == 1 ? "" : "s") +
           " not shown (the first " + std::to_string(diagnostics.size()) + " are above)\n";
  }
  return out;
}

}  // namespace backbeat::sim::scenario
