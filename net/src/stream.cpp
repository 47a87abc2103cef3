// The Copas loops over a TCP (or TLS) stream: connect, send, receive, receivepartial. Each tries
// the system call first and parks the fiber only on "would block" (net.md §3).
#include "address.hpp"
#include "datagram.hpp"
#include "debug_socket.hpp"
#include "socket_impl.hpp"
#include "tls_session.hpp"

#include <copas/net/dns.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace copas {

using detail::io_status;

namespace {

error would_block_error(const detail::socket_impl& s, bool write) {
  if (s.ssl) return error(errc::timeout, write ? "wantwrite" : "wantread");
  return errc::timeout;
}

// What a send or receive reports when its wait failed: "timeout" (or the raw would-block error,
// see timeout_error), else the wait's own error. Out of line, with the error temporaries it
// builds, to keep the loops' stack frames small (see logged_send).
[[gnu::noinline, gnu::cold]] error wait_failure(const detail::socket_impl& s, const error& why,
                                                bool write) {
  return why == errc::timeout ? detail::timeout_error(would_block_error(s, write)) : why;
}

// One connect() to one address, waiting for completion within the deadline.
result<void> connect_one(detail::socket_impl& s, const detail::sockaddr_any& addr,
                         clock::time_point deadline, detail::wait_hold& hold) {
  if (auto ok = s.open_for(addr.family()); !ok) return ok;
  int rc;
  do rc = ::connect(s.fd, addr.get(), addr.len);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) return {};
  if (errno != EINPROGRESS) return detail::errno_error(errno);
  for (;;) {
    auto w = s.wait(true, deadline, hold);
    if (!w) {
      if (w.error() == errc::timeout) return detail::timeout_error(errc::in_progress);
      return w;
    }
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return detail::errno_error(err);
    sockaddr_storage peer{};
    socklen_t pl = sizeof peer;
    if (::getpeername(s.fd, reinterpret_cast<sockaddr*>(&peer), &pl) == 0) return {};
    // Writable without an error but not connected yet: a stale edge; wait again.
  }
}

}  // namespace

result<void> socket::connect(std::string_view host, std::uint16_t port) {
  if (detail::logging(impl_))
    return detail::logged(*impl_, "connect",
                          {{"host", detail::describe(host)}, {"port", detail::describe(port)}},
                          [&] { return connect(host, port); });
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  if (s.type == type::udp) return setpeername(host, port);
  if (s.connected) return detail::named_error(std::errc::already_connected, "already connected");
  auto deadline = detail::deadline_for(s.t_connect);
  // From here on only the held state: the handle this was called on may go while we wait.
  detail::wait_hold hold;
  auto addrs = detail::resolve_for(s, host, deadline, hold);
  s.resolved_at = clock::now();
  if (s.closed) return errc::closed;
  if (!addrs) return addrs.error();
  error last = errc::host_not_found;
  for (auto& ip : *addrs) {
    auto addr = detail::numeric_address(ip, port);
    if (!addr) continue;
    auto ok = connect_one(s, *addr, deadline, hold);
    if (ok) {
      s.connected = true;
      s.peer_host = std::string(host);
      if (s.params && (s.params->wrap || s.params->context))
        detail::handshake_or_throw(s, &*s.params);
      return {};
    }
    last = ok.error();
    if (s.closed || last == errc::timeout || last == errc::in_progress) break;
    if (!s.bound) s.drop_fd();  // a failed connect leaves the fd unusable: next address, new fd
  }
  return last;
}

clock::time_point socket::resolved_at() const noexcept {
  return impl_ ? impl_->resolved_at : clock::time_point{};
}

