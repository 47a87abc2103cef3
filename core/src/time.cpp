#include <copas/core/time.hpp>

#include <time.h>
#include <cmath>

namespace copas {

double gettime() noexcept {
  using namespace std::chrono;
  return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

clock::time_point deadline_after(double s) noexcept {
  if (std::isnan(s) || s >= to_seconds(clock::time_point::max() - clock::now()))
    return clock::time_point::max();
  if (s < 0) s = 0;
  return clock::now() + std::chrono::duration_cast<clock::duration>(seconds(s));
}

// std::chrono::steady_clock is CLOCK_MONOTONIC on Linux (libstdc++), the coarse clock's base.
clock::time_point coarse_now() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return clock::time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

}  // namespace copas
