#pragma once
// Small helpers for the sync tests: elapsed time, and a default error handler that counts.

#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace copas::test {

inline double since(clock::time_point start) { return to_seconds(clock::now() - start); }

// How early a core timer may fire: never (libevent runs with EVENT_BASE_FLAG_PRECISE_TIMER).
// Kept as a named constant so that the timing assertions say what they allow.
inline constexpr double core_timer_early_slack = 0;

// A timed wait ends no earlier than asked, and at most a little late (a CI-robust bound).
#define EXPECT_WAITED(elapsed, t)                               \
  do {                                                          \
    const double e_ = (elapsed);                                \
    EXPECT_GE(e_, (t) - ::copas::test::core_timer_early_slack); \
    EXPECT_LE(e_, (t) + 0.05);                                  \
  } while (0)

// Scenarios with many fibers run this much slower in time under ThreadSanitizer, whose fiber
// switches and creations cost orders of magnitude more.
#if defined(__SANITIZE_THREAD__)
inline constexpr double sanitizer_time_scale = 4;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr double sanitizer_time_scale = 4;
#else
inline constexpr double sanitizer_time_scale = 1;
#endif
#else
inline constexpr double sanitizer_time_scale = 1;
#endif

// Installs a default error handler that records each message.
inline std::vector<std::string>& record_errors() {
  static std::vector<std::string> messages;
  seterrorhandler([](std::exception_ptr err, const thread&,
                     const socket_ref*) { messages.push_back(error_message(err)); },
                  true);
  return messages;
}

}  // namespace copas::test
