#pragma once
// copas::task_group: structured concurrency. The fibers a group spawns (its members) end before
// the group does, whatever happens: a member that fails cancels its siblings, and a group that is
// cancelled, or goes out of scope, unwinds every member first.
//
//   copas::task_group handlers;
//   while (auto client = server.accept())
//     handlers.spawn(serve, std::move(*client));    // one member per connection
//   ...
//   handlers.cancel();   // shutdown: every handler unwinds from where it waits
//   handlers.wait();     // parks until the last has ended
//
// Cancellation reaches a member wherever it waits -- any suspension point of the library: socket
// receive/send/connect/accept, DNS, TLS handshakes, locks, semaphores, queues, pause,
// pauseforever, fiber and async futures (the async worker is told through its stop token), and
// so every http/ftp/smtp call. The member unwinds from there as removethread() would: with
// copas::thread_cancelled, so its destructors run. Busy code that never waits is not
// interrupted; copas::this_thread::check_cancelled() adds a cancellation point. A copas::timer's
// callback runs on a fiber of its own, not a member: a member that armed one disarms it as it
// unwinds (in a destructor), or the timer still fires.
//
// Errors: by default (on_error::cancel_others) the first exception a member lets escape cancels
// the other members, and wait() rethrows it once they have all ended. With
// on_error::keep_running the others go on; wait() still rethrows the first exception, after the
// last member ended. Later exceptions are dropped. Members never reach the error handler.
//
// Groups nest: a member that owns a group of its own and is cancelled unwinds through that
// group's destructor, which cancels and waits for the inner members; so cancelling a group
// cancels the whole tree below it. A member spawned inside a deadline_scope inherits its
// deadline.
//
// A group belongs to one dispatcher (the thread that created it). Calls from any of its fibers.

#include <copas/core/thread.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

class task_group {
 public:
  enum class on_error {
    cancel_others,  // the first exception cancels the other members (the default)
    keep_running,   // the others run on; wait() rethrows the first exception at the end
  };

  explicit task_group(on_error policy = on_error::cancel_others);
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;
  // Cancels the members still alive and waits for all of them, even in a fiber that is itself
  // being cancelled or unwound. An exception no wait() collected goes to the default error
  // handler.
  ~task_group();

  // Starts f(args...) as a member (a new fiber, scheduled like addthread: it first runs in the
  // next round). In a cancelled group the member is cancelled before its body runs.
  template <class F, class... Args>
  thread spawn(F&& f, Args&&... args) {
    return spawn_member({}, detail::bind_copies(std::forward<F>(f), std::forward<Args>(args)...));
  }
  template <class F, class... Args>
  thread spawn(thread_options options, F&& f, Args&&... args) {
    return spawn_member(std::move(options),
                        detail::bind_copies(std::forward<F>(f), std::forward<Args>(args)...));
  }

  // Cancels every member alive, and those spawned from now on. Returns at once (the members
  // unwind in the next round); idempotent.
  void cancel();

  // Parks until every member has ended (returns within one loop round of the last one ending),
  // then rethrows the first exception a member raised, once. A fiber cancelled while it waits
  // throws thread_cancelled (and the members run on until the group is destroyed or cancelled).
  void wait();

  // Members still alive.
  std::size_t size() const noexcept;
  bool cancelled() const noexcept;

  struct state;

 private:
  thread spawn_member(thread_options options, std::function<void()> body);
  std::shared_ptr<state> state_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
