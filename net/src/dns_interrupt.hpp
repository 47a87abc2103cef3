#pragma once
// A look-up that something other than its answer or deadline may end: a socket's connect(),
// whose socket can be closed (or lose its last handle) while the name is resolved.

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>
#include <copas/core/wait.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace copas::detail {

struct lookup_interrupt {
  waker* waker_slot;  // set to the parked look-up's waker: waking it makes the look-up check `stop`
  const bool* stop;   // once true at a wake, the look-up is cancelled and returns "closed"
};

// dns::resolve, ended early (with "closed") when `in` says so. `in` may be null.
result<std::vector<std::string>> resolve_interruptible(std::string_view host,
                                                       clock::time_point deadline,
                                                       const lookup_interrupt* in);

}  // namespace copas::detail
