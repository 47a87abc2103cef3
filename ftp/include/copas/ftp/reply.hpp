#pragma once
// FTP server replies (RFC 959 section 4.2), read the way LuaSocket's socket.tp reads them, and the
// checks that accept or reject them.
//
//   copas::ftp::reply_reader r;
//   r.append("230-Welcome\r\n230 Logged in.\r\n");
//   auto rep = r.next();            // optional<result<reply>>: nullopt = needs more bytes
//   // rep->value().code == 230, rep->value().text == "230-Welcome\n230 Logged in."
//
// A reply is one line starting with three digits, or, when the fourth character is '-', every
// line up to the first one that starts with the same three digits and a space. The text is all
// its lines joined with "\n", every CR removed (LuaSocket reads lines with "*l"). Anything else
// is "invalid server reply".
//
// Bounded: a line longer than limits::max_line, a reply of more than limits::max_lines lines or
// limits::max_size bytes fails with "server reply too long" instead of growing without end.

#include <copas/core/error.hpp>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace copas::ftp {

struct reply {
  int code = 0;      // 100..599 as sent (any three digits are accepted)
  std::string text;  // the whole reply, lines joined with "\n", e.g. "550 No such file."
};

// Splits a byte stream into replies. Free of I/O, so the control connection, the tests and the
// fuzzer share it.
class reply_reader {
 public:
  struct limits {
    std::size_t max_line = 8192;
    std::size_t max_lines = 1024;
    std::size_t max_size = 256 * 1024;
  };

  reply_reader() = default;
  explicit reply_reader(limits l) : limits_(l) {}

  // Adds bytes read from the server.
  void append(std::string_view bytes);
  // The next complete reply; std::nullopt when more bytes are needed; an error ("invalid server
  // reply", "server reply too long") when the stream cannot be a reply. After an error the
  // reader is unusable (the connection is out of step with the server): every call repeats it.
  std::optional<result<reply>> next();
  // Bytes received but not yet part of a returned reply.
  std::size_t buffered() const noexcept { return buf_.size() - pos_; }

 private:
  std::optional<std::string_view> take_line();
  result<reply> finish();

  limits limits_{};
  std::string buf_;
  std::size_t pos_ = 0;
  // The reply being assembled across calls.
  std::string text_;
  int code_ = -1;
  std::size_t lines_ = 0;
  std::optional<error> failed_;
};

// What replies a step accepts, as LuaSocket's tp:check(ok) takes it: an exact code (250), a
// pattern matched against the three digits where '.' is any character ("2.."), a list of those
// (any may match), or a predicate. A reply that does not match fails the step with the reply
// text as the error message.
class reply_check {
 public:
  reply_check(int code);                                            // NOLINT: tp:check(250)
  reply_check(const char* pattern) : reply_check(std::string(pattern)) {}  // NOLINT: "2.."
  reply_check(std::string pattern);                                 // NOLINT
  reply_check(std::initializer_list<reply_check> any_of);           // {"2..", 331}
  reply_check(std::function<bool(int code, const std::string& text)> predicate);  // NOLINT

  bool matches(const reply& r) const;

 private:
  std::vector<std::string> patterns_;
  std::function<bool(int, const std::string&)> predicate_;
};

// The first three digits of an FTP error's message, when that message is a server reply (how
// copas::ftp reports a rejected step); std::nullopt otherwise.
std::optional<int> reply_code(const error& e);

}  // namespace copas::ftp
