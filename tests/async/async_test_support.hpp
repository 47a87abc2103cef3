#pragma once
// What the async tests count and wait for: threads, child processes, elapsed time.

#include <chrono>
#include <cstddef>
#include <functional>

namespace copas::test {

// Threads of this process (/proc/self/task).
std::size_t thread_count();

// True while this process has any child, running or zombie (waitid without reaping).
bool has_children();

// True while any process is in process group `pgid`.
bool group_alive(int pgid);

// Polls `pred` (outside any loop, sleeping the calling thread) until true or `seconds` pass.
bool eventually(const std::function<bool()>& pred, double seconds = 5.0);

// As eventually, but from inside a fiber: pauses it (other fibers keep running) between polls.
bool eventually_in_fiber(const std::function<bool()>& pred, double seconds = 10.0);

// A fiber that counts a tick every `interval` seconds until `stop` is set; both variables must
// outlive the loop (the fiber reads them after the code that started it has returned).
void start_ticker(double interval, int& ticks, const bool& stop);

// Seconds since `start`.
double since(std::chrono::steady_clock::time_point start);

// Extra slack for timing bounds when built with sanitizers.
#if defined(COPAS_TSAN)
inline constexpr double sanitizer_slack = 20.0;  // every access instrumented, 100 threads, 2 cores
#elif defined(COPAS_ASAN)
inline constexpr double sanitizer_slack = 5.0;
#else
inline constexpr double sanitizer_slack = 1.0;
#endif

// Threads a sanitizer runtime may add on its own (ThreadSanitizer's background thread).
#if defined(COPAS_TSAN)
inline constexpr std::size_t sanitizer_threads = 1;
#else
inline constexpr std::size_t sanitizer_threads = 0;
#endif

}  // namespace copas::test
