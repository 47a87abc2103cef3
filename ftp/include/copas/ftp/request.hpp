#pragma once
// What get, put and command take: LuaSocket's request tables as structs, and the module
// defaults (ftp.TIMEOUT, ftp.USER, ftp.PASSWORD, the control port).
//
//   copas::ftp::get({.url = "ftp://user:pw@localhost:2121/pub/file.bin",
//                    .type = "i",
//                    .sink = copas::ltn12::sink::file(std::fopen("file.bin", "wb"))});
//
// Fields left empty take the defaults below. When `url` is given it is parsed first and the
// explicit fields override what it says (LuaSocket's `override`): user, password, host, port and
// path come from the URL; user and password are URL-unescaped (LuaSocket passes them raw), and a
// ";type=a|i" parameter sets `type` unless `type` is given (LuaSocket ignores it in this form).

#include <copas/net/ltn12.hpp>
#include <copas/net/socket.hpp>
#include <copas/net/tp.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::ftp {

// Seconds every socket call may take: connect, each reply, each data block (LuaSocket's
// ftp.TIMEOUT). A data connection that does not come within this time fails with "timeout".
inline constexpr double TIMEOUT = 60;
// The control port when neither the URL nor `port` gives one.
inline constexpr std::uint16_t PORT = 21;
// Anonymous login, as LuaSocket: USER ftp, then (on 331) PASS anonymous@anonymous.org.
inline constexpr std::string_view USER = "ftp";
inline constexpr std::string_view PASSWORD = "anonymous@anonymous.org";

// Makes the control connection's socket (LuaSocket's `create`); default copas::wrap(tcp()).
// Data connections are always plain copas sockets.
using create_function = std::function<copas::socket()>;

// get / put: one transfer. (The `{}` on each field keeps GCC's -Wmissing-field-initializers quiet
// for callers' designated initialisers.)
struct request {
  std::optional<std::string> url{};       // "ftp://[user[:password]@]host[:port]/path[;type=a|i]"
  std::optional<std::string> host{};      // required (here or in url): "missing hostname"
  std::optional<std::uint16_t> port{};    // default PORT
  std::optional<std::string> user{};      // default USER
  std::optional<std::string> password{};  // default PASSWORD (sent only when the server asks, 331)
  // The transfer command's argument. `argument` is sent as is and wins over `path`; `path` is
  // URL-unescaped and loses one leading '/' or '\' ("/pub/a%20b" -> "pub/a b"). Neither, or an
  // empty result: the command goes without an argument.
  std::optional<std::string> argument{};
  std::optional<std::string> path{};
  // The transfer command: default "retr" for get, "stor" for put; "nlst" or "list" for a
  // directory listing through get, "appe" to append through put. Sent upper-cased.
  std::optional<std::string> command{};
  // "a" (ASCII) or "i" (image, binary): sent as TYPE before the transfer; empty = the server's
  // default (usually ASCII). No conversion is done here: with "a" the server converts line ends.
  std::optional<std::string> type{};
  ltn12::sink sink{};                 // get: receives the data (required in the struct form)
  ltn12::source source{};             // put: provides the data (required in the struct form)
  ltn12::pump::step_function step{};  // default ltn12::pump::step
  create_function create{};
  // Data channel: passive by default (EPSV, falling back to PASV when the server refuses EPSV
  // and the control connection is IPv4); active = true makes the server connect back to us
  // (PORT on IPv4, EPRT on IPv6) on the control connection's local address.
  bool active = false;
  double timeout = TIMEOUT;  // seconds per socket call, see TIMEOUT
};

// command: a series of commands on one session (LuaSocket's ftp.command), e.g. DELE a file:
//   copas::ftp::command({.url = "ftp://u:p@localhost:2121/", .command = {"dele"},
//                        .argument = {"old.txt"}, .check = {250}});
struct command_request {
  std::optional<std::string> url{};
  std::optional<std::string> host{};
  std::optional<std::uint16_t> port{};
  std::optional<std::string> user{};
  std::optional<std::string> password{};
  // One or more commands, sent upper-cased, in order, each with argument[i] when there is one.
  // Empty: "missing command".
  std::vector<std::string> command{};
  std::vector<std::optional<std::string>> argument{};
  // check[i], when given, must match the reply to command[i] (else the reply text is the error);
  // without one the reply is read and ignored. LuaSocket sends the next command without reading
  // an unchecked reply; reading it keeps the control connection in step.
  std::vector<std::optional<tp::reply_check>> check{};
  // With a sink, the last command is a data transfer (LIST, NLST, MLSD, RETR ...): it runs over a
  // data connection like get, and its data goes to the sink. Without, no data connection is made.
  ltn12::sink sink{};
  ltn12::pump::step_function step{};
  create_function create{};
  bool active = false;
  double timeout = TIMEOUT;
};

}  // namespace copas::ftp

#include <copas/core/api_suffix.hpp>
