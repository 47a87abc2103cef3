#pragma once
// copas::ftp::session: one FTP control connection, step by step (LuaSocket's ftp.open object).
// get, put and command are a few lines on top of it; use it directly for several transfers on
// one login, CWD, or your own commands.
//
//   auto s = copas::ftp::session::open("localhost", 2121).value();
//   s.greet(); s.login("user", "secret"); s.type("i");
//   s.pasv();                                        // or s.port() for active mode
//   s.receive({.path = "/file.bin", .sink = snk});
//   s.quit(); s.close();
//
// Every step returns an error on failure: the server's reply text when a reply did not match
// (tp::errc::unexpected_reply, e.g. "550 No such file."), otherwise the socket's ("timeout",
// "closed", ...).
// phase() tells which step was running. Only inside a copas fiber.
//
// Differences from LuaSocket: both connections are fiber sockets (Copas 4.11 blocks the process
// on its data connection); epsv() / pasv() / port() / eprt() work on IPv6 and use the right local
// address; pasv() ignores a private or unspecified address in the reply and connects to the
// control connection's peer instead (what curl does); send() reports the server's reply when it
// aborts an upload; a session is closed on destruction.

#include <copas/ftp/request.hpp>

#include <copas/core/error.hpp>
#include <copas/net/socket.hpp>
#include <copas/net/tp.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::ftp {

// The step a session is in (or failed in), for error reports: "login: 530 Login incorrect.".
enum class phase { connect, greeting, login, type, data_channel, transfer, command, quit, closed };
std::string_view to_string(phase p) noexcept;

class session {
 public:
  // Connects the control connection (LuaSocket's tp.connect): `create()` makes the socket
  // (default copas::wrap(copas::tcp())), `timeout` is applied to it before connecting. Errors are
  // the socket's ("connection refused", "host not found: <host>", "timeout").
  static result<session> open(std::string_view host, std::uint16_t port = PORT,
                              const create_function& create = {}, double timeout = TIMEOUT);

  session(session&&) noexcept;
  session& operator=(session&&) noexcept;
  ~session();  // closes whatever is still open

  // Reads the greeting: 1xx or 2xx, and after a 1xx another 2xx.
  result<void> greet();
  // USER user (default USER); on 331, PASS password (default PASSWORD). Expects 2xx.
  result<void> login(std::optional<std::string_view> user = std::nullopt,
                     std::optional<std::string_view> password = std::nullopt);
  // TYPE t ("a", "i"); expects 200.
  result<void> type(std::string_view t);
  // CWD dir; expects 250.
  result<void> cwd(std::string_view dir);

  // Data channel, passive: EPSV (229 "(|||port|)", the data host is the control peer).
  result<endpoint> epsv();
  // Passive, IPv4: PASV (227 with h1,h2,h3,h4,p1,p2 anywhere in the text).
  result<endpoint> pasv();
  // epsv(), and pasv() when EPSV is refused on an IPv4 connection: what get/put use.
  result<endpoint> passive();
  // Active: listens on `address` (default: the control connection's local address) and port
  // (default: any) and sends PORT h1,h2,h3,h4,p1,p2 (IPv4 only); expects 2xx.
  result<void> port(std::optional<std::string_view> address = std::nullopt,
                    std::uint16_t listen_port = 0);
  // Active: as port() but sends EPRT |family|address|port| (1 = IPv4, 2 = IPv6).
  result<void> eprt(std::optional<std::string_view> address = std::nullopt,
                    std::uint16_t listen_port = 0);
  // port() on IPv4, eprt() on IPv6: what get/put use with `active`.
  result<void> active();

  // Uploads: sends `command` (default STOR) with the argument (request.hpp), expects 1xx or 2xx,
  // pumps `source` into the data connection and closes it; after a 1xx expects 2xx. Returns the
  // bytes sent. Needs a data channel first ("need port or pasv first"); it is used up.
  result<std::size_t> send(const request& r);
  // Downloads: sends `command` (default RETR), expects 1xx or 2xx. On an immediate 2xx the reply
  // text goes to the sink; else the data connection is read until the server closes it, then
  // (after a 1xx) a 2xx is expected: a transfer the server reports as failed (426, 451) is an
  // error even though the sink already got the data (bytes_transferred() tells how much).
  result<void> receive(const request& r);

  // Bytes moved by the last send() / receive(), also when it failed part way.
  std::uint64_t bytes_transferred() const noexcept;

  // SIZE path (RFC 3659, not in LuaSocket): the size the server reports, or its reply as error.
  result<std::uint64_t> size(std::string_view path);

  // QUIT; expects 2xx.
  result<void> quit();
  // Closes the data connection, the listener and the control connection.
  result<void> close();

  // The transport (LuaSocket's f.tp): sends "CMD arg\r\n" (cmd upper-cased) and checks a reply.
  result<void> command(std::string_view cmd,
                       std::optional<std::string_view> argument = std::nullopt);
  result<tp::reply> check(const tp::reply_check& ok);

  phase current_phase() const noexcept;
  // The control connection (for its timeouts, addresses).
  copas::socket control() const;
  // The host and port open() was given, for error reports.
  const std::string& host() const noexcept;
  std::uint16_t port_number() const noexcept;

  struct state;

 private:
  explicit session(std::unique_ptr<state> s);
  std::unique_ptr<state> s_;
};

}  // namespace copas::ftp

#include <copas/core/api_suffix.hpp>
