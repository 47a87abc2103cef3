#include <copas/async/this_task.hpp>

#include "current_job.hpp"
#include "stop_fd.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cmath>

namespace copas::async::this_task {

std::stop_token stop_token() noexcept {
  return detail::current_job ? detail::current_job->stop_token() : std::stop_token{};
}

bool stop_requested() noexcept { return stop_token().stop_requested(); }

bool sleep(double seconds) {
  using steady = std::chrono::steady_clock;
  detail::stop_fd wake(stop_token());
  const bool endless = !std::isfinite(seconds);
  const auto deadline =
      endless ? steady::time_point::max()
              : steady::now() + std::chrono::duration_cast<steady::duration>(
                                    std::chrono::duration<double>(seconds < 0 ? 0 : seconds));
  for (;;) {
    if (wake.stopped()) return false;
    int ms = -1;
    if (!endless) {
      auto left = deadline - steady::now();
      if (left <= steady::duration::zero()) return true;
      // Round up: never wake early.
      ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
    }
    pollfd p{wake.fd(), POLLIN, 0};
    // poll is a cancellation point, so a forced stop also ends this sleep.
    int rc = ::poll(wake.fd() >= 0 ? &p : nullptr, wake.fd() >= 0 ? 1 : 0, ms);
    if (rc > 0) return false;
    if (rc < 0 && errno != EINTR) return !wake.stopped();
  }
}

}  // namespace copas::async::this_task
