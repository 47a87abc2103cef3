#pragma once
// copas::tp: LuaSocket's command/reply transport (socket.tp), the line protocol FTP and SMTP
// share: send a command, read a numbered reply, check its code.
//
//   auto c = copas::tp::connection::connect("localhost", 25).value();
//   c.check("2..");                       // the greeting
//   c.command("ehlo", "me.example");      // "EHLO me.example\r\n"
//   auto r = c.check({"2..", 331});       // r->code == 250, r->text = every line, "\n"-joined
//
// Replies (RFC 959 §4.2, RFC 5321 §4.2), read as tp.lua's get_reply does: the first line starts
// with three digits, else "invalid server reply". After "ddd-" more lines follow, whatever they
// say, up to one starting with the same code and a space -- or the bare code alone, which
// RFC 5321 allows and LuaSocket does not end on. The text is all lines joined with "\n", every
// CR dropped (LuaSocket's "*l"). Bounded (limits below): a longer line or reply is "server reply
// too long", never unbounded memory.

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
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::tp {

// Failures of the transport itself (socket errors keep their own codes: "timeout", "closed").
enum class errc {
  invalid_reply = 1,  // "invalid server reply": a first line that does not start with a code
  reply_too_long,     // "server reply too long": past one of the limits
  unexpected_reply,   // a reply check() refused; error.message() is the reply text itself,
                      // e.g. "530 Login incorrect." (what LuaSocket returns)
};
const std::error_category& tp_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), tp_category()};
}

// One reply: the code and the full text, lines joined with "\n" ("250-a\n250 b").
struct reply {
  int code = 0;  // 0..999, as sent
  std::string text;
};

struct limits {
  std::size_t max_line = 8192;        // bytes per line, CRLF excluded (RFC 5321 asks for 512)
  std::size_t max_lines = 1024;       // lines per reply
  std::size_t max_size = 256 * 1024;  // bytes per reply, the "\n"s included
};

// The reply parser, free of I/O (the transport, the tests and the fuzzer share it): append
// received bytes, then take complete replies with next().
class reply_reader {
 public:
  explicit reply_reader(limits l = {}) : limits_(l) {}

  void append(std::string_view bytes);
  // The next complete reply; std::nullopt when the buffered bytes do not hold one yet. After an
  // error the reader is unusable (the stream is out of step): every call repeats it.
  std::optional<result<reply>> next();
  // Bytes received but not yet part of a returned reply.
  std::size_t buffered() const noexcept { return buffer_.size() - consumed_; }
  bool empty() const noexcept { return buffered() == 0; }
  // Hands over the bytes buffered past the replies taken so far (for tp's sink).
  std::string take_rest();

 private:
  std::optional<std::string_view> take_line();
  result<reply> finish();

  limits limits_;
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already parsed into lines
  reply pending_;
  std::size_t lines_ = 0;  // lines of pending_ so far; 0 between replies
  std::optional<error> failed_;
};

// What replies a step accepts, as LuaSocket's tp:check(ok) takes it: an exact code (250), a
// pattern matched against the three digits with Lua's string.find, where '.' is any character
// and the match is unanchored ("2..", "31" finds 331), a list of those (any may match), or a
// predicate on the code and text.
class reply_check {
 public:
  reply_check(int code);  // NOLINT(google-explicit-constructor): check(250)
  // NOLINTNEXTLINE(google-explicit-constructor): check("2..")
  reply_check(const char* pattern) : reply_check(std::string(pattern)) {}
  reply_check(std::string pattern);  // NOLINT(google-explicit-constructor): check(pattern)
  reply_check(std::initializer_list<reply_check> any_of);  // check({"2..", 331})
  // NOLINTNEXTLINE(google-explicit-constructor): check(a predicate)
  reply_check(std::function<bool(int code, const std::string& text)> predicate);

  bool matches(const reply& r) const;
  bool matches(int code) const { return matches(reply{code, {}}); }

 private:
  std::vector<std::string> patterns_;
  std::function<bool(int, const std::string&)> predicate_;
};

// The code of the reply an errc::unexpected_reply error carries ("550 No such file." -> 550);
// std::nullopt for any other error.
std::optional<int> reply_code(const error& e);
// errc::unexpected_reply with `text` as its message: how a protocol refuses a reply that passed
// check() but says something it cannot use (a malformed 213 to SIZE, a 4xx after a transfer).
error unexpected(std::string text);

// LuaSocket's tp object: a connected control socket plus the reply reader.
class connection {
 public:
  using create_function = std::function<socket()>;

  // LuaSocket's tp.connect: create() (default copas::tcp), wrap, settimeout(timeout), connect,
  // TCP_NODELAY. On failure the socket is closed and the connect error returned ("connection
  // refused", "host not found: <host>", "timeout").
  static result<connection> connect(std::string_view host, std::uint16_t port, double timeout = 60,
                                    const create_function& create = {}, limits l = {});
  // Adopts a connected socket.
  explicit connection(socket control, limits l = {}) : control_(std::move(control)), reader_(l) {}

  // Sends "CMD arg\r\n" (cmd upper-cased) or "CMD\r\n". A CR or LF in cmd or arg is refused
  // with copas::errc::invalid_argument (it would smuggle a second command).
  result<void> command(std::string_view cmd, std::optional<std::string_view> arg = std::nullopt);
  // Reads one reply (any code).
  result<reply> receive_reply();
  // Reads one reply and checks it against `ok`. A mismatch is errc::unexpected_reply whose
  // message() is the reply text, e.g. "550 5.1.1 <x@y>: Recipient address rejected".
  result<reply> check(const reply_check& ok);
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

#include <copas/core/api_suffix.hpp>
