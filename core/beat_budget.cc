#include "core/beat_budget.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace backbeat {

struct BeatBudgets::State : std::enable_shared_from_this<BeatBudgets::State> {
  struct Call {
    int beats = 1;
    bool enforce = true;
    std::optional<std::int64_t> start_beat;  // unset until the client has a beat
    std::stop_source stop;
    OnResult on_result;
  };
  enum class End { kCompleted, kCutOff, kCancelled };

  explicit State(BeatClient& c) : client(c), clock(c.clock()) {}

  BeatClient& client;
  Clock& clock;
  std::map<std::uint64_t, Call> calls;  // pending, by id
  std::uint64_t next_call = 1;
  std::map<std::uint64_t, Clock::TimerId> deliveries;  // results on their way, by key
  std::uint64_t next_delivery = 1;
  Counters counters;

  // Hands `status` to `on_result` through the clock.
  void deliver(OnResult on_result, Status status) {
    const std::uint64_t key = next_delivery++;
    std::weak_ptr<State> weak = weak_from_this();
    deliveries[key] = clock.schedule_at(
        clock.now(), [weak, key, on_result = std::move(on_result), status = std::move(status)] {
          if (auto self = weak.lock()) self->deliveries.erase(key);
          if (on_result) on_result(status);
        });
  }

  // Ends call `id` (if still pending) with `status`.
  void end(std::uint64_t id, Status status, End how) {
    auto it = calls.find(id);
    if (it == calls.end()) {
      ++counters.late_results;
      return;
    }
    Call call = std::move(it->second);
    calls.erase(it);
    if (how == End::kCompleted) {
      ++counters.completed;
    } else {
      ++(how == End::kCutOff ? counters.cut_off : counters.cancelled);
      call.stop.request_stop();
    }
    deliver(std::move(call.on_result), std::move(status));
  }

  void on_beat(const BeatFrame& frame) {
    std::vector<std::pair<std::uint64_t, std::string>> due;
    for (auto& [id, call] : calls) {
      if (!call.enforce) continue;
      if (!call.start_beat) call.start_beat = frame.beat_index;  // started before any beat
      const std::int64_t deadline = *call.start_beat + call.beats + 1;
      if (frame.beat_index >= deadline) {
        due.emplace_back(id, fmt::format("beat budget exceeded: {} beat(s) from beat {}, cut off "
                                         "at beat {}",
                                         call.beats, *call.start_beat, frame.beat_index));
      }
    }
    for (auto& [id, message] : due) {
      end(id, Status::deadline_exceeded(std::move(message)), End::kCutOff);
    }
  }
};

BeatBudgets::BeatBudgets(BeatClient& client) : state_(std::make_shared<State>(client)) {
  std::weak_ptr<State> weak = state_;
  client.on_beat([weak](const BeatFrame& frame) {
    if (auto self = weak.lock()) self->on_beat(frame);
  });
}

BeatBudgets::~BeatBudgets() {
  // Results not yet delivered are dropped with the budgets (their owner is going away).
  for (const auto& [key, timer] : state_->deliveries) state_->clock.cancel(timer);
  state_->deliveries.clear();
}

void BeatBudgets::start(int beats, Work work, OnResult on_result, bool enforce) {
  State& s = *state_;
  if (beats < 1) {
    s.deliver(std::move(on_result),
              Status::invalid_argument(fmt::format("beats: expected at least 1, got {}", beats)));
    return;
  }
  const std::uint64_t id = s.next_call++;
  State::Call call;
  call.beats = beats;
  call.enforce = enforce;
  if (s.client.has_beat()) call.start_beat = s.client.current_beat();
  call.on_result = std::move(on_result);
  std::stop_token token = call.stop.get_token();
  s.calls.emplace(id, std::move(call));
  ++s.counters.started;
  std::weak_ptr<State> weak = state_;
  Done done = [weak, id](Status status) {
    if (auto self = weak.lock()) self->end(id, std::move(status), State::End::kCompleted);
  };
  work(std::move(token), std::move(done));
}

void BeatBudgets::cancel_all(const Status& why) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, call] : state_->calls) ids.push_back(id);
  for (std::uint64_t id : ids) state_->end(id, why, State::End::kCancelled);
}

std::size_t BeatBudgets::pending() const {
  return state_->calls.size();
}

const BeatBudgets::Counters& BeatBudgets::counters() const {
  return state_->counters;
}

}  // namespace backbeat
