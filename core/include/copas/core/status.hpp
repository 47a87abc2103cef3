#pragma once
// copas::status(): what the dispatcher holds right now, and optional timing statistics.

#include <optional>

#include <copas/core/api_prefix.hpp>

namespace copas {

struct status_report {
  bool running = false;        // loop() is running
  int read = 0;                // fibers waiting for a socket to become readable (servers included)
  int write = 0;               // fibers waiting for a socket to become writable
  int active = 0;              // fibers ready to run
  int timer = 0;               // fibers in pause(t > 0)
  int inactive = 0;            // fibers in pauseforever() or waiting on a lock, semaphore or queue
  int timeout = 0;             // pending copas::timeout() timers and armed sync-wait deadlines
  long failed_handshakes = 0;  // server-side TLS handshakes that failed on this dispatcher, ever

  // Present only with statistics on and at least one poll measured since the previous call.
  // Durations are milliseconds (microsecond precision); times are seconds (ms precision).
  struct statistics {
    long steps = 0;                      // polls measured
    double duration_tot = 0;             // ms spent running fibers (not blocked in the poller)
    double duration_min = 0;             // shortest step, ms
    double duration_max = 0;             // longest step, ms
    std::optional<double> duration_avg;  // duration_tot / steps; absent when steps == 0
    double duration_min_ever = 0;        // ms, since statistics were switched on
    double duration_max_ever = 0;        // ms, since statistics were switched on
    double time_start = 0;               // s, start of this measuring period (gettime clock)
    double time_end = 0;                 // s, now
    double time_tot = 0;                 // s, time_end - time_start
    std::optional<double> time_avg;      // ms, time_tot / steps
  };
  std::optional<statistics> stats;
};

// The basic fields. With enable_stats == true: switches statistics on and resets them (that call
// returns only the basic fields). false switches them off. While on, each call without an argument
// returns the statistics gathered since the previous call and resets them.
status_report status(std::optional<bool> enable_stats = std::nullopt);

namespace detail {
// Counts one failed server-side TLS handshake on the running dispatcher (net's servers call it).
void count_failed_handshake() noexcept;
}  // namespace detail

}  // namespace copas

#include <copas/core/api_suffix.hpp>
