// KernelClock: the kernel's virtual time as a backbeat::Clock, for the harness parts that keep the
// run's time (sim/harness: workload arrivals, agent hosts' windows). No offset and no skew; a
// timer is a plain kernel event, so it fires exactly where kernel.schedule_at() would.
#pragma once

#include <utility>

#include "core/clock.h"
#include "sim/kernel/kernel.h"

namespace backbeat::sim {

class KernelClock final : public Clock {
 public:
  explicit KernelClock(Kernel& kernel) : kernel_(kernel) {}

  Time now() const override { return kernel_.now(); }
  TimerId schedule_at(Time when, Callback callback) override {
    return kernel_.schedule_at(when, std::move(callback));
  }
  void cancel(TimerId id) override { (void)kernel_.cancel(id); }

 private:
  Kernel& kernel_;
};

}  // namespace backbeat::sim
