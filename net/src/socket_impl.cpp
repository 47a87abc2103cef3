#include "socket_impl.hpp"

#include "address.hpp"
#include "dns_interrupt.hpp"
#include "tls_session.hpp"

#include <copas/core/dispatcher.hpp>
#include <copas/core/pause.hpp>
#include <copas/core/thread.hpp>

#include <boost/fiber/fss.hpp>
#include <event2/event.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>

namespace copas::detail {

namespace {

// Plain reads ask for this much at a time: big enough that streaming costs few system calls.
constexpr std::size_t read_chunk = 64 * 1024;
// Reads up to this size count as request/response traffic for socket_impl::drained.
constexpr std::size_t small_read = 4 * 1024;
// Calls in a row that never waited before the starvation guard yields (Copas: 10 % at random).
constexpr int starvation_budget = 32;

// Wakes the slot's waiter, or remembers the edge for the next wait.
void on_edge(waiter_slot& slot) {
  if (!slot.w.pending()) {
    slot.ready = true;
    return;
  }
  // Polls run on the dispatcher's own turn, never inside the waiter's switch, so a plain wake is
  // always safe here.
  slot.w.wake();
}

void on_readable(evutil_socket_t, short what, void* arg) {
  auto* s = static_cast<socket_impl*>(arg);
  s->drained = false;  // an edge: new data (or the peer's close) since the last recv()
  if (what & EV_CLOSED) s->peer_closed = true;
  on_edge(s->in);
}
void on_writable(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<socket_impl*>(arg);
  if (!s->out.w.pending()) {
    // Nobody is waiting to write: stop listening, or every ACK that frees send buffer would bring
    // another edge (an epoll wake-up and a callback per message). wait() listens again.
    event_del(s->write_ev);
    s->write_armed = false;
  }
  on_edge(s->out);
}

}  // namespace

std::shared_ptr<socket_impl> make_impl(socket::type t) { return std::make_shared<socket_impl>(t); }

namespace {
// What the handles of one socket share: dropping the last one closes the socket, as LuaSocket's
// garbage collector does, and wakes whoever still waits on it (they hold the state themselves).
struct handle_token {
  std::shared_ptr<socket_impl> state;
  ~handle_token() {
    if (state) state->close_now();
  }
};
}  // namespace

std::shared_ptr<socket_impl> handle_of(const std::shared_ptr<socket_impl>& impl) {
  if (!impl) return nullptr;
  auto token = std::static_pointer_cast<handle_token>(impl->handles.lock());
  if (!token) {
    token = std::make_shared<handle_token>();
    token->state = impl->shared_from_this();
    impl->handles = token;
  }
  // An aliasing pointer: it points at the state and counts the token.
  return std::shared_ptr<socket_impl>(token, token->state.get());
}

socket_impl::~socket_impl() {
  if (ssl) tls_shutdown(*this);
  drop_fd();
}

std::string socket_impl::socket_name() const {
  if (!name.empty()) return name;
  const char* role = type == socket::type::udp ? (connected ? "connected" : "unconnected")
                     : listening              ? "server"
                     : connected || accepted  ? "client"
                                              : "master";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s{%s}: %p", type == socket::type::udp ? "udp" : "tcp", role,
                static_cast<const void*>(this));
  return buf;
}

