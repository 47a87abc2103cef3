// See sanitizer.hpp for why copas-cpp announces Boost.Fiber's stack switches itself.
#include "sanitizer.hpp"

#include "dispatcher_impl.hpp"
#include "reactor_algorithm.hpp"

#include <pthread.h>

namespace copas::detail {

using boost::fibers::context;
using boost::fibers::type;

#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
namespace {

// Where a context's stack lies: our pooled stacks are looked up, the OS thread's stack comes from
// pthread, and Boost's dispatcher context sits at the top of a default-sized stack.
void locate_stack(context* ctx, fiber_props* props, dispatcher::impl* disp) {
  if (props->stack_bottom) return;
  if (ctx->is_context(type::main_context)) {
    pthread_attr_t attr;
    void* addr = nullptr;
    std::size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    props->stack_bottom = addr;
    props->stack_size = size;
    return;
  }
  if (disp && disp->stacks) {
    auto where = disp->stacks->find(ctx);
    if (where.bottom) {
      props->stack_bottom = where.bottom;
      props->stack_size = where.size;
      return;
    }
  }
  std::size_t size = boost::context::stack_traits::default_size();
  auto top = reinterpret_cast<std::uintptr_t>(ctx) + 1024;
  props->stack_bottom = reinterpret_cast<const void*>(top - size);
  props->stack_size = size;
}

}  // namespace

void reactor_algorithm::start_switch(context* to) noexcept {
  context* from = context::active();
  if (from == to) return;
  auto* to_props = props_of(to);
  if (!to_props) return;  // not yet awakened through us; nothing to announce
  locate_stack(to, to_props, disp_);
  switch_to_ = to;
#if defined(COPAS_ASAN)
  auto* from_props = props_of(from);
  // A terminating fiber (its body has returned) passes no save slot: ASan frees its fake stack.
  bool ending = from_props && from_props->state && !from_props->state->alive &&
                !from->is_context(type::main_context);
  void** save = (from_props && !ending) ? &from_props->asan_fake_stack : nullptr;
  __sanitizer_start_switch_fiber(save, to_props->stack_bottom, to_props->stack_size);
#endif
#if defined(COPAS_TSAN)
  if (!to_props->tsan_fiber) {
    if (to->is_context(type::main_context)) {
      to_props->tsan_fiber = __tsan_get_current_fiber();
    } else {
      to_props->tsan_fiber = __tsan_create_fiber(0);
      to_props->tsan_owned = true;
    }
  }
  auto* from_props = props_of(from);
  if (from_props && !from_props->tsan_fiber && from->is_context(type::main_context))
    from_props->tsan_fiber = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(to_props->tsan_fiber, 0);
#endif
}

void reactor_algorithm::finish_switch() noexcept {
  if (!switch_to_ || context::active() != switch_to_) return;
#if defined(COPAS_ASAN)
  __sanitizer_finish_switch_fiber(props_of(switch_to_)->asan_fake_stack, nullptr, nullptr);
#endif
  switch_to_ = nullptr;
}
#endif  // COPAS_ASAN || COPAS_TSAN

#if defined(COPAS_TSAN)
namespace {
thread_local void* thread_tsan_fiber = nullptr;  // the OS thread's own fiber
}
#endif

void note_thread_fiber() noexcept {
#if defined(COPAS_TSAN)
  if (!thread_tsan_fiber) thread_tsan_fiber = __tsan_get_current_fiber();
#endif
}

fiber_props::~fiber_props() {
#if defined(COPAS_TSAN)
  if (tsan_owned && tsan_fiber) {
    // Boost's last switch at thread exit (dispatcher context -> main) bypasses the algorithm, so
    // TSan may still believe it runs on the fiber being destroyed: move it back to the thread.
    if (__tsan_get_current_fiber() == tsan_fiber && thread_tsan_fiber)
      __tsan_switch_to_fiber(thread_tsan_fiber, 0);
    __tsan_destroy_fiber(tsan_fiber);
  }
#endif
}

}  // namespace copas::detail