// The debug::socket paths of the hot calls, out of line: inlined, their temporaries would widen
// every send's and receive's stack frame, and with thousands of fibers each one's stack lines are
// cold when it resumes.
namespace {

[[gnu::noinline, gnu::cold]] send_result logged_send(socket& self, detail::socket_impl& s,
                                                     std::string_view data, std::int64_t i,
                                                     std::int64_t j) {
  return detail::logged(s, "send",
                        {{"data", detail::describe(data)},
                         {"idx-start", detail::describe(static_cast<double>(i))},
                         {"idx-end", detail::describe(static_cast<double>(j))}},
                        [&] { return self.send(data, i, j); });
}

std::string pattern_text(const receive_pattern& p) {
  if (p.type() == receive_pattern::kind::line) return detail::describe("*l");
  if (p.type() == receive_pattern::kind::all) return detail::describe("*a");
  return detail::describe(static_cast<double>(p.count()));
}

[[gnu::noinline, gnu::cold]] receive_result logged_receive(
    detail::socket_impl& s, std::string_view method, const receive_pattern& pattern,
    const std::string& prefix, const std::function<receive_result()>& call) {
  return detail::logged(
      s, method, {{"pattern", pattern_text(pattern)}, {"prefix", detail::describe(prefix)}}, call);
}

}  // namespace

send_result socket::send(std::string_view data, std::int64_t i, std::int64_t j) {
  if (detail::logging(impl_)) return logged_send(*this, *impl_, data, i, j);
  if (!impl_) return send_result::failure(errc::closed, 0);
  auto& s = *impl_;
  if (s.type == type::udp) return detail::udp_send(s, data);
  const auto size = static_cast<std::int64_t>(data.size());
  // LuaSocket's index rules: negative from the end, then clamped to [1, size].
  if (i < 0) i = size + i + 1;
  if (j < 0) j = size + j + 1;
  if (i < 1) i = 1;
  if (j > size) j = size;
  std::int64_t last = i - 1;
  if (s.closed) return send_result::failure(errc::closed, static_cast<std::size_t>(last));
  detail::lazy_deadline deadline(s.t_send);
  detail::wait_hold hold;
  bool waited = false;
  while (last < j) {
    std::size_t n = 0;
    error err;
    auto st = s.write_some(data.data() + last, static_cast<std::size_t>(j - last), n, err);
    last += static_cast<std::int64_t>(n);
    if (st == io_status::done) continue;
    if (st == io_status::eof) err = errc::closed;
    if (st == io_status::eof || st == io_status::failed)
      return send_result::failure(err, static_cast<std::size_t>(last));
    bool write = st == io_status::want_write;
    auto w = s.wait(write, deadline.get(), hold);
    waited = true;
    if (!w)
      return send_result::failure(wait_failure(s, w.error(), write),
                                  static_cast<std::size_t>(last));
  }
  if (!waited) s.no_wait_success();
  return send_result::success(static_cast<std::size_t>(last));
}

namespace {

// The bound receive_once applies to `p` on `s`, and the error that reports it.
std::size_t limit_for(const detail::socket_impl& s, const receive_pattern& p) {
  if (p.type() == receive_pattern::kind::line) return s.limits.line;
  if (p.type() == receive_pattern::kind::all && s.limits.all) return *s.limits.all;
  return static_cast<std::size_t>(-1);
}

error too_long(const receive_pattern& p) {
  return error(std::make_error_code(std::errc::message_size),
               p.type() == receive_pattern::kind::line ? "line too long" : "data too long");
}

receive_result receive_loop(detail::socket_impl& s, const receive_pattern& p, std::string prefix,
                            bool partial) {
  if (s.closed || s.fd < 0) return {errc::closed, std::move(prefix)};
  const std::size_t prefix_len = prefix.size();
  std::string acc = std::move(prefix);
  detail::lazy_deadline deadline(s.t_receive);
  detail::wait_hold hold;
  bool waited = false;
  for (;;) {
    error err;
    io_status last = io_status::done;
    auto st = detail::receive_once(
        p, s.rbuf, acc,
        [&] {
          last = s.fill(err);
          switch (last) {
            case io_status::done: return detail::fill_status::data;
            case io_status::eof: return detail::fill_status::eof;
            case io_status::want_read: return detail::fill_status::want_read;
            case io_status::want_write: return detail::fill_status::want_write;
            default: return detail::fill_status::failed;
          }
        },
        limit_for(s, p));
    switch (st) {
      case detail::attempt_status::done:
        if (!waited) s.no_wait_success();
        return acc;
      case detail::attempt_status::closed: return {errc::closed, std::move(acc)};
      case detail::attempt_status::failed: return {err, std::move(acc)};
      case detail::attempt_status::too_long: return {too_long(p), std::move(acc)};
      default: break;
    }
    bool write = st == detail::attempt_status::want_write;
    // receivepartial: new data beyond the caller's prefix goes back at once, with the raw error.
    if (partial && acc.size() > prefix_len) return {would_block_error(s, write), std::move(acc)};
    auto w = s.wait(write, deadline.get(), hold);
    waited = true;
    if (!w) return {wait_failure(s, w.error(), write), std::move(acc)};
  }
}

}  // namespace

