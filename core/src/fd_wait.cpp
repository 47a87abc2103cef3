// copas::wait_readable / wait_writable: one-shot, level-triggered fd waits.
#include "dispatcher_impl.hpp"

#include <copas/core/fd_wait.hpp>

#include <event2/event.h>

#include <stdexcept>

namespace copas {

namespace {

void on_ready(evutil_socket_t, short, void* w) { static_cast<waker*>(w)->wake(); }

wake_reason wait_for(int fd, short what, clock::time_point deadline) {
  if (deadline != clock::time_point::max() && clock::now() >= deadline) {
    this_thread::check_cancelled();
    return wake_reason::timeout;
  }
  waker w = this_thread::get_waker();
  event* e = event_new(detail::current_impl().base, fd, what, &on_ready, &w);
  if (!e || event_add(e, nullptr) != 0) {
    if (e) event_free(e);
    throw std::runtime_error("copas: cannot register a file descriptor with the event loop");
  }
  struct unregister {
    event* e;
    ~unregister() { event_free(e); }
  } guard{e};
  auto kind = what == EV_WRITE ? wait_kind::write : wait_kind::read;
  auto why = this_thread::park(kind, deadline);
  // Never early: the core's deadline timer can fire a little before the deadline.
  while (why == wake_reason::timeout && clock::now() < deadline) {
    w = this_thread::get_waker();
    why = this_thread::park(kind, deadline);
  }
  return why;
}

}  // namespace

wake_reason wait_readable(int fd, clock::time_point deadline) {
  return wait_for(fd, EV_READ, deadline);
}

wake_reason wait_writable(int fd, clock::time_point deadline) {
  return wait_for(fd, EV_WRITE, deadline);
}

}  // namespace copas
