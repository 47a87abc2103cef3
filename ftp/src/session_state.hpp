#pragma once
// What a session holds between steps (LuaSocket's f table): the control transport, the data
// channel being prepared (pasvt for passive, server for active) and the data connection.

#include <copas/ftp/session.hpp>

#include <copas/net/tp.hpp>

#include <optional>
#include <string>

namespace copas::ftp {

struct session::state {
  explicit state(tp::connection t) : tp(std::move(t)) {}

  tp::connection tp;
  std::string host;
  std::uint16_t port = 0;
  double timeout = TIMEOUT;
  phase ph = phase::connect;
  std::optional<endpoint> pasvt;  // passive: where to connect
  copas::socket server;           // active: where the server connects to
  copas::socket data;
  std::uint64_t transferred = 0;

  // Sends a command and checks its reply.
  result<void> simple(std::string_view cmd, std::optional<std::string_view> arg,
                      const tp::reply_check& ok);
  // The start of a transfer: the data connection when passive, the command (default_command
  // unless r.command) and its first reply, 1xx or 2xx.
  result<tp::reply> begin_transfer(const request& r, std::string_view default_command);
  // Active mode: accepts the data connection the server opens after that reply.
  result<void> await_data();
  // Connects (passive) or accepts (active) the data connection; errc::timeout with a message
  // saying which when it does not come.
  result<void> connect_data();
  result<void> accept_data();
  void drop_data_channel();
};

}  // namespace copas::ftp
