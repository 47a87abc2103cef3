#pragma once
// copas::timer: a callback run after a delay, once or recurring, in a fiber of its own.
//
//   copas::timer tick({.recurring = true, .delay = 0.5,
//                      .callback = [](copas::timer& t, std::any& params) { ... }});
//   tick.cancel();
//
// Semantics:
// - The timer is armed on construction (with initial_delay, else delay). Each arm starts a fiber
//   named after the timer that sleeps the first delay, then calls callback(timer, params).
// - One-shot: the timer is disarmed before the callback runs, so the callback may arm() it again.
// - Recurring: after each callback, unless cancelled, it sleeps `delay` again: the period runs
//   from the end of one callback to the start of the next (drift accumulates, as in Copas).
// - An initial delay of 0 still yields once: the callback runs in the next round.
// - An exception from the callback goes to the timer fiber's error handler (options.errorhandler,
//   else the default one) with the timer fiber; a recurring timer keeps running.
// - arm(initial_delay) on an armed timer returns "already armed"; cancel() on a timer that is
//   not armed returns "not armed". cancel() wakes a sleeping timer fiber, which ends without
//   calling back; cancelling from inside the callback lets the callback finish. Each arm is its
//   own generation, so cancel() then arm() from the callback never leaves the old fiber looping
//   (Copas #213). ("already cancelled" cannot happen in copas-cpp.)
// - An armed timer keeps loop() alive, even when no handle to it is kept.
//
// A timer is a handle: copies refer to the same timer. It belongs to the dispatcher of the thread
// that created it (see affinity.hpp).

#include <copas/core/error.hpp>
#include <copas/core/errors.hpp>

#include <any>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas {

class timer;

struct timer_options {
  std::optional<std::string> name{};  // default "copas_timer_<n>"; also the fiber's name
  bool recurring = false;
  std::optional<double> delay{};          // seconds, required, >= 0
  std::optional<double> initial_delay{};  // first delay; default: delay
  std::any params{};                      // handed to every callback, the same object each time
  std::function<void(timer&, std::any& params)> callback{};  // required
  error_handler errorhandler{};  // the timer fiber's handler; empty = default handler
};

class timer {
 public:
  // Creates and arms the timer. Throws std::invalid_argument "delay must be greater than or
  // equal to 0" (delay missing, negative or NaN, or a bad initial_delay) or "expected callback
  // to be a function".
  explicit timer(timer_options options);

  // Arms a timer that is not armed (never, fired one-shot, or cancelled). initial_delay: the
  // first delay (default: delay); throws std::invalid_argument "delay must be greater than or
  // equal to 0" if negative. Returns the timer, or "already armed".
  result<timer> arm(std::optional<double> initial_delay = std::nullopt);

  // Disarms the timer. Returns the timer, or "not armed".
  result<timer> cancel();

  bool armed() const;
  const std::string& name() const;
  double delay() const;
  bool recurring() const;
  std::any& params() const;

  friend bool operator==(const timer& a, const timer& b) noexcept { return a.s_ == b.s_; }

 private:
  struct state;
  explicit timer(std::shared_ptr<state> s) : s_(std::move(s)) {}
  static void run(std::shared_ptr<state> s, unsigned long generation, double first_delay);
  std::shared_ptr<state> s_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
