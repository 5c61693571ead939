// Clock: the core's only source of time and of deferred work.
//
// The simulator implements it over virtual time, live mode over the steady clock; the core cannot
// tell which (docs/decisions.md, "One interface, two worlds").
#pragma once

#include <cstdint>
#include <functional>

#include "core/time.h"

namespace backbeat {

class Clock {
 public:
  using TimerId = std::uint64_t;
  using Callback = std::function<void()>;
  static constexpr TimerId kNoTimer = 0;

  virtual ~Clock() = default;

  // The current instant on this clock. Never goes backwards between two calls.
  virtual Time now() const = 0;

  // Runs `callback` once, at `when` or as soon after as the clock can. A `when` in the past runs
  // at the next opportunity, never from inside this call. Returns an id (never kNoTimer).
  virtual TimerId schedule_at(Time when, Callback callback) = 0;

  // Cancels a timer that has not fired. Unknown, fired or already cancelled ids are ignored.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace backbeat
