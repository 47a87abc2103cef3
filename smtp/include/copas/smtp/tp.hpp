#pragma once
// copas::tp: LuaSocket's command/reply transport (socket.tp), the line protocol under SMTP (and
// FTP): send a command, read a numbered reply, check its code.
//
//   auto c = copas::tp::connection::connect("localhost", 25).value();
//   c.check("2..");                       // the greeting
//   c.command("ehlo", "me.example");      // "EHLO me.example\r\n"
//   auto r = c.check("2..");              // r->code == 250, r->text = every line, "\n"-joined
//
// Replies (RFC 5321 §4.2, RFC 959 §4.2): the first line starts with three digits, else
// "invalid server reply". After "ddd-" more lines follow until one starting with the same code
// and a space (or the bare code, which RFC 5321 allows and LuaSocket does not end on). A
// continuation line that starts with a *different* code is "invalid server reply" too. Lines are
// bounded (limits below): a longer line or reply is "server reply too long", never unbounded
// memory. CR bytes are dropped, as LuaSocket's line reads do.
//
// Not SMTP-specific: FTP speaks the same protocol. It lives in copas::smtp's library until a
// shared home exists.

#include <copas/core/error.hpp>
#include <copas/net/ltn12.hpp>
#include <copas/net/socket.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace copas::tp {

// Failures of the transport itself (socket errors keep their own codes: "timeout", "closed").
enum class errc {
  invalid_reply = 1,  // "invalid server reply": a line that does not start with a code
  reply_too_long,     // "server reply too long": over limits::max_line or limits::max_lines
  unexpected_reply,   // "unexpected server reply"; error.message() is the reply text itself
};
const std::error_category& tp_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), tp_category()}; }

// One reply: the code and the full text, lines joined with "\n" ("250-a\n250 b").
struct reply {
  int code = 0;
  std::string text;
};

struct limits {
  std::size_t max_line = 4096;  // bytes per line, CRLF excluded (RFC 5321 asks for 512)
  std::size_t max_lines = 256;  // lines per reply
};

// The reply parser, free of I/O (the transport and the fuzzer share it): append received bytes,
// then take complete replies with next().
class reply_reader {
 public:
  explicit reply_reader(limits l = {}) : limits_(l) {}

  void append(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete reply; std::nullopt when the buffered bytes do not hold one yet. After an
  // error the reader is unusable (the stream is out of step).
  std::optional<result<reply>> next();
  // True when no byte past the replies taken so far is buffered (STARTTLS must start clean).
  bool empty() const noexcept { return buffer_.size() == consumed_; }
  // Hands over the bytes buffered past the replies taken so far (for tp's sink).
  std::string take_rest();

 private:
  limits limits_;
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already parsed into lines
  reply pending_;
  std::size_t lines_ = 0;
};

// A reply code pattern as LuaSocket's check takes it: three characters, digits or '.' for any
// digit ("2..", "250", "3.."). True if `code` matches.
bool matches(std::string_view pattern, int code) noexcept;

// LuaSocket's tp object: a connected control socket plus the reply reader.
class connection {
 public:
  using create_function = std::function<socket()>;

  // LuaSocket's tp.connect: create() (default copas::tcp), wrap, settimeout(timeout), connect.
  // On failure the socket is closed and the connect error returned ("connection refused",
  // "host not found: <host>", "timeout").
  static result<connection> connect(std::string_view host, std::uint16_t port,
                                    double timeout = 60, const create_function& create = {},
                                    limits l = {});
  // Adopts a connected socket.
  explicit connection(socket control, limits l = {}) : control_(std::move(control)), reader_(l) {}

  // Sends "CMD arg\r\n" (cmd upper-cased) or "CMD\r\n". A CR or LF in cmd or arg is refused
  // with errc::invalid_argument (it would smuggle a second command).
  result<void> command(std::string_view cmd, std::optional<std::string_view> arg = std::nullopt);
  // Reads one reply (any code).
  result<reply> receive_reply();
  // Reads one reply and checks its code against `pattern` (see matches), or any of `patterns`.
  // A mismatch is errc::unexpected_reply whose message() is the reply text, e.g.
  // "550 5.1.1 <x@y>: Recipient address rejected", as LuaSocket returns it.
  result<reply> check(std::string_view pattern);
  result<reply> check(std::initializer_list<std::string_view> patterns);
  // Sends raw bytes.
  result<void> send(std::string_view data);
  // LuaSocket's tp:sink: receives with `pattern` from the control socket (bytes already
  // buffered past the last reply come first), hands the data to `snk`, then the end mark with
  // the receive error (none when `all` ended with the peer's close). Returns the sink's result.
  result<void> sink(const ltn12::sink& snk, receive_pattern pattern = all);
  // Pumps `src` into the control socket (LuaSocket's tp:source), with `step`.
  result<void> source(const ltn12::source& src,
                      const ltn12::pump::step_function& step = ltn12::pump::step);

  // True when bytes past the last reply are buffered (a server speaking out of turn).
  bool has_buffered_input() const noexcept { return !reader_.empty(); }

  socket& getcontrol() noexcept { return control_; }
  result<void> close() { return control_.close(); }

 private:
  socket control_;
  reply_reader reader_;
};

}  // namespace copas::tp

template <>
struct std::is_error_code_enum<copas::tp::errc> : std::true_type {};
