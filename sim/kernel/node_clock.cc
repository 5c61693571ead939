#include "sim/kernel/node_clock.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/invariant.h"

namespace backbeat::sim {
namespace {

constexpr std::int64_t kBillion = 1'000'000'000;
constexpr std::int64_t kMaxSkew = kBillion - 1;
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// floor(a / b) for b > 0.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b) != 0 && a < 0) --q;
  return q;
}

// floor(e * ppb / 1e9) without overflow for |ppb| < 1e9: e = q*1e9 + r, 0 <= r < 1e9.
std::int64_t scaled(std::int64_t e, std::int64_t ppb) {
  const std::int64_t q = floor_div(e, kBillion);
  const std::int64_t r = e - q * kBillion;
  return q * ppb + floor_div(r * ppb, kBillion);
}

std::int64_t clamp_skew(std::int64_t ppb) {
  return ppb > kMaxSkew ? kMaxSkew : (ppb < -kMaxSkew ? -kMaxSkew : ppb);
}

}  // namespace

std::int64_t ppm_to_ppb(double ppm) {
  return static_cast<std::int64_t>(std::llround(ppm * 1e3));
}

NodeClock::NodeClock(Kernel& kernel, NodeClockOptions options)
    : kernel_(kernel),
      anchor_virtual_(kernel.epoch().time_since_epoch().count()),
      anchor_local_(anchor_virtual_ + options.offset.count()),
      skew_ppb_(clamp_skew(options.skew_ppb)),
      hold_(kMin) {}

NodeClock::~NodeClock() {
  for (auto& entry : timers_) kernel_.cancel(entry.timer.event);
}

std::vector<NodeClock::Entry>::iterator NodeClock::find(TimerId id) {
  auto it = std::lower_bound(timers_.begin(), timers_.end(), id,
                             [](const Entry& e, TimerId key) { return e.id < key; });
  return it != timers_.end() && it->id == id ? it : timers_.end();
}

std::int64_t NodeClock::raw_local_ns(std::int64_t virtual_ns) const {
  const std::int64_t e = virtual_ns - anchor_virtual_;
  return anchor_local_ + e + scaled(e, skew_ppb_);
}

Time NodeClock::local_at(Time virtual_time) const {
  const std::int64_t raw = raw_local_ns(virtual_time.time_since_epoch().count());
  return Time(Duration(raw > hold_ ? raw : hold_));
}

Time NodeClock::virtual_time_for(Time local_time) const {
  const std::int64_t now_v = kernel_.now().time_since_epoch().count();
  const std::int64_t target = local_time.time_since_epoch().count();
  if (target <= hold_) return kernel_.now();
  // Smallest e with floor(e * R / 1e9) >= D, R = 1e9 + skew: e = ceil(D * 1e9 / R).
  // With D = q*R + r (0 <= r < R): e = q*1e9 + ceil(r*1e9 / R); r*1e9 < 2e18 fits.
  const std::int64_t rate = kBillion + skew_ppb_;
  if (anchor_local_ > 0 && target < kMin + anchor_local_) return kernel_.now();
  const std::int64_t d = target - anchor_local_;
  const std::int64_t q = floor_div(d, rate);
  const std::int64_t r = d - q * rate;
  if (q > (kMax / kBillion) - 2) return Time::max();
  const std::int64_t e = q * kBillion + floor_div(r * kBillion + rate - 1, rate);
  if (e > kMax - anchor_virtual_) return Time::max();
  const std::int64_t v = anchor_virtual_ + e;
  return Time(Duration(v > now_v ? v : now_v));
}

Clock::TimerId NodeClock::schedule_at(Time local_deadline, Callback callback) {
  const TimerId id = next_id_++;
  const EventId event = kernel_.schedule_at(virtual_time_for(local_deadline), &NodeClock::fire,
                                            this, static_cast<std::uint64_t>(id));
  timers_.push_back({id, Timer{local_deadline, event, std::move(callback)}});
  return id;
}

void NodeClock::cancel(TimerId id) {
  auto it = find(id);
  if (it == timers_.end()) return;
  kernel_.cancel(it->timer.event);
  timers_.erase(it);
}

void NodeClock::fire(void* self, std::uint64_t id) {
  auto* clock = static_cast<NodeClock*>(self);
  auto it = clock->find(id);
  if (it == clock->timers_.end()) return;
  BACKBEAT_ASSERT(clock->now() >= it->timer.local_deadline,
                  "a timer never fires before its local deadline");
  Callback callback = std::move(it->timer.callback);
  clock->timers_.erase(it);
  callback();
}

void NodeClock::reanchor() {
  const std::int64_t now_v = kernel_.now().time_since_epoch().count();
  anchor_local_ = raw_local_ns(now_v);
  anchor_virtual_ = now_v;
}

void NodeClock::set_skew_ppb(std::int64_t skew_ppb) {
  const Time before = now();
  reanchor();
  skew_ppb_ = clamp_skew(skew_ppb);
  BACKBEAT_ASSERT(now() == before, "a rate change does not move the local clock");
  reschedule_all();
}

void NodeClock::step_by(Duration delta) {
  const std::int64_t before = now().time_since_epoch().count();
  reanchor();
  anchor_local_ += delta.count();
  if (delta.count() < 0 && before > hold_) hold_ = before;
  BACKBEAT_ASSERT(now().time_since_epoch().count() >= before,
                  "a local clock never goes backwards (Clock::now)");
  reschedule_all();
}

void NodeClock::reschedule_all() {
  for (auto& [id, timer] : timers_) {
    kernel_.cancel(timer.event);
    timer.event = kernel_.schedule_at(virtual_time_for(timer.local_deadline), &NodeClock::fire,
                                      this, static_cast<std::uint64_t>(id));
  }
}

}  // namespace backbeat::sim
