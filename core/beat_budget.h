// BeatBudgets: work run against a beat budget and cut off at its deadline beat, the asynchronous
// form of the seed's ExecuteWithBeatBudget ("delegate to the SDK's WithBeatBudget for timing
// enforcement; returns the error from the function or a timeout").
//
// start(beats, work, on_result) calls work(token, done) at once. Its result reaches on_result
// exactly once, always through the Clock (a timer due now; never from inside start() or done()):
// - the work's own outcome, when it calls done(status) before the deadline beat;
// - kDeadlineExceeded "beat budget exceeded: ..." at the deadline beat, when the work has not
//   called done by then: the token's stop is requested at the same moment;
// - the status given to cancel_all() (the integration stopping), with the stop requested too.
// The deadline beat is the first beat at which the work would be over its budget: start beat +
// beats + 1 (the reports' rule: an operation is over budget when its beats to complete exceed
// the budget). Budgets started before the client heard any beat count from the first one.
// An unenforced budget (the integration not started: the seed falls back to running fn plainly)
// has no deadline; only done() or cancel_all() end it.
//
// Work that ignores the token keeps running: nothing here can stop it. Its result was already
// delivered as "beat budget exceeded"; a done() after that (or a second done()) is ignored and
// counted in late_results. done() stays safe to call after the BeatBudgets is gone.
// Threads: start(), done() and the beats run on the clock's thread; a host that runs work on a
// thread of its own posts done() to its loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>

#include "core/beat_client.h"
#include "core/clock.h"
#include "core/status.h"

namespace backbeat {

class BeatBudgets {
 public:
  using Done = std::function<void(Status)>;
  using Work = std::function<void(std::stop_token, Done)>;
  using OnResult = std::function<void(Status)>;

  struct Counters {
    std::uint64_t started = 0;
    std::uint64_t completed = 0;     // the work's own outcome delivered (ok or its error)
    std::uint64_t cut_off = 0;       // "beat budget exceeded" delivered at the deadline beat
    std::uint64_t cancelled = 0;     // ended by cancel_all()
    std::uint64_t late_results = 0;  // done() after the result was delivered (ignored)
  };

  // Follows `client`'s beats (registers an on-beat callback); `client` must outlive this.
  explicit BeatBudgets(BeatClient& client);
  ~BeatBudgets();
  BeatBudgets(const BeatBudgets&) = delete;
  BeatBudgets& operator=(const BeatBudgets&) = delete;

  // kInvalidArgument through on_result (work not called) when beats < 1.
  void start(int beats, Work work, OnResult on_result, bool enforce);
  // Ends every pending budget with `why` (stop requested, result delivered).
  void cancel_all(const Status& why);

  std::size_t pending() const;
  const Counters& counters() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace backbeat
