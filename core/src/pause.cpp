#include "dispatcher_impl.hpp"
#include "reactor_algorithm.hpp"

#include <copas/core/pause.hpp>

#include <boost/fiber/operations.hpp>

#include <cmath>

namespace copas {

double pause(double delay) {
  auto& d = detail::current_impl();
  auto* s = d.current_state();
  if (!(delay > 0)) {  // also NaN
    if (d.in_callback) throw std::logic_error("copas: a timeout callback must not block or yield");
    if (s->cancel_requested) throw thread_cancelled{};
    // The hottest path of the scheduler: timed with the coarse clock, whose resolution (1-4 ms)
    // is plenty for "how long did my turn take to come back".
    auto start = coarse_now();
    s->ctx->yield();
    d.algo->finish_switch();
    if (s->cancel_requested) throw thread_cancelled{};
    return to_seconds(coarse_now() - start);
  }
  auto start = clock::now();
  d.park(s, wait_kind::sleep, deadline_after(delay), nullptr);
  return to_seconds(clock::now() - start);
}

double pauseforever() {
  auto& d = detail::current_impl();
  auto start = clock::now();
  d.park(d.current_state(), wait_kind::lethargy, clock::time_point::max(), nullptr);
  return to_seconds(clock::now() - start);
}

void sleep(double t) {
  if (t < 0) {
    pauseforever();
  } else {
    pause(t);
  }
}

bool wakeup(const thread& t) {
  auto* s = t.state();
  if (!s || !s->parked || s->is_driver) return false;
  if (s->kind != wait_kind::sleep && s->kind != wait_kind::lethargy) return false;
  s->disp->resume(s, wake_reason::woken);
  return true;
}

}  // namespace copas
