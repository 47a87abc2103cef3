#pragma once
// Copas's module-level socket calls: copas.send(skt, data), copas.receive(skt, pattern), ...
// Each forwards to the socket member of the same name (socket.hpp documents the behaviour), so
// that code ported from Lua reads the same:
//
//   copas::settimeout(s, 5);
//   copas::connect(s, "localhost", 8080).value();
//   copas::send(s, "hello\n");
//   auto line = copas::receive(s);                       // copas::line by default
//   copas::close(s);
//
// setsocketname / getsocketname / usesockettimeouterrors are in socket.hpp; addserver,
// removeserver and handler in server.hpp.

#include <copas/net/socket.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas {

inline result<void> connect(socket& s, std::string_view host, std::uint16_t port) {
  return s.connect(host, port);
}

inline send_result send(socket& s, std::string_view data, std::int64_t i = 1, std::int64_t j = -1) {
  return s.send(data, i, j);
}

inline receive_result receive(socket& s, receive_pattern pattern = line, std::string prefix = {}) {
  return s.receive(pattern, std::move(prefix));
}

inline receive_result receivepartial(socket& s, receive_pattern pattern = line,
                                     std::string prefix = {}) {
  return s.receivepartial(pattern, std::move(prefix));
}

inline result<datagram> receivefrom(socket& s, std::size_t size = 8192) {
  return s.receivefrom(size);
}

// Deprecated in Copas (UDP sends never wait); kept for ported code.
inline result<std::size_t> sendto(socket& s, std::string_view data, std::string_view ip,
                                  std::uint16_t port) {
  return s.sendto(data, ip, port);
}

inline bool settimeout(socket& s, std::optional<double> seconds) { return s.settimeout(seconds); }
template <class Rep, class Period>
bool settimeout(socket& s, std::chrono::duration<Rep, Period> d) {
  return s.settimeout(d);
}

inline bool settimeouts(socket& s, std::optional<double> connect, std::optional<double> send,
                        std::optional<double> receive) {
  return s.settimeouts(connect, send, receive);
}

inline result<void> close(socket& s) { return s.close(); }

// Copas returns the TLS socket; here the socket itself becomes TLS, and is returned.
inline socket& dohandshake(socket& s, std::optional<ssl_params> params = std::nullopt) {
  return s.dohandshake(std::move(params));
}

inline result<void> sni(socket& s, sni_params names) { return s.sni(std::move(names)); }

// Deprecated no-op, as in Copas.
inline void flush(const socket& s) noexcept { s.flush(); }

}  // namespace copas

#include <copas/core/api_suffix.hpp>
