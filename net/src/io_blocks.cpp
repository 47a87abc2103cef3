#include "io_blocks.hpp"

#include <sys/mman.h>

#include <mutex>
#include <new>
#include <vector>

namespace copas::detail {

namespace {

constexpr std::size_t blocks_per_slab = 64;
constexpr std::size_t hot_blocks = 64;  // free blocks that keep their pages

struct block_pool {
  std::mutex m;
  std::vector<char*> free;
};

// Never destroyed: a socket may give its block back during static destruction.
block_pool& pool() {
  static auto* p = new block_pool;
  return *p;
}

}  // namespace

char* take_io_block() {
  auto& p = pool();
  std::lock_guard lock(p.m);
  if (p.free.empty()) {
    void* slab = ::mmap(nullptr, io_block_size * blocks_per_slab, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (slab == MAP_FAILED) throw std::bad_alloc();
    p.free.reserve(p.free.size() + blocks_per_slab);
    for (std::size_t i = blocks_per_slab; i-- > 0;)
      p.free.push_back(static_cast<char*>(slab) + i * io_block_size);
  }
  char* block = p.free.back();
  p.free.pop_back();
  return block;
}

void give_io_block(char* block) noexcept {
  auto& p = pool();
  std::lock_guard lock(p.m);
  if (p.free.size() >= hot_blocks) ::madvise(block, io_block_size, MADV_DONTNEED);
  // The list had room for every block of the slabs (reserved as each slab was made).
  p.free.push_back(block);
}

}  // namespace copas::detail
