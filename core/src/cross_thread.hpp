#pragma once
// The cross-thread wake-up of a dispatcher: functions posted from any thread, run on the
// dispatcher's thread. Posting writes an eventfd the event loop watches, so a loop blocked in
// libevent wakes at once; a loop spinning for a post (spin_for_post, bounded) sees a flag
// instead, and the post skips the system call.

#include <atomic>
#include <chrono>
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
  // Dispatcher thread, before the event_base goes: refuse further posts (pending ones are
  // dropped) and stop watching the eventfd. The queue may outlive the dispatcher (remote
  // handles keep it); its posts then return false.
  void close();

  // Dispatcher thread: waits on the CPU until something is posted or `stop` passes; true if
  // something was. Posts that arrive meanwhile skip the eventfd write (a system call), so a true
  // result must be followed by drain(): nothing else would run them.
  bool spin_for_post(std::chrono::steady_clock::time_point stop) noexcept;
  // Dispatcher thread: runs what was posted, as the eventfd's callback does.
  void drain();

 private:
  static void on_readable(int fd, short what, void* self);

  int fd_ = -1;
  event* ev_ = nullptr;
  std::function<void(bool)> around_;
  std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
  // !pending_.empty(), readable without the mutex. With spinning_ it forms a Dekker pair
  // (sequentially consistent on both sides): a poster that sees the dispatcher spinning skips the
  // eventfd write, and the spinner, on giving up, is then certain to see has_pending_.
  std::atomic<bool> has_pending_{false};
  std::atomic<bool> spinning_{false};
  bool closed_ = false;
};

}  // namespace copas::detail
