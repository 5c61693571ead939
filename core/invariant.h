// BACKBEAT_ASSERT: an invariant that stays checked in every build, Release included.
//
// An invariant violation is a bug in this program, never bad input (bad input gets a Status). The
// check is cheap and its failure is loud: it prints "file:line: invariant failed: <expression>
// (<why>)" to stderr and aborts, so a run never carries on from a state the code says cannot
// exist. Unlike assert(), NDEBUG does not compile it out (TigerBeetle-style: the assertions are
// what makes a simulated run's verdict trustworthy, so they run wherever the verdicts are made).
#pragma once

namespace backbeat {

// Reports the failed invariant on stderr and aborts. Called only by BACKBEAT_ASSERT.
[[noreturn]] void invariant_failed(const char* expression, const char* why, const char* file,
                                   int line);

}  // namespace backbeat

// `why` is a string literal saying what the invariant protects, e.g. "outages never below zero".
#define BACKBEAT_ASSERT(cond, why)              \
  (__builtin_expect(static_cast<bool>(cond), 1) \
       ? static_cast<void>(0)                   \
       : ::backbeat::invariant_failed(#cond, why, __FILE__, __LINE__))
