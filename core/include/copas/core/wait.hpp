#pragma once
// The one suspension point of copas-cpp. Every blocking call (pause, socket readiness, lock,
// semaphore, queue, future) parks the running fiber here and is woken through a waker.
//
// A waker names one specific wait of one fiber: each park ends by advancing the fiber's wait
// generation, so a waker kept past its wait (a late timer, a stale socket event, a lock
// releasing to a waiter that already timed out) finds the generation moved on and does nothing.
//
//   copas::waker w = copas::this_thread::get_waker();   // for the *next* park
//   register_somewhere(w);
//   auto why = copas::this_thread::park(copas::wait_kind::sync, deadline);
//
// park() throws copas::thread_cancelled when removethread() cancels the fiber; unwinding then
// runs the destructors that unregister the waker (wait_queue does this for you).

#include <copas/core/socket_ref.hpp>
#include <copas/core/thread.hpp>
#include <copas/core/time.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

// Why a park returned (cancellation throws instead).
enum class wake_reason {
  woken,    // a waker woke it
  timeout,  // the deadline passed first
};

// What a parked fiber waits for. It decides how the fiber counts in status() and whether it keeps
// loop() alive (finished()):
enum class wait_kind {
  sleep,     // pause(t): in the sleeping heap ("timer"); keeps the loop alive, even for forever
  lethargy,  // pauseforever(): "inactive"; keeps the loop alive only while a timeout is pending
  read,      // waiting for a socket to become readable ("read"); keeps the loop alive
  write,     // waiting for a socket to become writable ("write"); keeps the loop alive
  sync,      // lock, semaphore, queue: "inactive", plus a "timeout" while a deadline is armed
  external,  // a result from another OS thread (async futures); keeps the loop alive
};

namespace detail {
// What wakers point at: a small block per fiber, co-owned by the fiber's private record and by
// every waker made for it. When the record goes, `state` becomes null, so a waker that outlives
// its fiber is inert instead of dangling. The count is atomic because a waker may be copied or
// dropped on another thread (inside a function posted back to the dispatcher); `state` is read
// and written on the fiber's own thread only.
struct waker_cell {
  std::atomic<std::uint32_t> refs{1};
  thread_state* state = nullptr;

  void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};
}  // namespace detail

// A waker does not keep its fiber alive, and needs not: once the fiber's wait is over, or the
// fiber itself is gone, wake() does nothing. To act on an answer that may arrive after the fiber
// gave up and ended, keep a copas::thread handle with it.
class waker {
 public:
  waker() = default;
  waker(const waker& o) noexcept : cell_(o.cell_), generation_(o.generation_) {
    if (cell_) cell_->retain();
  }
  waker(waker&& o) noexcept : cell_(std::exchange(o.cell_, nullptr)), generation_(o.generation_) {}
  waker& operator=(waker o) noexcept {
    std::swap(cell_, o.cell_);
    generation_ = o.generation_;
    return *this;
  }
  ~waker() {
    if (cell_) cell_->release();
  }

  // Wakes the wait this waker names. Returns false if that wait is already over (woken, timed
  // out, cancelled), has not begun, or its fiber is gone. Call on the fiber's own dispatcher
  // thread only; from another thread, go through dispatcher::post().
  bool wake() const noexcept;

  // True while the named wait is in progress.
  bool pending() const noexcept;

 private:
  friend waker make_waker(detail::thread_state*) noexcept;
  friend class wait_queue;
  detail::thread_state* state() const noexcept;  // null once the fiber's record is gone
  detail::waker_cell* cell_ = nullptr;
  std::uint64_t generation_ = 0;
};

namespace this_thread {

// A waker for the running fiber's next park().
waker get_waker() noexcept;

// Parks the running fiber until woken or until `deadline` (time_point::max() = no deadline).
// `on` names the socket for debug logs of read/write waits.
wake_reason park(wait_kind kind, clock::time_point deadline = clock::time_point::max(),
                 const socket_ref* on = nullptr);

// Throws thread_cancelled if removethread() was called on the running fiber; a suspension
// point that returns without parking calls it so that cancellation is never lost.
void check_cancelled();

}  // namespace this_thread

// A FIFO of parked fibers: the wait list of locks, semaphores, queues and futures. Waiters
// unlink themselves when their wait ends any other way (timeout, cancellation), so the queue
// never holds a stale waiter.
class wait_queue {
 public:
  wait_queue() = default;
  // `what` names what its waiters wait for in copas::fibers() ("lock", "future", ...); a
  // string literal (it is kept, not copied).
  explicit wait_queue(const char* what) noexcept : what_(what) {}
  wait_queue(const wait_queue&) = delete;
  wait_queue& operator=(const wait_queue&) = delete;
  ~wait_queue();  // wakes any remaining waiter

  // Parks the running fiber at the end of the queue. `tag` is the waiter's own datum (a
  // semaphore's requested count), visible to the notifier through front_tag().
  wake_reason wait(clock::time_point deadline = clock::time_point::max(),
                   wait_kind kind = wait_kind::sync, std::uintptr_t tag = 0);

  // Wakes the longest waiting fiber and removes it. Returns false if the queue is empty.
  bool notify_one() noexcept;
  // Wakes every waiter; returns how many.
  std::size_t notify_all() noexcept;

  bool empty() const noexcept { return head_ == nullptr; }
  std::size_t size() const noexcept { return size_; }
  // The longest waiter's tag and fiber (queue must not be empty).
  std::uintptr_t front_tag() const noexcept;
  thread front_thread() const;

  struct node;

 private:
  friend struct node;
  void unlink(node* n) noexcept;
  node* head_ = nullptr;
  node* tail_ = nullptr;
  std::size_t size_ = 0;
  const char* what_ = "wait queue";
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
