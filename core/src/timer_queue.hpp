#pragma once
// Every timer of one dispatcher: a binary min-heap of deadlines on the monotonic clock (the one
// copas::clock reads), behind one timerfd that the event_base watches.
//
// Why not libevent's own timers: they keep time with CLOCK_MONOTONIC_COARSE and wake epoll with
// millisecond timeouts, so they fire up to a clock tick (4 ms) off, unless the base is made with
// EVENT_BASE_FLAG_PRECISE_TIMER, and then libevent's epoll backend calls timerfd_settime before
// every epoll_wait, even to disarm it: one extra system call per poll. Here the timerfd is set
// only when the earliest deadline moves earlier, so a loop whose waits have no deadline, or whose
// deadlines only move later (a socket timeout renewed by every read), polls with one system call.

#include <copas/core/time.hpp>

#include <cstdint>
#include <vector>

struct event;
struct event_base;

namespace copas::detail {

// One timer, embedded in what it times (a fiber's record): queuing it allocates nothing.
struct timer {
  using callback = void (*)(timer&);
  timer(callback on_fire, void* owner_) noexcept : fire(on_fire), owner(owner_) {}
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;

  callback fire;
  void* owner;
  clock::time_point when{};  // while queued: when it fires; after firing: when it was due

  bool queued() const noexcept { return slot != not_queued; }

 private:
  friend class timer_queue;
  static constexpr std::uint32_t not_queued = UINT32_MAX;
  std::uint32_t slot = not_queued;  // index in the heap
};

class timer_queue {
 public:
  // Throws std::system_error when the timerfd cannot be made or watched.
  explicit timer_queue(event_base* base);
  ~timer_queue();
  timer_queue(const timer_queue&) = delete;
  timer_queue& operator=(const timer_queue&) = delete;

  // Queues `t` to fire at `when` (at once, in the next poll, when that has passed); a queued timer
  // moves. It fires from the event loop, never before `when` by copas::clock.
  void schedule(timer& t, clock::time_point when);
  void cancel(timer& t) noexcept;
  std::size_t size() const noexcept { return heap_.size(); }

 private:
  static void on_expiry(int fd, short what, void* self);
  void expire();
  void arm() noexcept;
  void place(std::size_t slot, timer* t) noexcept;
  void sift_up(std::size_t slot) noexcept;
  void sift_down(std::size_t slot) noexcept;
  void remove(std::size_t slot) noexcept;

  std::vector<timer*> heap_;
  int fd_ = -1;
  event* watch_ = nullptr;
  clock::time_point armed_ = clock::time_point::max();  // the timerfd's expiry; max: none
};

}  // namespace copas::detail
