// copas::net offers only a non-blocking accept() (and addserver, whose handlers run in fibers of
// their own and close their client when they return), so a fiber that must wait for exactly one
// connection watches the listener itself: a libevent read event on the dispatcher's base wakes
// it through the core's waker. The event is edge-triggered because net registers the same fd
// edge-triggered (libevent refuses to mix the two on one fd).
#include "accept.hpp"

#include <copas/core/dispatcher.hpp>
#include <copas/core/wait.hpp>

#include <event2/event.h>

#include <memory>

namespace copas::ftp::detail {

namespace {
void on_readable(evutil_socket_t, short, void* arg) { static_cast<waker*>(arg)->wake(); }

struct event_deleter {
  void operator()(event* e) const noexcept { event_free(e); }
};
}  // namespace

result<copas::socket> accept_until(copas::socket& listener, clock::time_point deadline) {
  auto first = listener.accept();
  if (first || first.error() != copas::errc::timeout) return first;

  waker w;
  std::unique_ptr<event, event_deleter> ev(event_new(dispatcher::current().base(),
                                                     listener.getfd(),
                                                     EV_READ | EV_PERSIST | EV_ET, on_readable, &w));
  if (!ev || event_add(ev.get(), nullptr) != 0)
    return copas::error(copas::errc::invalid_argument, "cannot watch the data listener");
  for (;;) {
    // Registered first, tried second: a connection that came in between is accepted here, one
    // that comes later raises an edge that wakes the park below.
    auto c = listener.accept();
    if (c || c.error() != copas::errc::timeout) return c;
    w = this_thread::get_waker();
    if (this_thread::park(wait_kind::read, deadline) == wake_reason::timeout) {
      auto last = listener.accept();
      if (last || last.error() != copas::errc::timeout) return last;
      return copas::errc::timeout;
    }
  }
}

}  // namespace copas::ftp::detail
