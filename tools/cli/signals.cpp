#include "signals.hpp"

#include <copas/core/fd_wait.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace copas::tools::signals {

namespace {

// Each listener takes a slot; a slot's pipe is made when first taken and kept for the process's
// life, so the handler (on any thread, at any moment) never writes to an fd being closed or
// reused. The handler touches lock-free atomics only (async-signal-safe).
constexpr int max_listeners = 64;
std::atomic<unsigned> counts[NSIG];
std::atomic<bool> taken[max_listeners];
std::atomic<int> write_end_plus_one[max_listeners];  // 0: no pipe yet
int read_end[max_listeners];                         // the slot's taker's alone
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

void on_signal(int sig) {
  const int saved = errno;
  counts[sig].fetch_add(1, std::memory_order_relaxed);
  for (auto& end : write_end_plus_one) {
    // Nonblocking: a pipe full of unread bytes already says "a signal came".
    if (int fd = end.load(std::memory_order_acquire) - 1; fd >= 0) (void)!::write(fd, "s", 1);
  }
  errno = saved;
}

void drain(int fd) {
  char buf[64];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

}  // namespace

void install(std::initializer_list<int> sigs) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int sig : sigs) ::sigaction(sig, &sa, nullptr);
}

unsigned count(int sig) noexcept {
  return sig > 0 && sig < NSIG ? counts[sig].load(std::memory_order_relaxed) : 0;
}

listener::listener() {
  for (int i = 0; i < max_listeners; ++i) {
    bool expected = false;
    if (!taken[i].compare_exchange_strong(expected, true)) continue;
    if (write_end_plus_one[i].load(std::memory_order_relaxed) == 0) {
      int fds[2];
      if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        taken[i] = false;
        throw std::runtime_error("signals: cannot make a pipe");
      }
      read_end[i] = fds[0];
      write_end_plus_one[i].store(fds[1] + 1, std::memory_order_release);
    }
    drain(read_end[i]);  // what came for the slot's previous taker
    slot_ = i;
    return;
  }
  throw std::runtime_error("signals: more than 64 listeners");
}

listener::~listener() { taken[slot_].store(false, std::memory_order_release); }

void listener::wait() {
  const int fd = read_end[slot_];
  for (;;) {
    drain(fd);  // the bytes only say "look": the counts are the news
    unsigned all = 0;
    for (auto& c : counts) all += c.load(std::memory_order_relaxed);
    if (all != seen_) {
      seen_ = all;
      return;
    }
    // A signal from here on writes its byte after its count: the fd becomes readable.
    copas::wait_readable(fd);
  }
}

}  // namespace copas::tools::signals
