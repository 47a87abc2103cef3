#pragma once
// The cross-thread wake-up of a dispatcher: functions posted from any thread, run on the
// dispatcher's thread. Posting writes an eventfd the event loop watches, so a loop blocked in
// libevent wakes at once; nothing is ever polled.

#include <functional>
#include <mutex>
#include <vector>

struct event_base;
struct event;

namespace copas::detail {

class cross_thread_queue {
 public:
  // `around(true)` runs before a batch of posted functions, `around(false)` after it.
  explicit cross_thread_queue(event_base* base, std::function<void(bool)> around);
  ~cross_thread_queue();

  // Thread-safe. Returns false once closed.
  bool post(std::function<void()> fn);
  // Thread-safe: wakes the loop without posting anything (Boost.Fiber's remote notify).
  void signal() noexcept;
  // Dispatcher thread: refuse further posts (pending ones are dropped).
  void close();

 private:
  static void on_readable(int fd, short what, void* self);
  void drain();

  int fd_ = -1;
  event* ev_ = nullptr;
  std::function<void(bool)> around_;
  std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
  bool closed_ = false;
};

}  // namespace copas::detail