receive_result socket::receive(receive_pattern pattern, std::string prefix) {
  if (detail::logging(impl_))
    return logged_receive(*impl_, "receive", pattern, prefix,
                          [&] { return receive(pattern, prefix); });
  if (!impl_) return {errc::closed, std::move(prefix)};
  auto& s = *impl_;
  if (s.type == type::udp) return detail::udp_receive(s, pattern);
  // Copas: a receive timeout of exactly 0 makes the wrapper's receive a receivepartial.
  bool partial = s.wrapped && s.t_receive && *s.t_receive == 0;
  return receive_loop(s, pattern, std::move(prefix), partial);
}

receive_result socket::receivepartial(receive_pattern pattern, std::string prefix) {
  if (detail::logging(impl_))
    return logged_receive(*impl_, "receivepartial", pattern, prefix,
                          [&] { return receivepartial(pattern, prefix); });
  if (!impl_) return {errc::closed, std::move(prefix)};
  auto& s = *impl_;
  if (s.type == type::udp) return detail::udp_receive(s, pattern);
  return receive_loop(s, pattern, std::move(prefix), true);
}

std::size_t socket::max_buffered() const {
  // One socket read (socket_impl.cpp's read chunk) always fits, so a full buffer can be seen.
  constexpr std::size_t one_read = 64 * 1024;
  return impl_ ? std::max(impl_->limits.line, one_read) : one_read;
}

result<std::string_view> socket::buffered_or_fill(bool more) {
  if (!impl_) return errc::closed;
  auto& s = *impl_;
  if (s.type == type::udp) return error(errc::invalid_argument, "not a stream socket");
  if (!more && !s.rbuf.empty()) return s.rbuf.view();
  if (s.closed || s.fd < 0) return errc::closed;
  if (s.rbuf.view().size() >= max_buffered())
    return error(std::make_error_code(std::errc::message_size), "data too long");
  detail::lazy_deadline deadline(s.t_receive);
  detail::wait_hold hold;
  bool waited = false;
  for (;;) {
    error err;
    bool write = false;
    switch (s.fill(err)) {
      case io_status::done:
        if (!waited) s.no_wait_success();
        return s.rbuf.view();
      case io_status::eof: return errc::closed;
      case io_status::failed: return err;
      case io_status::want_read: break;
      // TLS may have to write before it can read on (fill() says which way to wait).
      case io_status::want_write: write = true; break;
    }
    auto w = s.wait(write, deadline.get(), hold);
    waited = true;
    if (!w) return wait_failure(s, w.error(), write);
  }
}

std::string_view socket::buffered() const noexcept {
  return impl_ ? impl_->rbuf.view() : std::string_view{};
}

void socket::consume(std::size_t n) {
  if (!impl_) return;
  impl_->rbuf.consume(std::min(n, impl_->rbuf.view().size()));
}

}  // namespace copas
