#pragma once
// Servers: bind, addserver, removeserver, handler, autoclose.
//
//   auto server = copas::bind("127.0.0.1", 0).value();
//   copas::addserver(server, copas::handler([](copas::socket client) {
//     while (auto line = client.receive()) client.send(*line + "\n");
//   }), 10, "echo");
//   copas::loop();
//
// TCP: each accepted client is named "<server>:client_<n>", gets the server's three timeouts and
// runs in a fresh fiber "<server>:handler_<n>" (n counts from 1 per server). An exception escaping
// the handler goes to copas::report_error with the client socket, then (with autoclose, read at
// accept time) the client is closed. A registered server keeps loop() running.
// UDP: one fiber "<server>:handler" gets the socket and loops on receive itself; never closed.

#include <copas/net/socket.hpp>
#include <copas/net/tls_server.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas {

using connection_handler = std::function<void(socket)>;

// LuaSocket's socket.bind(): a TCP listener with reuseaddr on. host "*" = every IPv4 address,
// "::" every IPv6 one; port 0 picks a free port (read it back with getsockname()).
// Other host names resolve through dns::resolve (evdns), which parks the calling fiber, or the
// thread's main context before loop() (fibers already added may run meanwhile); never the
// blocking system resolver. A name that does not resolve: "host not found: <host>".
result<socket> bind(std::string_view host, std::uint16_t port, int backlog = 32);

// Serves `server` (TCP listener or bound UDP socket). `timeout` (seconds) is applied with
// settimeout() and inherited by accepted clients; `name` names the server socket.
void addserver(socket server, connection_handler handler,
               std::optional<double> timeout = std::nullopt,
               std::optional<std::string> name = std::nullopt);

// Stops serving `server`; closes it unless keep_open. Running handlers are not affected; a kept
// socket can be added again. Returns the close() result (success when kept open).
result<void> removeserver(const socket& server, bool keep_open = false);

// How handler() runs a server's TLS handshakes.
struct handler_options {
  // Seconds from accept() to the end of the handshake; then the connection is dropped. A peer
  // that sends nothing, or half a ClientHello, holds an fd no longer. nullopt, 0 or less, or
  // infinity: no deadline.
  std::optional<double> handshake_timeout = 10.0;
  // Where the one line about a failed handshake goes ("<client socket name>: TLS handshake with
  // <ip>:<port> failed: <reason>"); empty: standard error.
  std::function<void(std::string_view line)> log;
};

// Copas's handler(): wraps each connection with `params`; with TLS parameters it sets up SNI and
// handshakes before calling `connhandler` with the wrapped socket. The TLS contexts are
// compiled once, here. A handshake that fails or misses its deadline (see handler_options) is
// quiet: one log line, counted in status().failed_handshakes, the connection closed, and
// `connhandler` never runs for it (no error handler, no traceback).
connection_handler handler(connection_handler connhandler,
                           std::optional<ssl_params> params = std::nullopt,
                           handler_options options = {});
// The same with contexts that can be reloaded while serving (see tls_server.hpp).
connection_handler handler(connection_handler connhandler, tls_server tls,
                           handler_options options = {});

// copas.autoclose (default true): close accepted TCP clients when their handler ends.
bool autoclose() noexcept;
void autoclose(bool on) noexcept;

}  // namespace copas

#include <copas/core/api_suffix.hpp>
