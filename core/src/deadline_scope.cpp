// Deadline scopes: the fiber's scope deadline, which park() clamps every wait to (wait.cpp).
#include "dispatcher_impl.hpp"

#include <copas/core/deadline_scope.hpp>

#include <algorithm>

namespace copas {

deadline_scope::deadline_scope(double seconds) : deadline_scope(deadline_after(seconds)) {}

deadline_scope::deadline_scope(clock::time_point deadline)
    : fiber_(detail::current_impl().current_state()),
      effective_(fiber_->scope_deadline),
      saved_deadline_(fiber_->scope_deadline),
      saved_owner_(fiber_->scope_owner),
      saved_expired_(fiber_->scope_expired) {
  // An enclosing deadline that comes first (or has already ended a wait) keeps ruling.
  if (deadline < saved_deadline_ && !saved_expired_) {
    effective_ = deadline;
    fiber_->scope_deadline = deadline;
    fiber_->scope_owner = this;
    fiber_->scope_expired = false;
  }
}

deadline_scope::~deadline_scope() {
  fiber_->scope_deadline = saved_deadline_;
  fiber_->scope_owner = saved_owner_;
  fiber_->scope_expired = saved_expired_;
}

bool deadline_scope::expired() const noexcept {
  return fiber_->scope_owner == this && fiber_->scope_expired;
}

}  // namespace copas
