#include "dispatcher_impl.hpp"

#include <copas/core/errors.hpp>
#include <copas/core/timeout.hpp>

#include <event2/event.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace copas {

using detail::thread_state;

namespace {

void on_user_timeout(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<thread_state*>(arg);
  auto& d = *s->disp;
  if (clock::now() < s->timeout_due) {  // see on_deadline in wait.cpp: never early
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(s->timeout_due - clock::now())
                    .count() +
                1;
    timeval tv{static_cast<time_t>(left / 1000000), static_cast<suseconds_t>(left % 1000000)};
    evtimer_add(s->user_timeout, &tv);
    return;
  }
  s->timeout_armed = false;
  --d.timeouts;
  ++d.events;
  d.activity = true;
  auto callback = std::move(s->timeout_callback);
  s->timeout_callback = nullptr;
  if (!callback) return;
  auto* props = detail::props_of(s->ctx);
  thread co(props ? props->state : nullptr);
  d.in_callback = true;
  try {
    callback(co);
  } catch (...) {
    // Copas runs these callbacks in its core timer thread and reports to the default handler.
    d.in_callback = false;
    auto handler = d.default_handler;
    thread timer(d.core_timer_state);
    try {
      if (handler)
        handler(std::current_exception(), timer, nullptr);
      else
        report_error(std::current_exception(), timer, nullptr);
    } catch (...) {
    }
  }
  d.in_callback = false;
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

bool timeout(double delay, std::function<void(const thread&)> callback) {
  if (delay < 0)
    throw std::invalid_argument("timout value must be greater than or equal to 0, got: " +
                                format_number(delay));
  auto& d = detail::current_impl();
  thread_state* s = d.current_state();
  s->disarm_timeout();
  if (delay == 0 || std::isinf(delay)) return true;

  if (!s->user_timeout) s->user_timeout = evtimer_new(d.base, on_user_timeout, s);
  s->timeout_callback = std::move(callback);
  double whole = std::floor(delay);
  timeval tv{static_cast<time_t>(whole),
             static_cast<suseconds_t>(std::ceil((delay - whole) * 1e6))};
  if (tv.tv_usec >= 1000000) {
    ++tv.tv_sec;
    tv.tv_usec -= 1000000;
  }
  s->timeout_due = deadline_after(delay);
  evtimer_add(s->user_timeout, &tv);
  s->timeout_armed = true;
  ++d.timeouts;
  return true;
}

}  // namespace copas
