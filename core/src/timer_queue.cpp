#include "timer_queue.hpp"

#include <event2/event.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace copas::detail {

timer_queue::timer_queue(event_base* base) {
  // steady_clock is CLOCK_MONOTONIC: the timerfd and copas::clock agree on every instant.
  fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "copas: timerfd_create");
  watch_ = event_new(base, fd_, EV_READ | EV_PERSIST, &timer_queue::on_expiry, this);
  if (!watch_ || event_add(watch_, nullptr) != 0) {
    if (watch_) event_free(watch_);
    ::close(fd_);
    throw std::system_error(ENOMEM, std::generic_category(), "copas: watching the timerfd");
  }
}

timer_queue::~timer_queue() {
  for (timer* t : heap_) t->slot = timer::not_queued;
  event_free(watch_);
  ::close(fd_);
}

void timer_queue::schedule(timer& t, clock::time_point when) {
  if (!t.queued()) {
    heap_.push_back(&t);  // may throw, before anything changed
    t.slot = static_cast<std::uint32_t>(heap_.size() - 1);
    t.when = when;
    sift_up(t.slot);
  } else {
    bool earlier = when < t.when;
    t.when = when;
    earlier ? sift_up(t.slot) : sift_down(t.slot);
  }
  arm();
}

void timer_queue::cancel(timer& t) noexcept {
  // The timerfd stays set: if it was set for this timer, it wakes the loop once for nothing
  // (expire() then sets it for the next one), which costs less than a system call per cancel.
  if (t.queued()) remove(t.slot);
}

void timer_queue::on_expiry(int, short, void* self) { static_cast<timer_queue*>(self)->expire(); }

void timer_queue::expire() {
  std::uint64_t expirations;
  (void)!::read(fd_, &expirations, sizeof expirations);  // EAGAIN when already drained
  armed_ = clock::time_point::max();
  const auto now = clock::now();
  // A callback may schedule or cancel any timer, itself included; one due at or before `now`
  // runs in this round, later ones wait for the timerfd.
  while (!heap_.empty() && heap_.front()->when <= now) {
    timer* t = heap_.front();
    remove(0);
    t->fire(*t);
  }
  arm();
}

void timer_queue::arm() noexcept {
  if (heap_.empty() || heap_.front()->when >= armed_) return;
  armed_ = heap_.front()->when;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(armed_.time_since_epoch()).count();
  if (ns <= 0) ns = 1;  // an all-zero expiry would disarm it
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  // Cannot fail with a valid fd and value; a past expiry fires at once.
  ::timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void timer_queue::place(std::size_t slot, timer* t) noexcept {
  heap_[slot] = t;
  t->slot = static_cast<std::uint32_t>(slot);
}

void timer_queue::sift_up(std::size_t slot) noexcept {
  timer* t = heap_[slot];
  while (slot > 0) {
    std::size_t parent = (slot - 1) / 2;
    if (!(t->when < heap_[parent]->when)) break;
    place(slot, heap_[parent]);
    slot = parent;
  }
  place(slot, t);
}

void timer_queue::sift_down(std::size_t slot) noexcept {
  timer* t = heap_[slot];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * slot + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1]->when < heap_[child]->when) ++child;
    if (!(heap_[child]->when < t->when)) break;
    place(slot, heap_[child]);
    slot = child;
  }
  place(slot, t);
}

void timer_queue::remove(std::size_t slot) noexcept {
  timer* gone = heap_[slot];
  timer* last = heap_.back();
  heap_.pop_back();
  gone->slot = timer::not_queued;
  if (last == gone) return;
  place(slot, last);
  // The moved timer may belong above or below its new place.
  if (slot > 0 && last->when < heap_[(slot - 1) / 2]->when)
    sift_up(slot);
  else
    sift_down(slot);
}

}  // namespace copas::detail
