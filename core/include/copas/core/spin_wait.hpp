#pragma once
// copas::spin_until: a bounded busy wait, for a thread that expects another thread's hand-off
// within microseconds. Sleeping in the kernel and being woken costs tens of microseconds (more
// on a VM); watching a flag on the CPU sees the hand-off at once. Keep the bound small: the
// CPU does nothing else meanwhile.

#include <chrono>

#include <copas/core/api_prefix.hpp>

namespace copas {

// Tells the CPU this is a spin loop (x86 PAUSE, ARM YIELD): cheaper for a sibling hyperthread
// and for the loop's exit.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Calls `ready()` until it returns true or `stop` passes (the clock is read every 64 calls);
// returns ready()'s last answer.
template <class Ready>
bool spin_until(Ready&& ready, std::chrono::steady_clock::time_point stop) {
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= stop) return ready();
  }
}

}  // namespace copas

#include <copas/core/api_suffix.hpp>
