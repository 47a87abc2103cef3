#pragma once
// copas::lock: a mutual-exclusion lock between fibers, with Copas's semantics.
//
//   copas::lock l;                       // default timeout 10 s, re-entrant
//   if (auto r = l.get()) {              // r.value(): seconds waited
//     ...
//     l.release();
//   } else {
//     r.error().message();               // "timeout" or "destroyed"; r.wait_time() still set
//   }
//
// Or, releasing on every exit path (including a fiber unwound by removethread):
//
//   if (copas::lock_guard g{l}) { ... }
//
// Semantics:
// - get() on a free lock, or a re-entrant get() by the owner, succeeds at once with 0.
// - Otherwise the fiber joins a strict FIFO. release() hands the lock directly to the first
//   waiter, before it runs: a fiber calling get() in between finds it owned and queues behind.
// - timeout: std::nullopt = the lock's default (10 s unless given), 0 = never yield (fail with
//   "timeout" at once, without touching the queue), copas::forever = wait forever.
// - A not re-entrant lock blocks its own owner like any other fiber (normally ending in
//   "timeout").
// - The lock is not released when its owner fiber ends or is removed, unless a lock_guard holds
//   it. A waiting fiber that is removed leaves the queue; nothing is handed to it.
// - destroy() wakes every waiter with "destroyed"; afterwards every method returns "destroyed".
//
// A lock is a handle: copies refer to the same lock (like a Lua table). It belongs to the
// dispatcher of the thread that created it (see affinity.hpp).

#include <copas/core/error.hpp>
#include <copas/core/thread.hpp>
#include <copas/core/time.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

// The outcome of lock::get: the seconds waited, or an error ("timeout", "destroyed") that still
// tells how long the fiber waited (Copas's nil, err, wait_time). wait_time() is set either way.
class lock_result : public result<double> {
  using base = copas::result<double>;

 public:
  static lock_result success(double waited) { return lock_result(waited); }
  static lock_result failure(copas::error e, double waited) {
    return lock_result(std::move(e), waited);
  }

  double wait_time() const noexcept { return wait_time_; }

 private:
  explicit lock_result(double waited)
      : base(boost::system::in_place_value, waited), wait_time_(waited) {}
  lock_result(copas::error e, double waited)
      : base(boost::system::in_place_error, std::move(e)), wait_time_(waited) {}
  double wait_time_;
};

class lock {
 public:
  // timeout: default for get(), in seconds (>= 0, copas::forever allowed; default 10).
  // Throws std::invalid_argument "expected timeout (1st argument) to be a number greater than
  // or equal to 0, got: <timeout>".
  explicit lock(std::optional<double> timeout = std::nullopt, bool not_reentrant = false);

  // Acquires the lock (see the semantics above). Throws std::invalid_argument for a negative or
  // NaN timeout (before queueing), and copas::thread_cancelled if the fiber is removed meanwhile.
  lock_result get(std::optional<double> timeout = std::nullopt);
  template <class Rep, class Period>
  lock_result get(std::chrono::duration<Rep, Period> timeout) {
    return get(std::optional<double>(to_seconds(timeout)));
  }

  // Releases one level of ownership. Errors: "cannot release a lock not owned" (errc::not_owner)
  // when the running fiber is not the owner, "destroyed".
  result<void> release();

  // Wakes every waiter with "destroyed"; later calls return "destroyed".
  result<void> destroy();

  // Copas's readable fields; they stay readable after destroy().
  double timeout() const;
  bool not_reentrant() const;
  thread owner() const;  // empty handle when free
  bool destroyed() const;

  friend bool operator==(const lock& a, const lock& b) noexcept { return a.s_ == b.s_; }

 private:
  struct state;
  std::shared_ptr<state> s_;
};

// Holds a lock for a scope: gets it on construction, releases it on destruction if it got it
// (also when the fiber is unwound by thread_cancelled).
class lock_guard {
 public:
  explicit lock_guard(lock& l, std::optional<double> timeout = std::nullopt)
      : lock_(l), got_(l.get(timeout)) {}
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;
  ~lock_guard() {
    if (got_) lock_.release();
  }

  explicit operator bool() const noexcept { return got_.has_value(); }
  const lock_result& outcome() const noexcept { return got_; }

 private:
  lock lock_;
  lock_result got_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
