#pragma once
// The sockets' receive blocks (64 KiB each), kept outside the C heap. In the heap, a connection's
// buffer lies between small objects that outlive it, and the pages it touched stay resident
// after it is freed (malloc_trim can return only whole free pages): a server that had 10,000
// connections kept 40 % of its peak. Here blocks come from 4 MiB slabs; a freed block past the
// first 64 free ones gives its pages back (madvise) and keeps its address space for reuse. One
// pool per process (a socket may be destroyed on another thread than made it), under a mutex
// taken once per socket buffer, not per read. No allocator library does the give-back part.

#include <cstddef>

namespace copas::detail {

inline constexpr std::size_t io_block_size = 64 * 1024;

// A block of io_block_size bytes (contents undefined). Throws std::bad_alloc.
char* take_io_block();
// Returns a block from take_io_block().
void give_io_block(char* block) noexcept;

}  // namespace copas::detail
