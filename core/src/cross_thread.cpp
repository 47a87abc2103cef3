#include "cross_thread.hpp"

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
  event_free(ev_);
  ::close(fd_);
}

bool cross_thread_queue::post(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    was_empty = pending_.empty();
    pending_.push_back(std::move(fn));
  }
  // One signal per batch: the reader drains everything posted before it swaps the batch out.
  if (was_empty) signal();
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
  std::lock_guard lock(mutex_);
  closed_ = true;
  pending_.clear();
}

void cross_thread_queue::on_readable(int, short, void* self) {
  static_cast<cross_thread_queue*>(self)->drain();
}

void cross_thread_queue::drain() {
  std::uint64_t count;
  while (::read(fd_, &count, sizeof count) > 0) {
  }
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
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
