#pragma once
// Waiting for a file descriptor: the one fd-readiness primitive of copas-cpp, the only way any
// module waits on an fd (the reactor behind it is core's private business). After libdill's
// fdin/fdout(fd, deadline):
//
//   if (copas::wait_readable(fd, copas::deadline_after(5)) == copas::wake_reason::timeout) ...
//
// Both forms park through the one suspension point (<copas/core/wait.hpp>), as wait_kind::read or
// wait_kind::write, so status() counts the fiber as reading/writing and the debug log names the
// socket. A deadline is never reported early; removethread() cancels the wait with
// copas::thread_cancelled, as park() does. Use them on the dispatcher thread that runs the fiber.

#include <copas/core/socket_ref.hpp>
#include <copas/core/time.hpp>
#include <copas/core/wait.hpp>

#include <copas/core/api_prefix.hpp>

namespace copas {

// One-shot waits: until `fd` is readable (writable), or the deadline. Level-triggered: an fd
// that is ready already returns at the next poll. Registers and unregisters the fd each call,
// for fds waited on now and then (a pipe to a child process); an fd waited on all its life (a
// socket) keeps an fd_watch instead.
wake_reason wait_readable(int fd, clock::time_point deadline = clock::time_point::max());
wake_reason wait_writable(int fd, clock::time_point deadline = clock::time_point::max());

// A registered, edge-triggered watch of one fd, kept for the fd's whole life: the fd is
// registered once (no system call per wait), and readiness edges that come while nobody waits
// are remembered, so the next wait returns at once. At most one fiber waits per direction (one
// reading and one writing may wait at the same time).
//
// Edge-triggered: a wait returns when the fd *became* ready since the last edge, so a caller
// waits only after its read (write) said "would block", and then retries the system call.
//
// close() (or destruction) wakes every waiter: wait() returns wake_reason::woken and touches
// nothing of the watch after that, so the owner may destroy it while fibers wait; the owner
// tells its callers why (a socket answers "closed").
//
// Not copyable, not movable: the reactor holds its address. Single-threaded, as the fiber's
// dispatcher is.
class fd_watch {
 public:
  enum direction { read = 0, write = 1 };

  fd_watch() = default;  // watches nothing until watch()
  explicit fd_watch(int fd) { watch(fd); }
  ~fd_watch() { close(); }
  fd_watch(const fd_watch&) = delete;
  fd_watch& operator=(const fd_watch&) = delete;

  // Registers `fd` with the calling thread's dispatcher (after close(), if another is watched).
  // The fd stays the caller's: the watch never closes it.
  void watch(int fd);
  // Unregisters the fd (call before closing it) and wakes every waiter.
  void close() noexcept;
  bool watching() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }

  // Parks until an edge in `d` (or one came since the last wait returned), the deadline, close()
  // or wake(d). Returns timeout at once when the deadline has passed and no edge is pending; a
  // pending edge is consumed without parking (cancellation still throws). Precondition:
  // !waiting(d) (std::logic_error otherwise). `on` names the socket in the debug log.
  wake_reason wait(direction d, clock::time_point deadline = clock::time_point::max(),
                   const socket_ref* on = nullptr);
  // A fiber is in wait(d).
  bool waiting(direction d) const noexcept { return waiters_[d] != nullptr; }
  // Wakes the fiber in wait(d), if any, without an edge (its owner has news for it: a server
  // stopped). Returns whether one was woken.
  bool wake(direction d) noexcept;

  // What the read edges said. peer_closed: an edge carried the peer's close (EPOLLRDHUP): end of
  // file follows the data queued. drained: set by the reader when it knows the kernel queue is
  // empty (a short TCP read, or "would block"); the next read edge clears it, so until then a
  // read() could only say "would block" too. Both are reset by watch().
  bool peer_closed() const noexcept { return peer_closed_; }
  bool drained() const noexcept { return drained_; }
  void set_drained(bool d) noexcept { drained_ = d; }

  struct waiter;  // a parked wait (on its fiber's stack)

 private:
  static void on_read_edge(int fd, short what, void* self);
  static void on_write_edge(int fd, short what, void* self);
  void edge(direction d) noexcept;

  int fd_ = -1;
  // libevent's events, opaque here (core keeps the reactor to itself).
  void* read_event_ = nullptr;
  void* write_event_ = nullptr;
  bool write_armed_ = false;  // the write event is added: only while a write waits (see .cpp)
  bool ready_[2] = {false, false};
  bool peer_closed_ = false;
  bool drained_ = false;
  waiter* waiters_[2] = {nullptr, nullptr};
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
