#pragma once
// copas::ftp::get, put and command: LuaSocket's ftp module, blocking only the calling fiber.
//
//   auto text = copas::ftp::get("ftp://localhost:2121/pub/readme.txt");        // anonymous
//   auto sent = copas::ftp::put("ftp://u:pw@localhost:2121/in/new.txt;type=i", "data");
//   std::vector<std::string> names;
//   copas::ftp::get({.url = "ftp://localhost:2121/pub/", .command = "nlst",
//                    .sink = copas::ltn12::sink::table(names)});                   // listing
//
// Each call opens a session: greeting, login (anonymous: USER ftp, PASS
// anonymous@anonymous.org), TYPE when asked, a passive data channel (EPSV, then PASV when EPSV
// is refused; active PORT/EPRT with request::active), the transfer, QUIT.
//
// Errors (copas::result): the server's reply text when a step is refused ("530 Login
// incorrect.", "550 No such file or directory."), the socket's error otherwise ("timeout",
// "closed", "connection refused"), and for bad arguments "wrong scheme '<s>'", "missing
// hostname", "invalid type '<t>'", "missing command", "invalid url". A download that the server
// aborts, or whose control connection closes before the final reply, fails even though the sink
// got part of the data. Only inside a copas fiber.

#include <copas/ftp/errors.hpp>
#include <copas/ftp/request.hpp>

#include <copas/core/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::ftp {

// Simple form: downloads the file the URL names and returns its contents. The URL defaults to
// scheme "ftp" and path "/"; its scheme must be "ftp"; ";type=a" or ";type=i" sets the type.
result<std::string> get(std::string_view url);
// Struct form: the data goes to r.sink.
result<void> get(const request& r);

// Simple form: uploads `content` to the file the URL names. Returns the bytes sent.
result<std::size_t> put(std::string_view url, std::string_view content);
// Struct form: the data comes from r.source. Returns the bytes sent.
result<std::size_t> put(const request& r);

// Runs r.command on one session (see command_request).
result<void> command(const command_request& r);

}  // namespace copas::ftp

#include <copas/core/api_suffix.hpp>
