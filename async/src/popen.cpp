#include <copas/async/addthread.hpp>
#include <copas/async/errors.hpp>
#include <copas/async/popen.hpp>
#include <copas/core/dispatcher.hpp>
#include <copas/core/fd_wait.hpp>
#include <copas/core/wait.hpp>

#include "lua_number.hpp"
#include "pipe_write.hpp"
#include "spawn.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace copas::async {

namespace {

constexpr std::size_t chunk = 64 * 1024;

copas::error last_system_error() {
  return copas::error(std::error_code(errno, std::system_category()));
}

}  // namespace

read_format::read_format(const char* lua) {
  std::string_view f = lua ? lua : "";
  if (f.starts_with('*')) f.remove_prefix(1);
  if (f == "l")
    kind_ = line;
  else if (f == "L")
    kind_ = line_keep;
  else if (f == "a")
    kind_ = all;
  else if (f == "n")
    kind_ = number;
  else
    throw std::invalid_argument("bad argument #1 to 'read' (invalid format)");
}

struct descriptor::impl {
  bool reading = true;
  int fd = -1;
  pid_t pid = -1;
  std::optional<copas::error> spawn_error;
  bool closed = false;

  std::string buf;          // read ahead, not yet returned
  std::size_t scanned = 0;  // prefix of buf known to hold no '\n'
  bool eof = false;

  bool busy = false;  // one operation at a time (copas-async quirk 4)
  copas::wait_queue turn;

  ~impl() {
    release_fd();
    if (pid > 0) {
      // Nobody will close() it: reap it in the background so that it never lingers as a zombie.
      pid_t p = pid;
      addthread([p] { detail::reap(p); });
    }
  }

  void release_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  // A pipe is waited on only when it would block: a one-shot wait, no registration kept.
  void wait_ready() {
    if (reading)
      copas::wait_readable(fd);
    else
      copas::wait_writable(fd);
  }

  std::optional<copas::error> usable(bool for_reading) const {
    if (spawn_error) return spawn_error;
    if (closed) return copas::error(copas::errc::closed);
    if (for_reading != reading)
      return copas::error(make_error_code(for_reading ? errc::not_readable : errc::not_writable));
    return std::nullopt;
  }

  // One read() into buf; false at end of file.
  copas::result<bool> fill() {
    for (;;) {
      std::size_t old = buf.size();
      buf.resize(old + chunk);
      ssize_t n = ::read(fd, buf.data() + old, chunk);
      buf.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
      if (n > 0) return true;
      if (n == 0) {
        eof = true;
        return false;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return last_system_error();
      wait_ready();
    }
  }

  std::string take(std::size_t n) {
    std::string out = buf.substr(0, n);
    buf.erase(0, n);
    scanned = 0;
    return out;
  }

  copas::result<std::optional<std::string>> read_line(bool keep) {
    for (;;) {
      auto nl = buf.find('\n', scanned);
      if (nl != std::string::npos) {
        std::string out = take(nl + 1);
        if (!keep) out.pop_back();
        return out;
      }
      scanned = buf.size();
      if (buf.size() > descriptor::max_line) return copas::error(make_error_code(errc::oversized));
      if (eof) {
        if (buf.empty()) return std::optional<std::string>();
        return take(buf.size());
      }
      if (auto r = fill(); !r) return r.error();
    }
  }

  copas::result<std::optional<std::string>> read_count(std::size_t n) {
    while (buf.size() < n && !eof)
      if (auto r = fill(); !r) return r.error();
    if (n == 0 && buf.empty() && !eof)  // Lua's read(0) tests for end of file
      if (auto r = fill(); !r) return r.error();
    if (buf.empty() && (eof || n > 0)) return std::optional<std::string>();
    return take(std::min(n, buf.size()));
  }

  copas::result<std::optional<number>> read_number() {
    std::optional<copas::error> failed;
    auto at = [&](std::size_t i) -> int {
      while (i >= buf.size() && !eof && !failed)
        if (auto r = fill(); !r) failed = r.error();
      return i < buf.size() ? static_cast<unsigned char>(buf[i]) : -1;
    };
    auto scan = detail::scan_numeral(at);
    if (failed) return *failed;
    take(scan.consumed);
    return detail::to_number(scan.text);
  }

  copas::result<std::optional<std::string>> read_all() {
    while (!eof)
      if (auto r = fill(); !r) return r.error();
    scanned = 0;
    return std::optional<std::string>(std::move(buf));
  }
};

namespace {

// Serves the operations of one descriptor one at a time, in arrival order.
class one_at_a_time {
 public:
  explicit one_at_a_time(descriptor::impl& d) : d_(d) {
    while (d_.busy) d_.turn.wait(clock::time_point::max(), wait_kind::sync);
    d_.busy = true;
  }
  ~one_at_a_time() {
    d_.busy = false;
    d_.turn.notify_one();
  }
  one_at_a_time(const one_at_a_time&) = delete;
  one_at_a_time& operator=(const one_at_a_time&) = delete;

