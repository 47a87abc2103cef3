#pragma once
// The state behind a copas::socket: the fd and its edge-triggered core watch (copas::fd_watch,
// registered once for the socket's life, one waiter per direction), the timeouts, the receive
// buffer and, once handshaken, the TLS session.

#include "receive_buffer.hpp"

#include <copas/core/fd_wait.hpp>
#include <copas/core/ledger.hpp>
#include <copas/core/socket_ref.hpp>
#include <copas/core/time.hpp>
#include <copas/core/wait.hpp>
#include <copas/net/socket.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef struct ssl_st SSL;

namespace copas::detail {

struct server_state;
struct server_tls;

// What a transport call (read, write, SSL_*) ended with.
enum class io_status { done, want_read, want_write, eof, failed };

class wait_hold;

// Lifetimes: the public handles (copas::socket) of one socket share a handle_token, which owns
// the state; the state is also owned by every call parked on it (wait_hold). When the last
// handle goes, the token closes the socket (waking its waiters with "closed") and lets go; the
// state itself goes when the last parked call has returned.
struct socket_impl final : socket_ref, std::enable_shared_from_this<socket_impl> {
  explicit socket_impl(socket::type t) : type(t) {}
  ledger::entry ledger_entry{"socket", this};  // debug builds: reported if alive at dispatcher end
  ~socket_impl() override;
  socket_impl(const socket_impl&) = delete;
  socket_impl& operator=(const socket_impl&) = delete;

  std::string socket_name() const override;

  // Creates the fd for `family` if there is none.
  result<void> open(int family);
  // As open(), but first drops an fd of another family that is not bound yet (LuaSocket's tcp()
  // picks the family at connect / bind time).
  result<void> open_for(int family);
  // Takes an existing fd: non-blocking, events registered.
  void adopt(int new_fd, int fam);
  // Closes the fd now (TLS: close_notify first) and wakes both waiters.
  void close_now();
  void drop_fd() noexcept;

  // Parks the running fiber until the fd may be ready for reading (or writing), the deadline,
  // or close. Errors: "closed", "timeout", "Operation already in progress" (slot taken).
  // `hold` keeps this state alive from the first wait to the end of the caller's call: a caller
  // declares it before it first reads the state and touches nothing else after a wait (its
  // own copas::socket may be gone by then).
  result<void> wait(bool for_write, clock::time_point deadline, wait_hold& hold);

  // Transports: plain system calls, or OpenSSL once a session exists.
  io_status fill(error& err);  // into rbuf
  io_status write_some(const char* p, std::size_t n, std::size_t& written, error& err);

  // The Copas starvation guard: yields after a run of calls that never had to wait.
  void no_wait_success();

  socket::type type;
  int fd = -1;
  int family = 0;
  bool closed = false;
  bool connected = false;
  bool bound = false;
  bool listening = false;
  bool wrapped = false;
  bool accepted = false;
  // Readiness of fd: its edges, the fiber waiting in each direction, whether the peer's FIN was
  // announced (watch.peer_closed()), and whether the kernel's queue is known empty
  // (watch.drained()): then fill() reports "would block" without asking, which saves the recv()
  // that would say EAGAIN before each park of a request/response loop. fill() sets it after a
  // recv() shorter than its buffer (TCP hands over everything queued, and data arriving during or
  // after it brings a new edge) unless the peer's FIN was announced (it can ride on the same edge
  // as the data), and after an EAGAIN.
  fd_watch watch;
  // connect() is resolving the host (resolve_for): it holds the write direction meanwhile, and
  // closing the socket wakes it through resolve_waker.
  bool resolving = false;
  waker resolve_waker;
  std::optional<double> t_connect, t_send, t_receive;
  std::string name;
#if defined(COPAS_ASAN)
  receive_buffer rbuf{false};  // new[]: ASan's redzones guard it
#else
  receive_buffer rbuf{true};
#endif
  receive_limits limits;
  int streak = 0;
  std::vector<std::pair<std::string, option_value>> options;  // re-applied to a new fd

  // TLS
  // On the heap, only for a socket that has them: half of a plain socket's size otherwise.
  std::unique_ptr<const ssl_params> params;
  std::shared_ptr<server_tls> server_contexts;  // handler()'s compiled contexts
  std::optional<tls_context> context;           // keeps the session's SSL_CTX alive
  SSL* ssl = nullptr;
  bool handshaken = false;
  std::string peer_host;  // the host connect() was given: SNI and host-name check
  std::string sni_name;   // set by sni() on a client
  clock::time_point
      accepted_at{};  // accept() took it: a server's handshake deadline counts from here
  clock::time_point resolved_at{};  // connect()'s name lookup ended (socket::resolved_at)

  // Servers
  std::shared_ptr<server_state> serving;

  // The handles' shared token (see handle_of); expired while no handle exists.
  std::weak_ptr<void> handles;

  // debug::socket: where the call log goes (null: not logged), and "inside a logged call".
  std::shared_ptr<std::function<void(std::string_view)>> debug_log;
  bool debug_busy = false;
};

// Keeps a socket's state alive for the rest of one call once it has had to wait (a clock-free,
// atomic-free fast path: calls that never wait never take the reference).
class wait_hold {
 public:
  void keep(socket_impl& s) {
    if (!held_) held_ = s.shared_from_this();
  }

 private:
  std::shared_ptr<socket_impl> held_;
};

std::shared_ptr<socket_impl> make_impl(socket::type t);
// connect()'s look-up of `host`: as dns::resolve, but closing the socket (or dropping its last
// handle) ends it at once with "closed". Takes the socket's write slot meanwhile.
result<std::vector<std::string>> resolve_for(socket_impl& s, std::string_view host,
                                             clock::time_point deadline, wait_hold& hold);
// The handle pointer for `impl`: shares the count of the socket's existing handles, or starts
// one (the socket closes when that count reaches zero).
std::shared_ptr<socket_impl> handle_of(const std::shared_ptr<socket_impl>& impl);
// setsockopt by LuaSocket option name (options.cpp).
result<void> apply_option(socket_impl& s, std::string_view name, const option_value& value);
clock::time_point deadline_for(const std::optional<double>& t);

// The deadline of one socket operation, read from the clock when the operation first has to
// wait: most complete without waiting, and a clock read costs 20+ ns. (The microseconds spent
// before that first wait are not counted against the timeout.)
class lazy_deadline {
 public:
  explicit lazy_deadline(const std::optional<double>& timeout) : timeout_(timeout) {}
  clock::time_point get() {
    if (!known_) {
      at_ = deadline_for(timeout_);
      known_ = true;
    }
    return at_;
  }

 private:
  std::optional<double> timeout_;
  clock::time_point at_{};
  bool known_ = false;
};
// The error a timed-out call reports: "timeout", or the raw error under usesockettimeouterrors.
error timeout_error(error raw);
bool socket_timeout_errors();

}  // namespace copas::detail
