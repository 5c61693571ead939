// RecentBeats: the last `capacity` completion times of one operation type, in fixed memory (a
// ring): the window the adaptive budget estimator ranks (core/adaptive_budget.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace backbeat {

class RecentBeats {
 public:
  // `capacity` >= 1 (a smaller value reads as 1).
  explicit RecentBeats(std::size_t capacity) : values_(std::max<std::size_t>(capacity, 1)) {}

  // Records one completion, forgetting the oldest once the window is full.
  void add(std::int64_t beats) {
    values_[next_] = beats;
    next_ = (next_ + 1) % values_.size();
    size_ = std::min(size_ + 1, values_.size());
  }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return values_.size(); }
  // The window's values, ascending.
  std::vector<std::int64_t> sorted() const {
    std::vector<std::int64_t> out;
    out.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) out.push_back(values_[i]);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::vector<std::int64_t> values_;
  std::size_t next_ = 0;
  std::size_t size_ = 0;
};

}  // namespace backbeat