 private:
  descriptor::impl& d_;
};

}  // namespace

descriptor::descriptor(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
descriptor::descriptor(descriptor&&) noexcept = default;
descriptor& descriptor::operator=(descriptor&&) noexcept = default;
descriptor::~descriptor() = default;

pid_t descriptor::pid() const noexcept { return impl_ ? impl_->pid : -1; }

copas::result<std::optional<std::string>> descriptor::read(read_format format) {
  one_at_a_time turn(*impl_);
  if (auto e = impl_->usable(true)) return *e;
  switch (format.kind()) {
    case read_format::line: return impl_->read_line(false);
    case read_format::line_keep: return impl_->read_line(true);
    case read_format::all: return impl_->read_all();
    case read_format::count: return impl_->read_count(format.size());
    case read_format::number: {
      auto n = impl_->read_number();
      if (!n) return n.error();
      if (!*n) return std::optional<std::string>();
      return std::optional<std::string>(detail::to_string(**n));
    }
  }
  return impl_->read_line(false);
}

copas::result<std::optional<number>> descriptor::read_number() {
  one_at_a_time turn(*impl_);
  if (auto e = impl_->usable(true)) return *e;
  return impl_->read_number();
}

copas::result<void> descriptor::write(std::string_view data) {
  one_at_a_time turn(*impl_);
  if (auto e = impl_->usable(false)) return *e;
  while (!data.empty()) {
    ssize_t n = detail::write_without_sigpipe(impl_->fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      impl_->wait_ready();
    } else if (errno != EINTR) {
      return last_system_error();
    }
  }
  return {};
}

copas::result<exit_status> descriptor::close() {
  one_at_a_time turn(*impl_);
  if (impl_->spawn_error) return *impl_->spawn_error;
  if (impl_->closed) return copas::error(copas::errc::closed);
  impl_->closed = true;
  impl_->release_fd();  // the command sees end of file (or a broken pipe) from here
  pid_t p = impl_->pid;
  impl_->pid = -1;
  // Not run(): if this fiber is removed meanwhile, the reaping must still happen.
  auto reaped = addthread([p] { return detail::reap(p); }).get();
  if (!reaped) return reaped.error();
  return std::get<0>(*reaped);
}

copas::result<void> descriptor::flush() {
  return copas::error(make_error_code(errc::not_available));
}
copas::result<void> descriptor::seek() {
  return copas::error(make_error_code(errc::not_available));
}
copas::result<void> descriptor::setvbuf() {
  return copas::error(make_error_code(errc::not_available));
}

descriptor io_popen(std::string command, std::string_view mode) {
  auto d = std::make_unique<descriptor::impl>();
  if (mode == "r" || mode == "rb")
    d->reading = true;
  else if (mode == "w" || mode == "wb")
    d->reading = false;
  else
    throw std::invalid_argument("bad argument #2 to 'popen' (invalid mode)");

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    d->spawn_error = copas::error(make_error_code(errc::spawn_failed),
                                  std::string("spawn failed: ") + std::strerror(errno));
    return descriptor(std::move(d));
  }
  const int ours = d->reading ? fds[0] : fds[1];
  const int theirs = d->reading ? fds[1] : fds[0];
  auto pid = d->reading ? detail::spawn_shell(command, -1, theirs)
                        : detail::spawn_shell(command, theirs, -1);
  ::close(theirs);
  if (!pid) {
    ::close(ours);
    d->spawn_error = pid.error();
    return descriptor(std::move(d));
  }
  ::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
  d->fd = ours;
  d->pid = *pid;
  return descriptor(std::move(d));
}

}  // namespace copas::async