void socket_impl::drop_fd() noexcept {
  if (read_ev) event_free(read_ev);
  if (write_ev) event_free(write_ev);
  read_ev = write_ev = nullptr;
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void socket_impl::adopt(int new_fd, int fam) {
  drop_fd();
  fd = new_fd;
  family = fam;
  int fl = fcntl(fd, F_GETFL);
  if (!(fl & O_NONBLOCK)) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  base = dispatcher::current().base();
  // Reads: registered once with EV_ET for the socket's whole life, no epoll_ctl per wait;
  // EV_CLOSED: an edge that also brings the peer's FIN says so (see drained). Writes rarely
  // block, so their event is added only when one does (see on_writable).
  read_ev = event_new(base, fd, EV_READ | EV_CLOSED | EV_PERSIST | EV_ET, on_readable, this);
  write_ev = event_new(base, fd, EV_WRITE | EV_PERSIST | EV_ET, on_writable, this);
  event_add(read_ev, nullptr);
  write_armed = false;
  in.ready = out.ready = false;
  drained = peer_closed = false;
  last_read_small = true;
}

result<void> socket_impl::open(int fam) {
  if (closed) return errc::closed;
  if (fd >= 0) return {};  // a bound fd of another family: the system call reports the mismatch
  int kind = type == socket::type::udp ? SOCK_DGRAM : SOCK_STREAM;
  int nfd = ::socket(fam, kind | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (nfd < 0) return errno_error(errno);
  adopt(nfd, fam);
  for (auto& [opt, value] : options) (void)apply_option(*this, opt, value);
  return {};
}

result<void> socket_impl::open_for(int fam) {
  if (fd >= 0 && family != fam && !bound) drop_fd();
  return open(fam);
}

void socket_impl::close_now() {
  if (closed) return;
  closed = true;
  if (ssl) tls_shutdown(*this);
  drop_fd();
  in.w.wake();
  out.w.wake();
}

result<void> socket_impl::wait(bool for_write, clock::time_point deadline, wait_hold& hold) {
  waiter_slot& slot = for_write ? out : in;
  if (closed) return errc::closed;
  hold.keep(*this);
  if (slot.claimed) return errc::in_progress;
  streak = 0;
  if (slot.ready) {
    // An edge came while nobody waited: the fd may be ready; retry without parking.
    slot.ready = false;
    this_thread::check_cancelled();
    return {};
  }
  if (deadline != clock::time_point::max() && clock::now() >= deadline) return errc::timeout;
  if (for_write && !write_armed) {
    // Edge-triggered, yet an fd already writable reports at once when its event is added.
    event_add(write_ev, nullptr);
    write_armed = true;
  }
  slot.claimed = true;
  slot.w = this_thread::get_waker();
  struct release {
    waiter_slot& s;
    ~release() {
      s.claimed = false;
      s.w = {};
    }
  } guard{slot};
  auto kind = for_write ? wait_kind::write : wait_kind::read;
  auto why = this_thread::park(kind, deadline, this);
  // Never early: the core's deadline timer can fire a little before the deadline (reported).
  while (why == wake_reason::timeout && !closed && clock::now() < deadline) {
    slot.w = this_thread::get_waker();
    why = this_thread::park(kind, deadline, this);
  }
  if (closed) return errc::closed;
  if (why == wake_reason::timeout) return errc::timeout;
  return {};
}

result<std::vector<std::string>> resolve_for(socket_impl& s, std::string_view host,
                                             clock::time_point deadline, wait_hold& hold) {
  if (s.out.claimed) return errc::in_progress;
  hold.keep(s);
  s.out.claimed = true;
  struct release {
    waiter_slot& slot;
    ~release() {
      slot.claimed = false;
      slot.w = {};
    }
  } guard{s.out};
  lookup_interrupt in{&s.out.w, &s.closed};
  return resolve_interruptible(host, deadline, &in);
}

io_status socket_impl::fill(error& err) {
  if (closed || fd < 0) {
    err = errc::closed;
    return io_status::failed;
  }
  if (ssl) return tls_fill(*this, err);
  // Edge-triggered: every arrival after the kernel's queue was emptied brings an edge, so until
  // one comes another recv() could only say EAGAIN too.
  if (drained) return io_status::want_read;
  char* p = rbuf.prepare(read_chunk);
  ssize_t n = ::recv(fd, p, rbuf.capacity_after(), 0);
  if (n > 0) {
    rbuf.commit(static_cast<std::size_t>(n));
    // Only small reads (request/response traffic) count: a stream that just delivered a big read
    // likely has more in flight, which a recv() picks up sooner than a poll would.
    last_read_small = static_cast<std::size_t>(n) < small_read;
    // A TCP recv() returns everything queued, up to the buffer: a short one emptied the queue.
    if (type == socket::type::tcp && last_read_small && !peer_closed) drained = true;
    return io_status::done;
  }
  if (n == 0) return io_status::eof;
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    drained = last_read_small;
    return io_status::want_read;
  }
  if (errno == EINTR) return fill(err);
  if (errno == ECONNRESET || errno == ECONNABORTED) return io_status::eof;
  err = errno_error(errno);
  return io_status::failed;
}

io_status socket_impl::write_some(const char* p, std::size_t n, std::size_t& written, error& err) {
  written = 0;
  if (closed || fd < 0) {
    err = errc::closed;
    return io_status::failed;
  }
  if (ssl) return tls_write(*this, p, n, written, err);
  for (;;) {
    ssize_t r = ::send(fd, p, n, MSG_NOSIGNAL);
    if (r >= 0) {
      written = static_cast<std::size_t>(r);
      return io_status::done;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return io_status::want_write;
    err = errno_error(errno);
    return io_status::failed;
  }
}

void socket_impl::no_wait_success() {
  if (++streak >= starvation_budget) {
    streak = 0;
    copas::pause();
  }
}

clock::time_point deadline_for(const std::optional<double>& t) {
  // Copas: 0, negative, nil and math.huge all mean "no timer".
  if (!t || !(*t > 0) || std::isinf(*t)) return clock::time_point::max();
  return deadline_after(*t);
}

namespace {
boost::fibers::fiber_specific_ptr<bool>& raw_errors_flag() {
  static boost::fibers::fiber_specific_ptr<bool> flag;
  return flag;
}
}  // namespace

bool socket_timeout_errors() {
  auto* p = raw_errors_flag().get();
  return p && *p;
}

error timeout_error(error raw) {
  if (socket_timeout_errors()) return raw;
  return errc::timeout;
}

}  // namespace copas::detail

namespace copas {

void usesockettimeouterrors(bool use) {
  auto& flag = detail::raw_errors_flag();
  if (!flag.get()) flag.reset(new bool(use));
  else *flag = use;
}

bool usingsockettimeouterrors() { return detail::socket_timeout_errors(); }

}  // namespace copas
