#pragma once
// The private state of a dispatcher: the event_base, the counters that status() and finished()
// read, the live fibers, and the machinery of parking and waking.

#include "cross_thread.hpp"
#include "stack_pool.hpp"
#include "thread_state.hpp"

#include <copas/core/debug.hpp>
#include <copas/core/dispatcher.hpp>
#include <copas/core/status.hpp>

#include <memory>
#include <optional>

struct event_base;
struct event;

namespace copas::detail {
class reactor_algorithm;
class watchdog;
}  // namespace copas::detail

namespace copas {

struct dispatcher::impl {
  explicit impl(dispatcher& owner, const dispatcher_options& options);
  void shutdown();  // cancels and unwinds every live fiber
  ~impl();

  static impl& current();

  dispatcher& owner;
  dispatcher_options options;
  event_base* base = nullptr;
  std::unique_ptr<detail::timer_queue> timers;  // every fiber's deadlines; watched by `base`
  detail::reactor_algorithm* algo = nullptr;    // owned by Boost.Fiber's scheduler
  std::shared_ptr<detail::stack_pool> stacks;
  std::shared_ptr<dispatcher::remote> remote_handle;
  std::shared_ptr<detail::cross_thread_queue> posted;  // shared with the remote handles

  // What the fibers are doing (status() and finished()).
  int reading = 0, writing = 0, sleeping = 0, lethargic = 0, sync_waiting = 0, external = 0;
  int timeouts = 0;            // armed copas::timeout() slots
  int sync_deadlines = 0;      // sync waits with a deadline (Copas arms a timeout for them)
  long failed_handshakes = 0;  // server-side TLS handshakes that failed (status())

  // Loop state.
  bool running = false;
  std::optional<bool> exiting;
  wait_queue exit_waiters{"exit"};
  detail::thread_state* driver = nullptr;  // parked in loop()/step() until the loop idles
  bool activity = false;                   // something ran since the driver last looked
  unsigned long events = 0;                // callbacks run (step()'s return value)
  bool in_callback = false;                // running a timeout callback: no parking allowed

  // Fibers.
  detail::thread_state* running_state = nullptr;  // set by the algorithm at each switch
  detail::thread_state* live_head = nullptr;
  std::size_t live_count = 0;
  std::size_t ended_since_trim = 0;                  // fibers ended since the heap was last trimmed
  std::size_t live_at_trim = 0;                      // live fibers then
  std::shared_ptr<detail::thread_state> main_state;  // the OS thread's own context
  std::shared_ptr<detail::thread_state> core_timer_state;  // "copas_core_timer", for errors
  error_handler default_handler;
  bool shutting_down = false;

  // Debug logging.
  debug::logger logger;

  // Introspection: when the running fiber was switched to (coarse clock), the watchdog, the leak
  // ledger.
  clock::time_point ran_since{};
  std::unique_ptr<detail::watchdog> watched;
  bool ledger_on = false;

  // Statistics (status(true)).
  struct stats_state {
    bool enabled = false;
    bool measuring = false;
    clock::time_point last_poll_end{};
    long steps = 0;
    double tot = 0, min = 999999, max = -1, min_ever = 999999, max_ever = -1;
    double time_start = 0;
  } stats;

  // Fibers.
  detail::thread_state* current_state();
  void link_live(detail::thread_state* s) noexcept;
  void unlink_live(detail::thread_state* s) noexcept;
  void run_fiber(const std::shared_ptr<detail::thread_state>& s);

  // Parking and waking: the one suspension point.
  wake_reason park(detail::thread_state* s, wait_kind kind, clock::time_point deadline,
                   const socket_ref* on);
  void resume(detail::thread_state* s, wake_reason reason) noexcept;
  void count(detail::thread_state* s, int delta) noexcept;
  void cancel(detail::thread_state* s) noexcept;

  // The loop driver.
  void run_until_idle(std::optional<double> timeout);
  bool is_finished() const noexcept;

  // Poll bookkeeping, called by the algorithm around each event_base_loop.
  void before_poll() noexcept;
  void after_poll() noexcept;
  // Before a blocking poll: dispatcher_options::trim_heap_after.
  void trim_heap_if_due() noexcept;

  void log(const std::string& line) const;
};

namespace detail {
// The dispatcher of the calling thread, creating it on first use.
dispatcher::impl& current_impl();
}  // namespace detail

}  // namespace copas
