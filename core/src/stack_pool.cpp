#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <new>

#if defined(COPAS_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace copas::detail {

namespace {

constexpr std::size_t slab_stacks = 64;

std::size_t default_guard_budget() {
  std::size_t max_maps = 65530;
  std::ifstream in("/proc/sys/vm/max_map_count");
  in >> max_maps;
  // Two mappings per guarded stack; keep half of the limit for everything else.
  return max_maps / 4;
}

char* map_or_throw(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<char*>(p);
}

// A pooled stack past the hot ones keeps its address space but not its pages: they read as zero
// when its next fiber touches them (a few page faults, against a mmap + mprotect saved).
void release_pages(char* bottom, std::size_t size) noexcept {
  ::madvise(bottom, size, MADV_DONTNEED);
}

}  // namespace

stack_pool::stack_pool(std::size_t guard_budget, std::size_t pool_limit, std::size_t hot)
    : page_(static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))),
      guard_budget_(guard_budget ? guard_budget : default_guard_budget()),
      pool_limit_(pool_limit),
      hot_(hot) {}

stack_pool::~stack_pool() {
  for (auto& [size, list] : free_guarded_)
    for (auto& s : list) ::munmap(s.base, size + page_);
  for (auto& [base, bytes] : slabs_) ::munmap(base, bytes);
}

std::size_t stack_pool::pooled_free() const noexcept {
  std::size_t n = 0;
  for (auto& [size, list] : free_guarded_) n += list.size();
  for (auto& [size, list] : free_unguarded_) n += list.size();
  for (auto& [size, list] : fresh_unguarded_) n += list.size();
  return n;
}

boost::context::stack_context stack_pool::allocate(std::size_t size) {
  size = (size + page_ - 1) / page_ * page_;
  char* bottom = nullptr;
  bool guarded = false;
  bool reused = true;

  if (auto it = free_guarded_.find(size); it != free_guarded_.end() && !it->second.empty()) {
    bottom = it->second.back().base + page_;
    it->second.pop_back();
    guarded = true;
  } else if (guarded_live_ < guard_budget_) {
    reused = false;
    char* base = map_or_throw(size + page_);
    if (::mprotect(base, page_, PROT_NONE) != 0) {
      ::munmap(base, size + page_);
      throw std::bad_alloc();
    }
    bottom = base + page_;
    guarded = true;
  } else {
    // A used stack first (its pages are likely still there), then one never used.
    if (auto& used = free_unguarded_[size]; !used.empty()) {
      bottom = used.back();
      used.pop_back();
    } else {
      reused = false;
      auto& fresh = fresh_unguarded_[size];
      if (fresh.empty()) {
        // One mapping for many stacks keeps far below the kernel's mapping limit.
        char* slab = map_or_throw(size * slab_stacks);
        slabs_.emplace_back(slab, size * slab_stacks);
        for (std::size_t i = slab_stacks; i-- > 0;) fresh.push_back(slab + i * size);
      }
      bottom = fresh.back();
      fresh.pop_back();
    }
    unguarded_.insert(bottom);
    if (warnings_++ == 0)
      std::fprintf(stderr,
                   "copas: %zu guarded fiber stacks are live (the guard budget); further stacks "
                   "have no guard page\n",
                   guard_budget_);
  }
  (guarded ? guarded_live_ : unguarded_live_)++;

#if defined(COPAS_ASAN)
  // A fresh mapping has clean shadow; a reused stack may keep the redzones of its last fiber.
  // Only those are cleared: unpoisoning a never-used stack would write (and fault in) 16 KiB of
  // shadow for nothing, which made 200,000 fibers take 45 s of page faults under ASan.
  if (reused) ASAN_UNPOISON_MEMORY_REGION(bottom, size);
#else
  (void)reused;
#endif
#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
  live_by_top_[bottom + size] = size;
#endif
  last_ = {bottom, size, guarded ? bottom - page_ : nullptr, guarded ? page_ : 0};
  boost::context::stack_context sctx;
  sctx.size = size;
  sctx.sp = bottom + size;
  return sctx;
}

void stack_pool::deallocate(boost::context::stack_context& sctx) noexcept {
  char* top = static_cast<char*>(sctx.sp);
  std::size_t size = sctx.size;
  char* bottom = top - size;
#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
  live_by_top_.erase(top);
#endif
  if (unguarded_.erase(bottom) != 0) {
    --unguarded_live_;
    auto& free_list = free_unguarded_[size];
    if (free_list.size() >= hot_) release_pages(bottom, size);
    free_list.push_back(bottom);
    return;
  }
  --guarded_live_;
  auto& list = free_guarded_[size];
  if (list.size() < pool_limit_) {
    if (list.size() >= hot_) release_pages(bottom, size);
    list.push_back({bottom - page_, true});
  } else {
    ::munmap(bottom - page_, size + page_);
  }
}

stack_pool::placement stack_pool::find(const void* p) const noexcept {
#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
  // Contexts live at the top of their stacks, so the nearest top above p is the one.
  const char* c = static_cast<const char*>(p);
  auto it = live_by_top_.upper_bound(c);
  if (it != live_by_top_.end() && c >= it->first - it->second)
    return {it->first - it->second, it->second, nullptr, 0};
#else
  (void)p;
#endif
  return {};
}

}  // namespace copas::detail
