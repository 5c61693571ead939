// backbeat-sim's exit codes: the contract with scripts and CI (documented in --help and README).
#pragma once

namespace backbeat::sim::cli {

enum ExitCode : int {
  kExitPass = 0,          // every assertion passed (replay: the fingerprint matched)
  kExitFail = 1,          // an assertion failed (replay: the fingerprint differed)
  kExitBadInput = 2,      // bad scenario file, flag or value
  kExitInternal = 3,      // internal error: I/O failure, nondeterminism found, a bug
  kExitInterrupted = 130  // stopped by Ctrl-C (128 + SIGINT): the run is partial
};

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 pass, 1 an assertion failed (replay: fingerprint mismatch), 2 bad input "
    "(scenario file, flag or value), 3 internal error (I/O, nondeterminism), 130 interrupted.";

}  // namespace backbeat::sim::cli
