#pragma once
// Fiber stacks: guarded (a PROT_NONE page below each stack, so an overflow faults at once),
// pooled (a spawn reuses a free stack instead of paying mmap + mprotect, about 6 us), and
// budgeted: each guarded stack costs two kernel mappings and Linux caps a process near 65,530,
// so past the budget new stacks come unguarded from shared slabs, with a counted warning.
//
// Boost.Context's protected_fixedsize_stack maps afresh every time and pooled_fixedsize_stack
// has no guard page; neither has a budget, hence this allocator.

#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace copas::detail {

class stack_pool {
 public:
  // pool_limit free stacks are kept (address space); `hot` of each size keep their pages too.
  stack_pool(std::size_t guard_budget, std::size_t pool_limit, std::size_t hot);
  ~stack_pool();

  boost::context::stack_context allocate(std::size_t size);
  void deallocate(boost::context::stack_context& sctx) noexcept;

  std::size_t guarded_live() const noexcept { return guarded_live_; }
  std::size_t unguarded_live() const noexcept { return unguarded_live_; }
  std::size_t pooled_free() const noexcept;
  std::size_t unguarded_warnings() const noexcept { return warnings_; }

  // Where the most recent allocate() placed its stack (spawn records it in the thread state).
  struct placement {
    const void* bottom = nullptr;
    std::size_t size = 0;
    const void* guard = nullptr;
    std::size_t guard_size = 0;
  };
  placement last() const noexcept { return last_; }
  // The stack containing `p`, if this pool made it (sanitizer builds only).
  placement find(const void* p) const noexcept;

 private:
  struct stack {
    char* base;  // lowest address of the mapping (the guard page when guarded)
    bool guarded;
  };
  std::size_t page_;
  std::size_t guard_budget_;
  std::size_t pool_limit_;
  std::size_t hot_;
  std::size_t guarded_live_ = 0;
  std::size_t unguarded_live_ = 0;
  std::size_t warnings_ = 0;
  placement last_;
  std::unordered_map<std::size_t, std::vector<stack>> free_guarded_;     // by usable size
  std::unordered_map<std::size_t, std::vector<char*>> free_unguarded_;   // used; never unmapped
  std::unordered_map<std::size_t, std::vector<char*>> fresh_unguarded_;  // carved, never used
  std::vector<std::pair<char*, std::size_t>> slabs_;
  std::unordered_set<const char*> unguarded_;  // bottoms of live slab stacks
#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
  std::map<const char*, std::size_t> live_by_top_;
#endif
};

// The allocator object Boost.Fiber copies into each fiber; it keeps the pool alive.
struct pooled_stack_allocator {
  std::shared_ptr<stack_pool> pool;
  std::size_t size;
  boost::context::stack_context allocate() { return pool->allocate(size); }
  void deallocate(boost::context::stack_context& sctx) noexcept { pool->deallocate(sctx); }
};

// Installs (once per OS thread) the SIGSEGV handler that names a fiber whose stack overflowed
// into its guard page, on an alternate signal stack.
void install_overflow_guard();

}  // namespace copas::detail
