#pragma once
// What every fiber of this thread's dispatcher is doing right now.
//
//   for (const auto& f : copas::fibers())
//     if (f.state == copas::fiber_state::waiting) std::cout << f.name << " waits on " <<
//     f.waits_on;
//   copas::dump(std::cerr);     // the same as a table (copas-echo and copas-proxy: on SIGUSR1)
//
// A snapshot: call it on the dispatcher's thread (from a fiber, or between loops); it reads only
// bookkeeping the scheduler keeps anyway (a switch counter and a coarse-clock sample per switch,
// the moment and object of each wait), so keeping it costs the hot path next to nothing; CPU
// time per fiber is opt-in (dispatcher_options::fiber_cpu_time).

#include <copas/core/time.hpp>
#include <copas/core/wait.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas {

enum class fiber_state {
  ready,     // scheduled, waiting for its turn
  running,   // the fiber that called fibers()
  waiting,   // parked on a socket, lock, semaphore, queue, future, pauseforever()
  sleeping,  // parked in pause(t) (or a timer's delay)
};

struct fiber_info {
  std::string name;  // getthreadname()
  fiber_state state = fiber_state::ready;
  wait_kind kind = wait_kind::sleep;  // while waiting or sleeping
  // What it waits on, while waiting or sleeping: "socket '<name>' read" / "... write", "lock",
  // "semaphore", "future", "exit" (waitforexit), "timer" (pause), "forever" (pauseforever),
  // "read" / "write" for a wait on an fd that has no socket name (DNS, a child's pipe).
  std::string waits_on;
  double waiting_seconds = 0;  // since the wait began (coarse clock: to 1-4 ms)
  std::uint64_t switches = 0;  // times it was switched to
  // Time on the CPU, as the coarse clock sees it at each switch: exact on average over many
  // turns, to a tick (1-4 ms) for a few. Only with dispatcher_options::fiber_cpu_time (else 0).
  double cpu_seconds = 0;
  std::size_t stack_size = 0;  // usable bytes
  // The deepest point its stack ever reached, in bytes (whole pages, from the pages the kernel
  // has committed; a pooled stack reused by this fiber remembers its earlier users' depth).
  std::size_t stack_high_water = 0;
};

// Every live fiber of the calling thread's dispatcher (not the loop's own driver), oldest last.
std::vector<fiber_info> fibers();

// fibers() as a table: one line per fiber (name, state, what it waits on and since when,
// switches, CPU ms, stack high water / size in KiB), under a header line and above an "N fibers"
// line. Written to `out` in one piece, so that tables other threads dump to the same std::cerr
// at the same moment do not interleave.
void dump(std::ostream& out);

const char* to_string(fiber_state s) noexcept;

}  // namespace copas

#include <copas/core/api_suffix.hpp>
