// A fiber that runs off the bottom of its stack hits the guard page. Without help that is an
// anonymous SIGSEGV; this handler, running on an alternate signal stack (the fiber's own stack is
// exhausted), names the fiber and then lets the default action kill the process.

#include "dispatcher_impl.hpp"
#include "stack_pool.hpp"
#include "thread_state.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace copas::detail {

namespace {

void write_all(const char* s) {
  std::size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Unused under the sanitizers (see install_overflow_guard), which report overflows themselves.
[[maybe_unused]] void on_segv(int sig, siginfo_t* info, void*) {
  const char* addr = static_cast<const char*>(info->si_addr);
  auto* ctx = boost::fibers::context::active();
  fiber_props* props = ctx ? props_of(ctx) : nullptr;
  thread_state* s = props ? props->state.get() : nullptr;
  if (s && s->guard_page) {
    auto* guard = static_cast<const char*>(s->guard_page);
    // A frame may skip past the guard page by a little; count anything just below the stack.
    if (addr >= guard - 64 * 1024 && addr < guard + s->guard_size) {
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "copas: stack overflow in fiber '%s' (stack of %zu bytes; fault at %p in its "
                    "guard page)\n",
                    s->name.empty() ? "(unnamed)" : s->name.c_str(), s->stack_size, info->si_addr);
      write_all(buf);
    }
  }
  // Let the default action end the process with the original signal.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

thread_local bool installed_on_thread = false;
thread_local char* alt_stack = nullptr;

struct alt_stack_release {
  ~alt_stack_release() {
    if (!alt_stack) return;
    stack_t ss{};
    ss.ss_flags = SS_DISABLE;
    ::sigaltstack(&ss, nullptr);
    std::free(alt_stack);
  }
};
thread_local alt_stack_release release_at_thread_exit;

}  // namespace

void install_overflow_guard() {
  if (installed_on_thread) return;
  installed_on_thread = true;
#if !defined(COPAS_ASAN) && !defined(COPAS_TSAN)
  // Sanitizers install their own SIGSEGV handler and report stack overflows themselves.
  std::size_t size = 64 * 1024;
  alt_stack = static_cast<char*>(std::malloc(size));
  (void)&release_at_thread_exit;
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = size;
  ::sigaltstack(&ss, nullptr);
  static bool handler_set = [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGSEGV, &sa, nullptr);
    ::sigaction(SIGBUS, &sa, nullptr);
    return true;
  }();
  (void)handler_set;
#endif
}

}  // namespace copas::detail
