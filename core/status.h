// Status and Result: how the core reports failure across module boundaries (no exceptions).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/invariant.h"

namespace backbeat {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input: a frame, a claim, a configuration value
  kNotFound,            // e.g. an operation id the integration does not track
  kFailedPrecondition,  // e.g. not started, already started, disabled
  kDeadlineExceeded,    // a beat budget ran out
  kUnavailable,         // transport not connected or closed
  kResourceExhausted,   // a buffer or limit is full
  kInternal,
};

// Names a code in lower case ("invalid_argument"), for messages and JSON.
const char* status_code_name(StatusCode code);

// A success or an error code with a human-readable message. Cheap to copy when OK.
// [[nodiscard]]: an error dropped silently is a bug; a caller that really has nothing to do with
// it writes `(void)` and a comment saying why.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status failed_precondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status deadline_exceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status resource_exhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or "<code name>: <message>".
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none. Accessing the value of an error is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    BACKBEAT_ASSERT(!std::get<Status>(state_).is_ok(), "a Result built from a Status is an error");
  }

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return is_ok(); }

  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & {
    BACKBEAT_ASSERT(is_ok(), "the value of an error is never read");
    return std::get<T>(state_);
  }
  const T& value() const& {
    BACKBEAT_ASSERT(is_ok(), "the value of an error is never read");
    return std::get<T>(state_);
  }
  T&& value() && {
    BACKBEAT_ASSERT(is_ok(), "the value of an error is never read");
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace backbeat
