#pragma once
// copas::smtp::send: LuaSocket's smtp.send, blocking only the calling fiber.
//
//   auto ok = copas::smtp::send({
//       .from = "<me@example.org>",
//       .rcpt = {"<you@example.org>", "<them@example.org>"},
//       .source = copas::smtp::message({.headers = {{"subject", "hi"}}, .body = "Hello\r\n"}),
//       .server = "mail.example.org", .port = 587,
//       .tls = copas::smtp::security::starttls,
//   });
//   if (!ok) std::cerr << ok.describe() << "\n";   // "smtp mail.example.org:587 RCPT TO: 550 ..."
//
// The session, as LuaSocket runs it: greeting (2xx), EHLO domain (2xx), AUTH when user and
// password are given, MAIL FROM:<from>, one RCPT TO:<to> per recipient, DATA (3xx), the message
// dot-stuffed, the final dot (2xx), QUIT. Addresses are sent verbatim: include the angle brackets.
//
// Errors: error().message() is what LuaSocket returns -- the server's reply text for a refused
// command ("550 5.1.1 <x@y>: Recipient address rejected"; the first refused recipient fails the
// send), the socket error ("connection refused", "timeout", "closed", "host not found: <host>"),
// "authentication not supported", "invalid server reply". where() says which step failed, on
// which host and port, with the reply. A missing `from` or `rcpt` throws std::invalid_argument
// (a Lua error in LuaSocket).
//
// Differences from LuaSocket, all deliberate:
// - EHLO refused with a 5xx falls back to HELO (no extensions then: no AUTH, no STARTTLS).
// - STARTTLS and SMTPS (implicit TLS), certificates and host names verified by default.
// - SMTPUTF8 is requested when an address is not ASCII and the server offers it (else the send
//   fails before MAIL FROM); BODY=8BITMIME when `eightbit` is set and the server offers it.
// - A message that ends with CRLF is followed by ".\r\n" only, so the server stores exactly the
//   bytes given (LuaSocket always sends "\r\n.\r\n", adding an empty line).
// - A refused command (535 AUTH, 550 RCPT TO, 552 after the data, any other but 421) and a
//   missing extension are followed by QUIT before the connection closes (RFC 5321 §4.1.1.10;
//   LuaSocket just closes). A socket error, a timeout or a failed TLS handshake closes at once.
// - Once the final dot is accepted the send succeeds: a failing QUIT does not turn a delivered
//   message into an error (which would invite a duplicate re-send).
// - A failed TLS handshake is returned as an error ("TLS/SSL handshake failed: <reason>") instead
//   of thrown; the connection is closed, never continued in plain text.

#include <copas/core/error.hpp>
#include <copas/core/partial_result.hpp>
#include <copas/net/ltn12.hpp>
#include <copas/net/socket.hpp>
#include <copas/net/ssl_params.hpp>
#include <copas/net/tp.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::smtp {

// LuaSocket's module constants.
inline constexpr double TIMEOUT = 60;
inline constexpr std::string_view SERVER = "localhost";
inline constexpr std::uint16_t PORT = 25;
inline constexpr std::uint16_t SMTPS_PORT = 465;
// $SERVER_NAME, else "localhost".
std::string default_domain();

// What the server lacks for the send asked of it. message() is the specific text:
// "authentication not supported" (LuaSocket's), "STARTTLS not supported",
// "SMTPUTF8 not supported" (a non-ASCII address).
enum class errc { not_supported = 1 };
const std::error_category& smtp_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), smtp_category()};
}

// One recipient or many (Lua: a string or an array).
struct recipients : std::vector<std::string> {
  recipients() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): .rcpt = one
  recipients(std::string one) : std::vector<std::string>{std::move(one)} {}
  // NOLINTNEXTLINE(google-explicit-constructor): .rcpt = "<a@b>"
  recipients(const char* one) : recipients(std::string(one)) {}
  // NOLINTNEXTLINE(google-explicit-constructor): .rcpt = {...}
  recipients(std::vector<std::string> many) : std::vector<std::string>(std::move(many)) {}
  recipients(std::initializer_list<std::string> many) : std::vector<std::string>(many) {}
};

enum class security {
  none,      // plain text, as LuaSocket
  starttls,  // plain connect, then STARTTLS after EHLO (the server must offer it)
  smtps,     // TLS from the first byte (port 465)
};

struct params {
  std::string from;                     // required, verbatim: "<me@example.org>" ("<>" allowed)
  recipients rcpt;                      // required
  ltn12::source source;                 // the message (headers and body); empty: no data
  std::optional<std::string> user;      // AUTH only when both user and password are given;
  std::optional<std::string> password;  // LOGIN preferred over PLAIN, as LuaSocket
  std::string server = std::string(SERVER);
  std::uint16_t port = PORT;
  std::string domain = default_domain();  // the EHLO argument
  ltn12::pump::step_function step = ltn12::pump::step;
  tp::connection::create_function create;  // default copas::tcp (always copas-wrapped)
  double timeout = TIMEOUT;                // per socket operation (connect, one read, one write)
  security tls = security::none;
  // TLS settings for starttls / smtps; default: client, verify the peer against the system CAs
  // and check the server name. Set verify = {"none"} to skip both, cafile for a private CA.
  std::optional<tls_params> tls_settings;
  bool eightbit = false;  // the message has 8-bit bytes: BODY=8BITMIME if offered
};

// Where a send failed.
struct failure {
  std::string host;
  std::uint16_t port = 0;
  std::string phase;  // "connect", "TLS", "greeting", "EHLO", "HELO", "STARTTLS", "AUTH",
                      // "MAIL FROM", "RCPT TO", "DATA", "message", "end of data"
  std::string reply;  // the server's reply text, when the failure is a reply
};

// What the server said when it took the message: its reply to the end of the data, e.g.
// "250 2.0.0 Ok: queued as 4XyZ1" (the queue id is what a sender logs).
struct delivery {
  std::string reply;
};

// The message was delivered (value(): the server's acceptance), or error() says why not and
// where() where: copas::partial_result, Copas's `nil, err, partial`, with the failure as the
// partial. error() == tp::errc::unexpected_reply when the server refused a step (its reply is
// the message), errc::not_supported when it lacks what was asked, else the socket's error.
class send_result : public partial_result<delivery, failure> {
 public:
  using partial_result::partial_result;
  send_result() : partial_result(delivery{}) {}  // delivered, nothing said: to assign over

  const smtp::failure& where() const noexcept {
    return partial();
  }  // (failure alone: the base's factory)
  // "smtp <host>:<port> <phase>: <message>", for logs and command-line tools; "ok" if delivered.
  std::string describe() const;
};

send_result send(const params& p);

}  // namespace copas::smtp

template <>
struct std::is_error_code_enum<copas::smtp::errc> : std::true_type {};

#include <copas/core/api_suffix.hpp>
