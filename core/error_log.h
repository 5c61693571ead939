// ErrorLog: the most recent error messages, bounded, plus a count of every error ever recorded.
// Health reports show the list; the count lets callers ask "anything new since last time?".
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace backbeat {

class ErrorLog {
 public:
  explicit ErrorLog(std::size_t capacity = 32) : capacity_(capacity == 0 ? 1 : capacity) {}

  void record(std::string message) {
    ++total_;
    if (recent_.size() == capacity_) recent_.pop_front();
    recent_.push_back(std::move(message));
  }

  // Oldest first; at most `capacity` entries.
  std::vector<std::string> recent() const { return {recent_.begin(), recent_.end()}; }
  std::uint64_t total() const { return total_; }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::uint64_t total_ = 0;
  std::deque<std::string> recent_;
};

}  // namespace backbeat
