#pragma once
// The control connection: LuaSocket's socket.tp, commands out and replies in. Replies are read
// in bounded pieces through reply_reader rather than with receive(line), whose lines can grow
// without limit.

#include <copas/ftp/errors.hpp>
#include <copas/ftp/reply.hpp>
#include <copas/ftp/request.hpp>

#include <copas/core/error.hpp>
#include <copas/net/socket.hpp>

#include <optional>
#include <string_view>

namespace copas::ftp::detail {

class transport {
 public:
  // create(), settimeout(timeout), connect; closes the socket on failure.
  static result<transport> connect(std::string_view host, std::uint16_t port, double timeout,
                                   const create_function& create);

  // "CMD arg\r\n" (CMD upper-cased). An argument holding CR or LF is refused: it would smuggle a
  // second command onto the connection.
  result<void> command(std::string_view cmd, std::optional<std::string_view> argument);
  // The next reply, whatever it says.
  result<reply> receive();
  // The next reply if `ok` accepts it; else errc::rejected with the reply text as message.
  result<reply> check(const reply_check& ok);
  // True when bytes of a reply are already waiting (read without blocking).
  bool has_buffered() const noexcept { return reader_.buffered() > 0; }

  copas::socket& sock() noexcept { return sock_; }
  result<void> close() { return sock_.close(); }

 private:
  explicit transport(copas::socket s) : sock_(std::move(s)) {}
  copas::socket sock_;
  reply_reader reader_;
};

// errc::rejected carrying the server's reply text (the message LuaSocket returns).
copas::error rejected(const reply& r);
copas::error rejected(std::string text);
copas::error ftp_error(ftp::errc e, std::string text);

}  // namespace copas::ftp::detail
