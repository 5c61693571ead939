// NodeClock: backbeat::Clock for one simulated node, over the kernel's virtual time.
//
// Local time model (all integer nanoseconds, piecewise linear):
//   raw(v)   = L0 + e + floor(e * skew_ppb / 1e9),   e = v - V0
//   local(v) = max(raw(v), hold)
// where v is virtual time. Initially V0 = kernel epoch, L0 = kernel epoch + offset, hold = -inf,
// so local time = epoch + offset + elapsed * (1 + skew). The rate 1 + skew_ppb/1e9 must be
// positive: skew_ppb is clamped to (-1e9, 1e9).
//
// Faults mid-run (decision: the clock stays monotone, as Clock::now() promises):
// - set_skew_ppb() re-anchors at the current instant (V0 = now, L0 = local(now)): no jump, only the
//   rate changes from here on.
// - step_by(delta) jumps the local clock. Forward steps jump at once; a backward step is absorbed
// by
//   holding now() at its current reading (`hold`) until raw time catches up, like a monotonic clock
//   being slewed back. Pending timers are re-converted after every change, so each fires when the
//   local clock first reads its deadline under the new parameters (immediately if already passed).
//
// schedule_at(local) fires at the earliest virtual nanosecond v >= kernel.now() with
// local(v) >= local: exact (computed with integer arithmetic, no floating point), never earlier
// than the local deadline and never in the virtual past. Timers with deadlines reached at the same
// virtual instant fire in the order they were scheduled.
#pragma once

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "core/time.h"
#include "sim/kernel/kernel.h"

namespace backbeat::sim {

struct NodeClockOptions {
  // Local clock reading at the kernel's epoch, minus the epoch.
  Duration offset{0};
  // Rate error in parts per billion: +1000 runs 1 ppm fast.
  std::int64_t skew_ppb = 0;
};

// Parts per million to parts per billion, rounded to nearest (ties away from zero).
std::int64_t ppm_to_ppb(double ppm);

class NodeClock final : public Clock {
 public:
  explicit NodeClock(Kernel& kernel, NodeClockOptions options = {});
  NodeClock(const NodeClock&) = delete;
  NodeClock& operator=(const NodeClock&) = delete;
  // Cancels the pending timers (their callbacks are destroyed, never run).
  ~NodeClock() override;

  // Clock.
  Time now() const override { return local_at(kernel_.now()); }
  TimerId schedule_at(Time local_deadline, Callback callback) override;
  void cancel(TimerId id) override;

  // The local reading at virtual time `virtual_time` under the current parameters (meaningful for
  // virtual_time >= the last parameter change; earlier times are extrapolated).
  Time local_at(Time virtual_time) const;
  // The earliest virtual time >= kernel.now() at which the local clock reads >= `local_time`
  // (Time::max() if beyond representable time).
  Time virtual_time_for(Time local_time) const;

  // Changes the rate from now on, continuously (see above). Re-converts pending timers.
  void set_skew_ppb(std::int64_t skew_ppb);
  std::int64_t skew_ppb() const { return skew_ppb_; }
  // Jumps the local clock by `delta` (see above). Re-converts pending timers.
  void step_by(Duration delta);

  std::size_t pending_timers() const { return timers_.size(); }
  Kernel& kernel() const { return kernel_; }

 private:
  struct Timer {
    Time local_deadline;
    EventId event;
    Callback callback;
  };
  static void fire(void* self, std::uint64_t id);
  void reanchor();
  void reschedule_all();
  std::int64_t raw_local_ns(std::int64_t virtual_ns) const;

  Kernel& kernel_;
  std::int64_t anchor_virtual_;  // V0
  std::int64_t anchor_local_;    // L0
  std::int64_t skew_ppb_;
  std::int64_t hold_;  // local(v) = max(raw(v), hold_)
  TimerId next_id_ = 1;
  // Pending timers sorted by id (ids only grow, so scheduling appends): re-conversion order is
  // deterministic. A flat vector rather than a map: an agent holds a handful of timers and
  // re-arms its watchdog on every frame, so no allocation per timer.
  struct Entry {
    TimerId id;
    Timer timer;
  };
  std::vector<Entry> timers_;
  std::vector<Entry>::iterator find(TimerId id);
};

}  // namespace backbeat::sim
