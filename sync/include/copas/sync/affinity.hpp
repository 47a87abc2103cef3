#pragma once
// Which dispatcher a lock, semaphore, queue or timer belongs to.
//
// A sync object belongs to the dispatcher of the OS thread that created it: its fibers are the
// only ones that can wait on it, and its bookkeeping is plain (unlocked) memory, so that a
// hand-off between two fibers costs no atomic operation. Every method checks that it is called
// on that thread and otherwise throws copas::wrong_dispatcher, naming the object; nothing is
// changed then. To reach a sync object from another thread, post to its dispatcher
// (dispatcher::post / dispatcher::get_remote()->post) and call it there.
//
// The check reads only an identifier fixed at construction, so the refusal itself is race-free
// (proved under TSan by tests/sync). The object must be created before it is shared, as with any
// C++ object.

#include <stdexcept>
#include <thread>

#include <copas/core/api_prefix.hpp>

namespace copas {

// Thrown when a sync object is used from a thread other than the one that created it.
class wrong_dispatcher : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

class affinity {
 public:
  affinity() noexcept : home_(std::this_thread::get_id()) {}

  // Throws wrong_dispatcher("copas::<what> used from a thread other than ...") off-thread.
  void check(const char* what) const {
    if (std::this_thread::get_id() != home_) refuse(what);
  }

 private:
  [[noreturn]] static void refuse(const char* what);
  std::thread::id home_;
};

}  // namespace detail
}  // namespace copas

#include <copas/core/api_suffix.hpp>
