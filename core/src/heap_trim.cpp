// dispatcher_options::trim_heap_after: the C heap's free pages go back to the OS once a burst of
// fibers (connections) has ended. glibc's free() returns memory only from the top of the heap;
// the buffers of ended connections lie in its middle and stay resident until malloc_trim, which
// walks the whole heap: called only when the loop is about to block (nothing is ready to run), once
// per `trim_heap_after` ended fibers (and per as many as are alive), or per halving of the live
// count, so a steady server trims rarely and a drop of connections is given back to its end.
#include "dispatcher_impl.hpp"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace copas {

void dispatcher::impl::trim_heap_if_due() noexcept {
  const std::size_t after = options.trim_heap_after;
  if (after == 0) return;
  // A burst has ended: as many fibers ended as are still alive. Or the tail of one: fewer
  // (at least an eighth as many), but the live count has halved since the last trim.
  const bool burst = ended_since_trim >= after && live_count <= ended_since_trim;
  const bool tail =
      ended_since_trim >= std::max<std::size_t>(after / 8, 1) && live_count * 2 <= live_at_trim;
  if (!burst && !tail) return;
  ended_since_trim = 0;
  live_at_trim = live_count;
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

}  // namespace copas
