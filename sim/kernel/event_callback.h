// EventCallback: the move-only, type-erased `void()` an event runs.
//
// Callables up to kInlineSize bytes (and alignment <= 16) are stored inline: scheduling them never
// allocates. That covers lambdas capturing a few pointers/integers and a std::function (32 bytes in
// libstdc++). Larger callables are moved to the heap. The cheapest form is the raw one: a function
// pointer, a context pointer and a 64-bit argument (`EventCallback(fn, ctx, arg)`), which the
// simulated world uses for millions of deliveries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace backbeat::sim {

class EventCallback {
 public:
  using RawFn = void (*)(void* context, std::uint64_t arg);
  static constexpr std::size_t kInlineSize = 48;
  static constexpr std::size_t kInlineAlign = 16;

  EventCallback() = default;
  EventCallback(RawFn fn, void* context, std::uint64_t arg) { emplace_raw(fn, context, arg); }
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, EventCallback> &&
           std::is_invocable_r_v<void, std::remove_cvref_t<F>&>)
      EventCallback(F&& f) {  // NOLINT(google-explicit-constructor)
    emplace(std::forward<F>(f));
  }
  EventCallback(EventCallback&& other) noexcept { take(other); }
  EventCallback& operator=(EventCallback&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  EventCallback(const EventCallback&) = delete;
  EventCallback& operator=(const EventCallback&) = delete;
  ~EventCallback() { reset(); }

  // Replaces the held callable (the old one is destroyed first).
  template <typename F>
  void emplace(F&& f) {
    using T = std::remove_cvref_t<F>;
    reset();
    if constexpr (sizeof(T) <= kInlineSize && alignof(T) <= kInlineAlign &&
                  std::is_nothrow_move_constructible_v<T>) {
      ::new (static_cast<void*>(storage_)) T(std::forward<F>(f));
      ops_ = &kInlineOps<T>;
    } else {
      T* p = new T(std::forward<F>(f));
      std::memcpy(storage_, &p, sizeof(p));
      ops_ = &kHeapOps<T>;
    }
  }
  void emplace_raw(RawFn fn, void* context, std::uint64_t arg) {
    reset();
    ::new (static_cast<void*>(storage_)) Raw{fn, context, arg};
    ops_ = &kRawOps;
  }

  // Runs the callable. Calling an empty EventCallback is a bug.
  void operator()() { ops_->invoke(storage_); }
  explicit operator bool() const { return ops_ != nullptr; }
  // Destroys the held callable; the callback becomes empty.
  void reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    void (*invoke)(void* storage);
    // nullptr: trivially relocatable (memcpy) and trivially destructible.
    void (*relocate)(void* dst, void* src);
    void (*destroy)(void* storage);
  };
  struct Raw {
    RawFn fn;
    void* context;
    std::uint64_t arg;
  };

  template <typename T>
  static constexpr bool kTrivial =
      std::is_trivially_copyable_v<T>&& std::is_trivially_destructible_v<T>;

  template <typename T>
  static constexpr Ops kInlineOps{
      [](void* s) { (*std::launder(static_cast<T*>(s)))(); },
      kTrivial<T> ? nullptr
                  : +[](void* dst, void* src) {
                      T* from = std::launder(static_cast<T*>(src));
                      ::new (dst) T(std::move(*from));
                      from->~T();
                    },
      kTrivial<T> ? nullptr : +[](void* s) { std::launder(static_cast<T*>(s))->~T(); }};
  template <typename T>
  static T* heap_ptr(void* s) {
    T* p;
    std::memcpy(&p, s, sizeof(p));
    return p;
  }
  template <typename T>
  static constexpr Ops kHeapOps{[](void* s) { (*heap_ptr<T>(s))(); }, nullptr,
                                [](void* s) { delete heap_ptr<T>(s); }};
  static constexpr Ops kRawOps{[](void* s) {
                                 const Raw* r = std::launder(static_cast<const Raw*>(s));
                                 r->fn(r->context, r->arg);
                               },
                               nullptr, nullptr};

  void take(EventCallback& other) noexcept {
    ops_ = other.ops_;
    if (ops_ == nullptr) return;
    if (ops_->relocate != nullptr) {
      ops_->relocate(storage_, other.storage_);
    } else {
      std::memcpy(storage_, other.storage_, kInlineSize);
    }
    other.ops_ = nullptr;
  }

  alignas(kInlineAlign) unsigned char storage_[kInlineSize];
  const Ops* ops_ = nullptr;
};

}  // namespace backbeat::sim
