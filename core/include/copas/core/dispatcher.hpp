#pragma once
// copas::dispatcher: the reactor of one OS thread. It owns a libevent event_base (its private
// business: fds are waited on through <copas/core/fd_wait.hpp>) and schedules that thread's
// fibers (Boost.Fiber, with a scheduling algorithm backed by the event_base).
//
// Most code never names it: the free functions (addthread, loop, pause, ...) act on the calling
// thread's dispatcher, created on first use. Several threads run several independent dispatchers.
//
// Scheduling, in the order Copas guarantees:
// - ready fibers run FIFO, each once per round (a fiber readied during a round runs next round);
// - fibers woken by I/O run before fibers whose timer expired in the same poll;
// - the event_base is polled without blocking between rounds (when rounds are very short, every
//   poll_every_switches switches or clock tick), so busy fibers never starve sockets;
// - the thread blocks in libevent only when no fiber is ready, until the next timer, I/O event or
//   cross-thread post().

#include <copas/core/time.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas {

struct dispatcher_options {
  // Default stack of a fiber: address space reserved (pages are committed as touched), plus one
  // guard page below it while fewer than guard_budget guarded stacks exist.
  std::size_t default_stack_size = 128 * 1024;
  // Guarded stacks cost two kernel mappings each (Linux caps a process near 65,530); past this
  // many live guarded stacks, new fibers get unguarded pooled stacks and a counted warning.
  // 0 = a third of /proc/sys/vm/max_map_count.
  std::size_t guard_budget = 0;
  // Free stacks kept for reuse (their address space: a spawn then skips mmap and mprotect).
  std::size_t stack_pool_limit = 4096;
  // Of those, this many per stack size also keep their memory; the pages of the others go back
  // to the OS as they are pooled (madvise), so a burst of connections that has ended does not
  // keep its stacks resident.
  std::size_t stack_pool_hot = 64;
  // Once at least this many fibers have ended since the last trim and no more are alive than
  // have ended (or an eighth as many have ended and the live count has halved since), the idle
  // loop, before it blocks, asks the C heap to return its free pages to the OS (glibc's
  // malloc_trim): buffers freed by ended connections sit in the middle of the heap, where free()
  // alone keeps them resident. 0 = never.
  std::size_t trim_heap_after = 1024;
  // While fibers are busy, the event_base is polled (without blocking) at the end of a round once
  // this many fiber switches have happened since the last poll, or the coarse clock has ticked
  // (about 1-4 ms): so sockets and timers wait at most one round, or this many switches. A poll
  // costs two system calls (libevent's precise timer is a timerfd), about five switches' worth:
  // polling every 256 switches keeps that near 2% of a busy loop, and the wait for sockets at a
  // few tens of microseconds.
  unsigned poll_every_switches = 256;
  // Opt-in: when nothing is ready and fibers wait for another thread's result (an async task,
  // a remote::post), the loop watches for the post on the CPU up to this long before it blocks
  // in the kernel. A sleeping thread's wake-up costs tens of microseconds (more on a VM); a
  // watching one sees the post at once, but sockets and timers are not polled meanwhile and the
  // core is busy. Worth it for short offloaded tasks on a thread with little socket traffic
  // (bench_async_roundtrip prints both). 0 = always block at once.
  std::chrono::microseconds spin_for_post{0};

  // copas::fibers()' CPU time per fiber: a coarse-clock read at every switch (a few ns, a few per
  // cent of a bare switch), so off by default (cpu_seconds stays 0).
  bool fiber_cpu_time = false;
  // Opt-in watchdog: a fiber that runs longer than this without yielding (a busy loop, a
  // blocking system call) is reported once per such turn with its name and the stack it is busy
  // in, by a watchdog thread. 0 = off. The stack is captured by a signal (SIGRTMIN+5) sent to
  // the dispatcher's thread; the fiber itself is not disturbed.
  std::chrono::milliseconds watchdog{0};
  // Receives each watchdog report (called on the watchdog thread); empty = standard error.
  std::function<void(const std::string& report)> watchdog_report;
  // The leak ledger (<copas/core/ledger.hpp>): what is alive when the dispatcher ends, with its
  // creation site. nullopt = on in debug builds of copas (no NDEBUG), off otherwise.
  std::optional<bool> leak_ledger;
  // Receives the ledger's report (only when something is left); empty = standard error.
  std::function<void(const std::string& report)> leak_report;
};

class dispatcher {
 public:
  // The calling thread's dispatcher, created with default options on first use.
  static dispatcher& current();
  // Creates the calling thread's dispatcher with these options. Throws std::logic_error if the
  // thread already has one.
  static dispatcher& create(const dispatcher_options& options);

  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;
  ~dispatcher();  // cancels and unwinds every fiber still alive

  // Calling the dispatcher runs loop(), like calling the Copas module table.
  void operator()(std::function<void()> init = {}, std::optional<double> timeout = std::nullopt);

  // Runs `fn` on this dispatcher's thread, soon, outside any fiber; callable from any thread.
  // The cross-thread wake-up of the core: it reaches an fd the event loop watches, so a blocked
  // loop wakes at once. Returns false once the dispatcher is shutting down (fn is dropped).
  bool post(std::function<void()> fn);

  // A weak handle on which other threads can post() safely even if the dispatcher is gone.
  // The same handle for the dispatcher's whole life (copy it to keep it): comparing it is how
  // a caller tells which dispatcher it is on, without a reference count's two atomic updates.
  class remote;
  const std::shared_ptr<remote>& get_remote() const noexcept;

  const dispatcher_options& options() const noexcept;

  // Counters for tests and benchmarks.
  struct stack_stats {
    std::size_t guarded_live = 0;    // live stacks with a guard page
    std::size_t unguarded_live = 0;  // live stacks without (past the guard budget)
    std::size_t pooled_free = 0;     // free stacks ready for reuse
    std::size_t unguarded_warnings = 0;
  };
  stack_stats stacks() const noexcept;

  struct impl;
  impl& get_impl() noexcept { return *impl_; }

 private:
  explicit dispatcher(const dispatcher_options& options);
  std::unique_ptr<impl> impl_;
};

class dispatcher::remote {
 public:
  // As dispatcher::post, but safe after the dispatcher is destroyed (returns false then).
  bool post(std::function<void()> fn);

 private:
  friend class dispatcher;
  friend struct dispatcher::impl;
  struct shared;
  std::shared_ptr<shared> shared_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
