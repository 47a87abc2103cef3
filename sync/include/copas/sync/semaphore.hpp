#pragma once
// copas::semaphore: a counting semaphore between fibers, strictly FIFO.
//
//   copas::semaphore s(10, 5);       // holds at most 10 resources, starts with 5, timeout 10 s
//   if (s.take(3)) { ...; s.give(3); }
//
// Semantics:
// - take(n) succeeds at once when no live waiter is ahead and n resources are available.
//   Otherwise the fiber joins a FIFO and is served when enough resources are given. A large
//   request at the head is not overtaken by smaller ones behind it (head-of-line blocking).
// - take errors: "too many" when n > max (never waits), "timeout", "destroyed".
// - timeout: std::nullopt = the semaphore's default (10 s unless given), 0 = never yield,
//   copas::forever = wait forever.
// - give(n) adds n resources, capped at max (then it returns "too many", but the capped give
//   still takes effect and still serves waiters), and serves waiters from the head while they fit.
// - get_wait() = resources requested by the waiters - resources available (so it is -count
//   without waiters): give(get_wait()) releases every waiter.
// - destroy() wakes every waiter with "destroyed" (all of them, unlike Copas 4.11); afterwards
//   every method returns "destroyed".
// - A waiting fiber that is removed (removethread) leaves the queue; the waiters behind it are
//   served if they now fit.
//
// A semaphore is a handle: copies refer to the same semaphore. It belongs to the dispatcher of
// the thread that created it (see affinity.hpp).

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <copas/core/api_prefix.hpp>

namespace copas {

class semaphore {
 public:
  // max: resources the semaphore can hold (>= 1). start: resources at creation, 0..max (Copas
  // accepts start > max; copas-cpp refuses it). timeout: default for take() (>= 0, default 10).
  // Throws std::invalid_argument with Copas's messages:
  //   "expected max resources (1st argument) to be a number greater than 0, got: <max>"
  //   "expected start (2nd argument) to be a number from 0 to max, got: <start>"
  //   "expected timeout (2nd argument) to be a number greater than or equal to 0, got: <t>"
  //   (sic: Copas says 2nd for the 3rd argument).
  explicit semaphore(std::int64_t max, std::int64_t start = 0,
                     std::optional<double> timeout = std::nullopt);

  // Takes `requested` (>= 0) resources. Throws std::invalid_argument for a negative request or
  // a negative/NaN timeout, and copas::thread_cancelled if the fiber is removed meanwhile.
  result<void> take(std::int64_t requested = 1, std::optional<double> timeout = std::nullopt);
  template <class Rep, class Period>
  result<void> take(std::int64_t requested, std::chrono::duration<Rep, Period> timeout) {
    return take(requested, std::optional<double>(to_seconds(timeout)));
  }

  // Gives `given` (>= 0) resources; "too many" if capped at max, "destroyed".
  result<void> give(std::int64_t given = 1);

  result<std::int64_t> get_count() const;
  result<std::int64_t> get_wait() const;

  result<void> destroy();

  std::int64_t max() const;
  double timeout() const;
  bool destroyed() const;

  friend bool operator==(const semaphore& a, const semaphore& b) noexcept { return a.s_ == b.s_; }

 private:
  struct state;
  std::shared_ptr<state> s_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
