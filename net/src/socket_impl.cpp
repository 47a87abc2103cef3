#include "socket_impl.hpp"

#include "address.hpp"
#include "dns_interrupt.hpp"
#include "tls_session.hpp"

#include <copas/core/dispatcher.hpp>
#include <copas/core/pause.hpp>
#include <copas/core/thread.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/fiber/fss.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>

namespace copas::detail {

namespace {

// Plain reads ask for this much at a time: big enough that streaming costs few system calls.
constexpr std::size_t read_chunk = 64 * 1024;
// Calls in a row that never waited before the starvation guard yields (Copas: 10 % at random).
constexpr int starvation_budget = 32;

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
                     : listening               ? "server"
                     : connected || accepted   ? "client"
                                               : "master";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s{%s}: %p", type == socket::type::udp ? "udp" : "tcp", role,
                static_cast<const void*>(this));
  return buf;
}

void socket_impl::drop_fd() noexcept {
  watch.close();  // before the fd goes: wakes whoever waits on it
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
  // Registered once for the socket's whole life, edge-triggered (see copas::fd_watch).
  watch.watch(fd);
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
  drop_fd();  // wakes the fibers waiting on the fd: they see `closed`
  resolve_waker.wake();
}

result<void> socket_impl::wait(bool for_write, clock::time_point deadline, wait_hold& hold) {
  auto d = for_write ? fd_watch::write : fd_watch::read;
  if (closed) return errc::closed;
  hold.keep(*this);
  if (watch.waiting(d) || (for_write && resolving)) return errc::in_progress;
  streak = 0;
  auto why = watch.wait(d, deadline, this);
  if (closed) return errc::closed;
  if (why == wake_reason::timeout) return errc::timeout;
  return {};
}

result<std::vector<std::string>> resolve_for(socket_impl& s, std::string_view host,
                                             clock::time_point deadline, wait_hold& hold) {
  if (s.resolving || s.watch.waiting(fd_watch::write)) return errc::in_progress;
  hold.keep(s);
  s.resolving = true;
  struct release {
    socket_impl& s;
    ~release() {
      s.resolving = false;
      s.resolve_waker = {};
    }
  } guard{s};
  lookup_interrupt in{&s.resolve_waker, &s.closed};
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
  if (watch.drained()) return io_status::want_read;
  char* p = rbuf.prepare(read_chunk);
  const std::size_t room = rbuf.capacity_after();
  ssize_t n = ::recv(fd, p, room, 0);
  if (n > 0) {
    rbuf.commit(static_cast<std::size_t>(n));
    // A TCP recv() returns everything queued, up to the buffer: a short one emptied the queue,
    // and whatever arrives during or after it brings a new edge.
    if (type == socket::type::tcp && static_cast<std::size_t>(n) < room && !watch.peer_closed())
      watch.set_drained(true);
    return io_status::done;
  }
  if (n == 0) return io_status::eof;
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    watch.set_drained(true);  // the queue is empty: the next arrival brings an edge
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
  if (!flag.get())
    flag.reset(new bool(use));
  else
    *flag = use;
}

bool usingsockettimeouterrors() { return detail::socket_timeout_errors(); }

}  // namespace copas
