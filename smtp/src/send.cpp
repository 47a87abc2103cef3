// LuaSocket's smtp.lua send(), one SMTP session read top to bottom.
#include <copas/net/mime.hpp>
#include <copas/smtp/send.hpp>

#include "encoded_words.hpp"
#include "extensions.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace copas::smtp {

namespace {

struct smtp_category_impl : std::error_category {
  const char* name() const noexcept override { return "copas.smtp"; }
  std::string message(int) const override { return "not supported by the server"; }
};

error not_supported(std::string what) {
  return error(make_error_code(errc::not_supported), std::move(what));
}

std::string b64(std::string_view s) { return mime::b64(s).out.value_or(""); }

class session {
 public:
  explicit session(const params& p) : p_(p) {
    where_.host = p.server;
    where_.port = p.port;
  }

  send_result run() {
    result<void> ok = connect();
    if (ok) ok = expect("greeting", "2..");
    if (ok) ok = hello();
    if (ok) ok = starttls();
    if (ok) ok = authenticate();
    if (ok) ok = envelope();
    if (ok) ok = data();
    if (!ok) {
      bool refused = ok.error() == tp::errc::unexpected_reply;
      if (refused) where_.reply = ok.error().message();
      // RFC 5321 §4.1.1.10: the session ends with QUIT, refused command or not (Postfix logs
      // "lost connection after RCPT" otherwise). Not after 421, which closes the channel, nor
      // when the connection itself failed or is mid-message.
      if ((refused && !where_.reply.starts_with("421")) || ok.error() == errc::not_supported)
        quit();
      close();
      return send_result(ok.error(), std::move(where_));
    }
    quit();
    close();
    return delivery{std::move(accepted_)};
  }

 private:
  result<void> connect() {
    where_.phase = "connect";
    auto c = tp::connection::connect(p_.server, p_.port, p_.timeout, p_.create);
    if (!c) return c.error();
    conn_.emplace(std::move(*c));
    if (p_.tls == security::smtps) return handshake();
    return {};
  }

  // The TLS handshake on the control socket (SMTPS at once, or after STARTTLS). The socket
  // verifies the certificate and the name it connected to unless told verify = {"none"}.
  result<void> handshake() {
    where_.phase = "TLS";
    tls_params settings = p_.tls_settings.value_or(tls_params{});
    if (settings.mode.empty()) settings.mode = "client";
    return conn_->getcontrol().handshake(
        ssl_params{.wrap = std::move(settings), .sni = std::nullopt});
  }

  // Sends `cmd arg` and checks the reply; phase names the step for failure reports.
  result<void> command(std::string phase, std::string_view cmd, std::optional<std::string_view> arg,
                       std::string_view ok) {
    where_.phase = std::move(phase);
    if (auto sent = conn_->command(cmd, arg); !sent) return sent;
    return checked(ok);
  }
  result<void> expect(std::string phase, std::string_view ok) {
    where_.phase = std::move(phase);
    return checked(ok);
  }
  result<void> checked(std::string_view ok) {
    auto r = conn_->check(std::string(ok));
    if (!r) return r.error();
    return {};
  }

  // EHLO; a server that does not know it (5xx) gets HELO, and offers no extensions then.
  result<void> hello() {
    where_.phase = "EHLO";
    ext_ = {};
    if (auto sent = conn_->command("EHLO", p_.domain); !sent) return sent;
    auto r = conn_->receive_reply();
    if (!r) return r.error();
    if (r->code / 100 == 2) {
      ext_ = extensions::parse(r->text);
      return {};
    }
    if (r->code / 100 != 5) return tp::unexpected(std::move(r->text));
    return command("HELO", "HELO", p_.domain, "2..");
  }

  result<void> starttls() {
    if (p_.tls != security::starttls) return {};
    where_.phase = "STARTTLS";
    if (!ext_.starttls) return not_supported("STARTTLS not supported");
    if (auto ok = command("STARTTLS", "STARTTLS", std::nullopt, "2.."); !ok) return ok;
    // Anything the server sent after its go-ahead would be read as if it came over TLS
    // (CVE-2011-0411's command injection, turned around): refuse it.
    if (conn_->has_buffered_input())
      return error(copas::errc::protocol_error, "unexpected data after the STARTTLS reply");
    if (auto ok = handshake(); !ok) return ok;
    return hello();  // RFC 3207: forget what was learned in plain text
  }

