#include "pipe_write.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace copas::async::detail {

ssize_t write_without_sigpipe(int fd, const void* data, std::size_t size) {
  sigset_t pipe_only, old_mask;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
  // A SIGPIPE already pending (for this thread or the process) is someone else's: left alone.
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;

  ssize_t n = ::write(fd, data, size);
  const int saved = errno;
  // EPIPE's SIGPIPE is sent to the writing thread; blocked here, it waits until we take it.
  if (n < 0 && saved == EPIPE && !was_pending) {
    const timespec now{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &now) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return n;
}

}  // namespace copas::async::detail
