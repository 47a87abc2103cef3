#include "dispatcher_impl.hpp"
#include "reactor_algorithm.hpp"

#include <copas/core/pause.hpp>

#include <boost/fiber/operations.hpp>

#include <cmath>

namespace copas {

double pause(double delay) {
  auto& d = detail::current_impl();
  auto* s = d.current_state();
  auto start = clock::now();
  if (!(delay > 0)) {  // also NaN
    if (d.in_callback) throw std::logic_error("copas: a timeout callback must not block or yield");
    this_thread::check_cancelled();
    boost::this_fiber::yield();
    d.algo->finish_switch();
    this_thread::check_cancelled();
  } else {
    d.park(s, wait_kind::sleep, deadline_after(delay), nullptr);
  }
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
