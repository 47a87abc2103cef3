#include "cross_thread.hpp"

#include <copas/core/spin_wait.hpp>

#include <event2/event.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace copas::detail {

cross_thread_queue::cross_thread_queue(event_base* base, std::function<void(bool)> around)
    : around_(std::move(around)) {
  fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "copas: eventfd");
  ev_ = event_new(base, fd_, EV_READ | EV_PERSIST, &cross_thread_queue::on_readable, this);
  event_add(ev_, nullptr);
}

cross_thread_queue::~cross_thread_queue() {
  if (ev_) event_free(ev_);
  ::close(fd_);
}

bool cross_thread_queue::post(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    was_empty = pending_.empty();
    pending_.push_back(std::move(fn));
    if (was_empty) has_pending_.store(true);
  }
  // One signal per batch: the reader drains everything posted before it swaps the batch out.
  if (was_empty && !spinning_.load()) signal();
  return true;
}

void cross_thread_queue::signal() noexcept {
  std::uint64_t one = 1;
  ssize_t n;
  do {
    n = ::write(fd_, &one, sizeof one);
  } while (n < 0 && errno == EINTR);
}

void cross_thread_queue::close() {
  std::vector<std::function<void()>> dropped;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    dropped.swap(pending_);
    has_pending_.store(false, std::memory_order_relaxed);
  }
  if (ev_) event_free(ev_);
  ev_ = nullptr;
}

bool cross_thread_queue::spin_for_post(std::chrono::steady_clock::time_point stop) noexcept {
  spinning_.store(true);
  spin_until([this] { return has_pending_.load(std::memory_order_relaxed); }, stop);
  spinning_.store(false);
  return has_pending_.load();
}

void cross_thread_queue::on_readable(int, short, void* self) {
  auto* q = static_cast<cross_thread_queue*>(self);
  std::uint64_t count;
  while (::read(q->fd_, &count, sizeof count) > 0) {
  }
  q->drain();
}

void cross_thread_queue::drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
    has_pending_.store(false, std::memory_order_relaxed);
  }
  if (batch.empty()) return;
  around_(true);
  for (auto& fn : batch) {
    try {
      fn();
    } catch (...) {
      // A posted function has no fiber to report to; it must not take the loop down.
    }
  }
  around_(false);
}

}  // namespace copas::detail
