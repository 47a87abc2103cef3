#include "dispatcher_impl.hpp"

#include <copas/core/errors.hpp>
#include <copas/core/timeout.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace copas {

using detail::thread_state;

namespace {

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

namespace detail {

void fire_user_timeout(timer& t) {
  auto* s = static_cast<thread_state*>(t.owner);
  auto& d = *s->disp;
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
    thread timer_thread(d.core_timer_state);
    try {
      if (handler)
        handler(std::current_exception(), timer_thread, nullptr);
      else
        report_error(std::current_exception(), timer_thread, nullptr);
    } catch (...) {
    }
  }
  d.in_callback = false;
}

}  // namespace detail

bool timeout(double delay, std::function<void(const thread&)> callback) {
  if (delay < 0)
    throw std::invalid_argument("timout value must be greater than or equal to 0, got: " +
                                format_number(delay));
  auto& d = detail::current_impl();
  thread_state* s = d.current_state();
  s->disarm_timeout();
  if (delay == 0 || std::isinf(delay)) return true;

  s->timeout_callback = std::move(callback);
  s->timeout_due = deadline_after(delay);
  d.timers->schedule(s->user_timeout, s->timeout_due);
  s->timeout_armed = true;
  ++d.timeouts;
  return true;
}

}  // namespace copas
