#pragma once
// The private record of one fiber, shared by its copas::thread handles and the fiber itself.

#include "timer_queue.hpp"

#include <copas/core/dispatcher.hpp>
#include <copas/core/errors.hpp>
#include <copas/core/thread.hpp>
#include <copas/core/time.hpp>
#include <copas/core/wait.hpp>

#include <boost/fiber/context.hpp>
#include <boost/fiber/properties.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace copas::detail {

// The fiber timers' callbacks (wait.cpp, timeout.cpp).
void fire_deadline(timer& t);
void fire_user_timeout(timer& t);

struct thread_state {
  explicit thread_state(dispatcher::impl& d) : disp(&d) {}
  ~thread_state();

  dispatcher::impl* disp;
  std::string name;  // empty: the default "thread: 0x..."
  error_handler handler;
  std::function<void()> body;
  boost::fibers::context* ctx = nullptr;  // set when the fiber first runs
  std::uint64_t switches = 0;             // turns on the CPU (copas::fibers()); beside ctx, which
                                          // every switch reads anyway

  bool alive = true;
  bool cancel_requested = false;
  bool is_driver = false;  // the fiber inside loop()/step(), waiting for the loop to idle
  bool log_exit = false;   // created while debug logging was on

  // The current (or next) wait. A waker matches while parked && its generation == generation.
  // Wakers reach this record through `cell`, made by the first waker and cut off by ~thread_state.
  std::uint64_t generation = 1;
  waker_cell* cell = nullptr;
  bool parked = false;
  bool io_wake = false;  // woken by socket readiness: runs before timer wake-ups
  bool has_deadline = false;
  wait_kind kind = wait_kind::sleep;
  wake_reason reason = wake_reason::woken;
  const socket_ref* parked_on = nullptr;
  clock::time_point parked_at{};
  clock::time_point deadline{};
  timer deadline_timer{&fire_deadline, this};  // reused for every wait

  // copas::timeout(): one per fiber.
  timer user_timeout{&fire_user_timeout, this};
  std::function<void(const thread&)> timeout_callback;
  clock::time_point timeout_due{};
  bool timeout_armed = false;

  // Stack placement, for the overflow message and sanitizer annotations.
  const void* stack_bottom = nullptr;  // lowest usable address
  std::size_t stack_size = 0;
  const void* guard_page = nullptr;  // null when unguarded
  std::size_t guard_size = 0;

  // The dispatcher's list of live fibers (for cancelall and shutdown).
  thread_state* live_prev = nullptr;
  thread_state* live_next = nullptr;

  // Set while parked in a wait_queue: unlinks the waiter when the wait ends another way
  // (timeout, cancellation), so that the queue never holds a departed waiter.
  void (*unlink_waiter)(void* node) = nullptr;
  void* waiter_node = nullptr;

  // Structured concurrency (task_group, deadline_scope). While `shield` is non-zero, park ignores
  // cancellation and the scope deadline: a group's teardown waits for its members even in a fiber
  // that is itself being unwound. `scope_deadline` is the innermost deadline_scope's (or one
  // inherited from the fiber that spawned this group member); `scope_owner` names the scope whose
  // deadline it is, `scope_expired` says that deadline already ended one wait.
  int shield = 0;
  bool scope_expired = false;
  clock::time_point scope_deadline = clock::time_point::max();
  const void* scope_owner = nullptr;

  // Introspection (copas::fibers()): time on the CPU (the coarse clock's view, sampled at each
  // switch, opt-in), what a wait_queue wait is for ("lock", "future", ...).
  clock::duration cpu{};
  const char* waits_for = nullptr;
  // Where the fiber was created, in debug builds (the leak ledger).
  std::shared_ptr<const void> creation_site;

  std::string display_name() const;
  void disarm_timeout() noexcept;  // drops a pending copas::timeout()
  void release_events() noexcept;  // the fiber has ended: takes its timers out of the queue
};

// Per-context data Boost.Fiber keeps for us (also for the main and dispatcher contexts).
struct fiber_props : boost::fibers::fiber_properties {
  explicit fiber_props(boost::fibers::context* ctx) : fiber_properties(ctx) {}
  ~fiber_props() override;

  boost::fibers::context* context() const noexcept { return ctx_; }

  std::shared_ptr<thread_state> state;
  // Sanitizer bookkeeping (used only in sanitizer builds).
  void* asan_fake_stack = nullptr;
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
  void* tsan_fiber = nullptr;
  bool tsan_owned = false;
};

// Records the OS thread's own sanitizer fiber (TSan), before any switch.
void note_thread_fiber() noexcept;

inline fiber_props* props_of(boost::fibers::context* ctx) noexcept {
  return static_cast<fiber_props*>(ctx->get_properties());
}

}  // namespace copas::detail