  result<void> authenticate() {
    if (!p_.user || !p_.password) return {};
    where_.phase = "AUTH";
    if (ext_.offers_auth("LOGIN")) {
      if (auto ok = command("AUTH", "AUTH", "LOGIN", "3.."); !ok) return ok;
      if (auto ok = conn_->send(b64(*p_.user) + "\r\n"); !ok) return ok;
      if (auto ok = checked("3.."); !ok) return ok;
      if (auto ok = conn_->send(b64(*p_.password) + "\r\n"); !ok) return ok;
      return checked("2..");
    }
    if (ext_.offers_auth("PLAIN")) {
      std::string creds = '\0' + *p_.user + '\0' + *p_.password;
      return command("AUTH", "AUTH", "PLAIN " + b64(creds), "2..");
    }
    return not_supported("authentication not supported");
  }

  result<void> envelope() {
    bool utf8 = !is_ascii(p_.from) ||
                std::any_of(p_.rcpt.begin(), p_.rcpt.end(), [](auto& to) { return !is_ascii(to); });
    std::string from = "FROM:" + p_.from;
    if (p_.eightbit && ext_.eightbitmime) from += " BODY=8BITMIME";
    if (utf8) {
      where_.phase = "MAIL FROM";
      if (!ext_.smtputf8) return not_supported("SMTPUTF8 not supported");
      from += " SMTPUTF8";
    }
    if (auto ok = command("MAIL FROM", "MAIL", from, "2.."); !ok) return ok;
    for (auto& to : p_.rcpt)
      if (auto ok = command("RCPT TO", "RCPT", "TO:" + to, "2.."); !ok) return ok;
    return {};
  }

  result<void> data() {
    if (auto ok = command("DATA", "DATA", std::nullopt, "3.."); !ok) return ok;
    where_.phase = "message";
    std::string tail = "\r\n";  // an empty message ends "at the start of a line"
    if (p_.source) {
      auto stuffed = ltn12::source::chain(p_.source, mime::stuff());
      ltn12::source watched = [&]() -> result<ltn12::chunk> {
        auto c = stuffed();
        if (c && *c && !(*c)->empty()) {
          const std::string& s = **c;
          tail = s.size() >= 2 ? s.substr(s.size() - 2) : tail.substr(1) + s;
        }
        return c;
      };
      if (auto ok = conn_->source(watched, p_.step); !ok) return ok;
    }
    where_.phase = "end of data";
    if (auto ok = conn_->send(tail == "\r\n" ? ".\r\n" : "\r\n.\r\n"); !ok) return ok;
    auto accepted = conn_->check("2..");
    if (!accepted) return accepted.error();
    accepted_ = std::move(accepted->text);
    return {};
  }

  // After a delivery, or a refusal: a failing QUIT changes nothing (the message is delivered,
  // or the refusal is what the caller learns).
  void quit() {
    if (conn_->command("QUIT")) (void)conn_->check("2..");
  }

  void close() {
    if (conn_) conn_->close();
  }

  const params& p_;
  std::optional<tp::connection> conn_;
  extensions ext_;
  failure where_;
  std::string accepted_;  // the reply to the end of the data
};

}  // namespace

const std::error_category& smtp_category() noexcept {
  static const smtp_category_impl category;
  return category;
}

std::string default_domain() {
  const char* name = std::getenv("SERVER_NAME");
  return name && *name ? name : "localhost";
}

std::string send_result::describe() const {
  if (has_value()) return "ok";
  return "smtp " + where().host + ":" + std::to_string(where().port) + " " + where().phase + ": " +
         error().message();
}

send_result send(const params& p) {
  if (p.from.empty()) throw std::invalid_argument("smtp.send: missing from");
  if (p.rcpt.empty()) throw std::invalid_argument("smtp.send: missing rcpt");
  return session(p).run();
}

}  // namespace copas::smtp
