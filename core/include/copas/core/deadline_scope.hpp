#pragma once
// Deadline scopes: one deadline for a whole exchange, without threading it through every call.
//
//   auto body = copas::with_timeout(5, [&] { return copas::http::request(url); });
//   if (!body) std::cerr << body.error().message();   // "timeout" if 5 s were not enough
//
//   {
//     copas::deadline_scope scope(2.5);                 // the same, as a block
//     auto c = copas::wrap(copas::tcp(), tls);
//     c.connect(host, 443);                             // connect + handshake ...
//     c.send(request);                                  // ... + request ...
//     auto reply = c.receive(copas::all);               // ... + body: 2.5 s in all
//   }
//
// Inside a scope every wait of the fiber (socket connect/send/receive/accept, DNS, TLS handshake,
// lock, semaphore, queue, timer, pause, futures) ends at the scope's deadline unless its own
// timeout is shorter. The first wait the deadline ends returns as its own timeout would: Copas's
// "timeout" (pause() returns early). A wait begun after that -- code that retries, or a call
// that waits in a loop -- does not wait: it unwinds the fiber with copas::deadline_exceeded
// (a copas::system_error whose message is "timeout") up to the scope, and with_timeout turns it
// into a "timeout" result. So nothing inside can outlive the deadline, however it handles
// errors. A `catch (...)` that swallows deadline_exceeded keeps the fiber inside; rethrow it.
//
// Scopes nest: the innermost deadline that comes first rules; an inner scope with a later
// deadline than its outer one changes nothing. Members a task_group spawns inside a scope
// inherit its deadline (their deadline_exceeded reaches group.wait(), and so the scope).
// Busy code that never waits is not interrupted. A scope belongs to the fiber that opened it:
// create and destroy it there (outside a fiber, in the main context, it bounds the waits of
// that context).

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>

#include <chrono>
#include <type_traits>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

namespace detail {
struct thread_state;
}

// Unwinds a fiber that waited again after its deadline scope's deadline passed; with_timeout and
// a deadline_scope's owner catch it. message() is "timeout".
class deadline_exceeded : public system_error {
 public:
  explicit deadline_exceeded(const void* scope) : system_error(errc::timeout), scope_(scope) {}
  const void* scope() const noexcept { return scope_; }

 private:
  const void* scope_;
};

class deadline_scope {
 public:
  // A deadline `seconds` from now (forever or NaN: none, the scope only inherits).
  explicit deadline_scope(double seconds);
  template <class Rep, class Period>
  explicit deadline_scope(std::chrono::duration<Rep, Period> d) : deadline_scope(to_seconds(d)) {}
  explicit deadline_scope(clock::time_point deadline);
  deadline_scope(const deadline_scope&) = delete;
  deadline_scope& operator=(const deadline_scope&) = delete;
  ~deadline_scope();  // restores the enclosing scope's deadline

  // The deadline in force inside the scope (the enclosing one if that comes first).
  clock::time_point deadline() const noexcept { return effective_; }
  // True once this scope's deadline ended a wait.
  bool expired() const noexcept;
  // True if `e` unwinds to this scope (its deadline, not an enclosing one's).
  bool owns(const deadline_exceeded& e) const noexcept { return e.scope() == this; }

 private:
  detail::thread_state* fiber_;
  clock::time_point effective_;
  clock::time_point saved_deadline_;
  const void* saved_owner_;
  bool saved_expired_;
};

// Runs f() inside a deadline_scope of `seconds`. Returns what f() returns if that type can hold
// a copas::error (copas::result<T>, http::request_result: "timeout" when the deadline unwound f),
// else result<R> (void: result<void>). Exceptions other than this scope's deadline_exceeded
// propagate.
template <class F>
auto with_timeout(double seconds, F&& f) {
  using R = std::invoke_result_t<F&>;
  using out =
      std::conditional_t<!std::is_void_v<R> && std::is_constructible_v<R, error>, R, result<R>>;
  deadline_scope scope(seconds);
  try {
    if constexpr (std::is_void_v<R>) {
      f();
      return out{};
    } else {
      return out(f());
    }
  } catch (const deadline_exceeded& e) {
    if (!scope.owns(e)) throw;
    return out(error(errc::timeout));
  }
}

template <class Rep, class Period, class F>
auto with_timeout(std::chrono::duration<Rep, Period> d, F&& f) {
  return with_timeout(to_seconds(d), std::forward<F>(f));
}

}  // namespace copas

#include <copas/core/api_suffix.hpp>
