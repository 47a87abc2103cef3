// copas::fd_watch: an fd registered once, edge-triggered, with one parked waiter per direction.
#include "dispatcher_impl.hpp"

#include <copas/core/fd_wait.hpp>

#include <event2/event.h>

#include <stdexcept>
#include <type_traits>

namespace copas {

static_assert(std::is_same_v<evutil_socket_t, int>, "fd_watch's callbacks take an int fd");

// A wait in progress, on the waiting fiber's stack. `gone` is set by close(): the watch may be
// destroyed by the time the fiber runs again, so the fiber then touches nothing of it.
struct fd_watch::waiter {
  waker w;
  bool gone = false;
};

namespace {
event* ev(void* p) noexcept { return static_cast<event*>(p); }
}  // namespace

void fd_watch::watch(int fd) {
  close();
  event_base* base = detail::current_impl().base;
  // Reads: added once with EV_ET for the fd's whole life, no epoll_ctl per wait; EV_CLOSED: an
  // edge that also brings the peer's FIN says so (see peer_closed). Writes rarely block: their
  // event is made on the first wait to write (an idle connection holds one event, not two) and
  // added only while one waits (see on_write_edge). The dispatcher made sure the backend has both
  // features (dispatcher.cpp).
  auto* r = event_new(base, fd, EV_READ | EV_CLOSED | EV_PERSIST | EV_ET, &on_read_edge, this);
  if (!r || event_add(r, nullptr) != 0) {
    if (r) event_free(r);
    throw std::runtime_error("copas: cannot register a file descriptor with the event loop");
  }
  fd_ = fd;
  read_event_ = r;
  write_armed_ = false;
  ready_[read] = ready_[write] = false;
  peer_closed_ = drained_ = false;
}

void fd_watch::close() noexcept {
  if (read_event_) event_free(ev(read_event_));
  if (write_event_) event_free(ev(write_event_));
  read_event_ = write_event_ = nullptr;
  write_armed_ = false;
  fd_ = -1;
  for (auto*& w : waiters_) {
    if (!w) continue;
    w->gone = true;
    w->w.wake();
    w = nullptr;
  }
}

bool fd_watch::wake(direction d) noexcept { return waiters_[d] && waiters_[d]->w.wake(); }

// Wakes the direction's waiter, or remembers the edge for the next wait. A waiter already woken
// but not yet run is not pending: the edge is remembered for its next wait too.
void fd_watch::edge(direction d) noexcept {
  waiter* w = waiters_[d];
  if (!w || !w->w.pending()) {
    ready_[d] = true;
    return;
  }
  // Polls run on the dispatcher's own turn, never inside the waiter's switch, so a plain wake is
  // always safe here.
  w->w.wake();
}

void fd_watch::on_read_edge(int, short what, void* self) {
  auto* s = static_cast<fd_watch*>(self);
  s->drained_ = false;  // an edge: new data (or the peer's close) since the last read
  if (what & EV_CLOSED) s->peer_closed_ = true;
  s->edge(read);
}

void fd_watch::on_write_edge(int, short, void* self) {
  auto* s = static_cast<fd_watch*>(self);
  if (!s->waiters_[write] || !s->waiters_[write]->w.pending()) {
    // Nobody is waiting to write: stop listening, or every ACK that frees send buffer would bring
    // another edge (an epoll wake-up and a callback per message). wait() listens again.
    event_del(ev(s->write_event_));
    s->write_armed_ = false;
  }
  s->edge(write);
}

wake_reason fd_watch::wait(direction d, clock::time_point deadline, const socket_ref* on) {
  if (waiters_[d]) throw std::logic_error("copas: two fibers wait on one fd_watch direction");
  if (ready_[d]) {
    // An edge came while nobody waited: the fd may be ready; the caller retries without parking.
    ready_[d] = false;
    this_thread::check_cancelled();
    return wake_reason::woken;
  }
  if (deadline != clock::time_point::max() && clock::now() >= deadline) return wake_reason::timeout;
  if (d == write && fd_ >= 0 && !write_armed_) {
    if (!write_event_)
      write_event_ = event_new(detail::current_impl().base, fd_, EV_WRITE | EV_PERSIST | EV_ET,
                               &on_write_edge, this);
    if (!write_event_)
      throw std::runtime_error("copas: cannot register a file descriptor with the event loop");
    // Edge-triggered, yet an fd already writable reports at once when its event is added.
    event_add(ev(write_event_), nullptr);
    write_armed_ = true;
  }
  waiter self{this_thread::get_waker()};
  waiters_[d] = &self;
  struct release {
    fd_watch* watch;
    direction d;
    waiter& self;
    ~release() {
      if (!self.gone) watch->waiters_[d] = nullptr;
    }
  } guard{this, d, self};
  auto kind = d == write ? wait_kind::write : wait_kind::read;
  auto why = this_thread::park(kind, deadline, on);
  // Never early: the core's deadline timer can fire a little before the deadline (reported).
  while (why == wake_reason::timeout && !self.gone && clock::now() < deadline) {
    self.w = this_thread::get_waker();
    why = this_thread::park(kind, deadline, on);
  }
  return self.gone ? wake_reason::woken : why;
}

}  // namespace copas
