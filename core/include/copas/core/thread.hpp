#pragma once
// copas::thread: a handle to a fiber (Copas's coroutine), and the calls that create, name and
// remove fibers.
//
//   auto t = copas::addthread([](int n) { ... }, 42);   // scheduled, not started
//   copas::setthreadname("worker", t);
//   copas::removethread(t);                              // unwinds it at its next suspension
//
// A handle is cheap to copy, comparable, hashable, and may outlive its fiber safely.

#include <copas/core/time.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

namespace detail {
struct thread_state;
}

class thread {
 public:
  thread() = default;
  explicit thread(std::shared_ptr<detail::thread_state> s) : state_(std::move(s)) {}

  // True until the fiber's function has returned (or thrown, or was removed).
  bool alive() const noexcept;
  explicit operator bool() const noexcept { return static_cast<bool>(state_); }

  friend bool operator==(const thread& a, const thread& b) noexcept { return a.state_ == b.state_; }
  std::size_t hash() const noexcept { return std::hash<const void*>()(state_.get()); }

  detail::thread_state* state() const noexcept { return state_.get(); }

 private:
  std::shared_ptr<detail::thread_state> state_;
};

// Thrown inside a fiber that removethread() cancelled, at its suspension point, so that its
// destructors run. A `catch (...)` in fiber code must rethrow it.
struct thread_cancelled {};

// Options for a new fiber. The default stack is 128 KiB of address space with a guard page below
// it; only touched pages cost memory (a parked fiber uses about 8 KiB).
struct thread_options {
  std::optional<std::string> name;
  std::size_t stack_size = 0;  // 0 = the dispatcher's default (128 KiB)
};

namespace detail {
thread spawn(thread_options options, std::function<void()> body);

template <class F, class... Args>
std::function<void()> bind_copies(F&& f, Args&&... args) {
  // Like Lua's varargs: the fiber gets its own copies of the arguments.
  return [f = std::forward<F>(f), tup = std::make_tuple(std::forward<Args>(args)...)]() mutable {
    std::apply(f, std::move(tup));
  };
}
}  // namespace detail

// Schedules `f(args...)` as a new fiber of this thread's dispatcher. The body first runs in the
// next round of the loop, after the fibers already scheduled (Copas 4: scheduled, not started).
template <class F, class... Args>
thread addthread(F&& f, Args&&... args) {
  return detail::spawn({}, detail::bind_copies(std::forward<F>(f), std::forward<Args>(args)...));
}

// As addthread, with a name (getthreadname) and/or a stack size.
template <class F, class... Args>
thread addthread(thread_options options, F&& f, Args&&... args) {
  return detail::spawn(std::move(options),
                       detail::bind_copies(std::forward<F>(f), std::forward<Args>(args)...));
}

template <class F, class... Args>
thread addnamedthread(std::string name, F&& f, Args&&... args) {
  return detail::spawn({.name = std::move(name)},
                       detail::bind_copies(std::forward<F>(f), std::forward<Args>(args)...));
}

// Cancels a fiber: it is unwound with thread_cancelled the next time it would run (at once if it
// is parked anywhere: pause, socket, lock, queue, future). Removing the running fiber itself takes
// effect at its next suspension point. Unlike Copas, the fiber's destructors run.
void removethread(const thread& t);

// The running fiber (the main context of the thread has a handle too).
thread running_thread();

// True when `t` is the fiber making this call: `t == running_thread()` without copying a handle
// (a lock's owner checks sit on its hot path).
bool is_running(const thread& t);

// Names (Copas's setthreadname / getthreadname). The default name is "thread: 0x<address>".
void setthreadname(std::string name, const thread& t = running_thread());
std::string getthreadname(const thread& t = running_thread());

}  // namespace copas

template <>
struct std::hash<copas::thread> {
  std::size_t operator()(const copas::thread& t) const noexcept { return t.hash(); }
};

#include <copas/core/api_suffix.hpp>
