#pragma once
// Yielding the running fiber: pause, pauseforever, sleep (deprecated), wakeup.

#include <copas/core/thread.hpp>
#include <copas/core/time.hpp>

#include <chrono>

#include <copas/core/api_prefix.hpp>

namespace copas {

// Yields. delay <= 0: runs again in the next round, after every fiber already ready.
// delay > 0: sleeps that long (forever is allowed and keeps the loop alive).
// Returns the seconds actually slept (less if woken early by wakeup()); for delay <= 0 measured
// with the coarse monotonic clock (1-4 ms resolution), since a yield is the scheduler's hot path.
double pause(double delay = 0);

template <class Rep, class Period>
double pause(std::chrono::duration<Rep, Period> d) {
  return pause(to_seconds(d));
}

// Sleeps until wakeup(). Does not keep the loop alive by itself. Returns the seconds slept.
double pauseforever();

// Deprecated (use pause / pauseforever): t < 0 sleeps forever, 0 yields, t > 0 sleeps.
[[deprecated("use copas::pause or copas::pauseforever")]] void sleep(double t = 0);

// Wakes a fiber that is in pause(t > 0) or pauseforever(): it runs in the next round.
// Returns false ("not sleeping") for any other fiber: ready, running, waiting on a socket, lock
// or future, dead.
bool wakeup(const thread& t);

}  // namespace copas

#include <copas/core/api_suffix.hpp>
