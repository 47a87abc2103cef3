// One FTP session, step by step, in the order of LuaSocket's ftp.lua. The data connection code
// is in data_channel.cpp.
#include "ftp_error.hpp"
#include "session_state.hpp"

#include <copas/ftp/errors.hpp>

#include <charconv>

namespace copas::ftp {

std::string_view to_string(phase p) noexcept {
  switch (p) {
    case phase::connect: return "connect";
    case phase::greeting: return "greeting";
    case phase::login: return "login";
    case phase::type: return "type";
    case phase::data_channel: return "data connection";
    case phase::transfer: return "transfer";
    case phase::command: return "command";
    case phase::quit: return "quit";
    case phase::closed: return "closed";
  }
  return "unknown";
}

result<session> session::open(std::string_view host, std::uint16_t port,
                              const create_function& create, double timeout) {
  auto tp = tp::connection::connect(host, port, timeout, create);
  if (!tp) return tp.error();
  auto st = std::make_unique<state>(std::move(*tp));
  st->host = std::string(host);
  st->port = port;
  st->timeout = timeout;
  st->ph = phase::greeting;
  return session(std::move(st));
}

session::session(std::unique_ptr<state> s) : s_(std::move(s)) {}
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;
session::~session() {
  if (s_) (void)close();
}

result<void> session::greet() {
  s_->ph = phase::greeting;
  auto r = s_->tp.check({"1..", "2.."});
  if (!r) return r.error();
  if (r->code < 200) {
    if (auto again = s_->tp.check("2.."); !again) return again.error();
  }
  return {};
}

result<void> session::login(std::optional<std::string_view> user,
                            std::optional<std::string_view> password) {
  s_->ph = phase::login;
  if (auto ok = s_->tp.command("user", user.value_or(USER)); !ok) return ok;
  auto r = s_->tp.check({"2..", 331});
  if (!r) return r.error();
  if (r->code == 331) {
    if (auto ok = s_->tp.command("pass", password.value_or(PASSWORD)); !ok) return ok;
    if (auto done = s_->tp.check("2.."); !done) return done.error();
  }
  return {};
}

result<void> session::type(std::string_view t) {
  s_->ph = phase::type;
  return s_->simple("type", t, 200);
}

result<void> session::cwd(std::string_view dir) {
  s_->ph = phase::command;
  return s_->simple("cwd", dir, 250);
}

result<std::uint64_t> session::size(std::string_view path) {
  s_->ph = phase::command;
  if (auto ok = s_->tp.command("size", path); !ok) return ok.error();
  auto r = s_->tp.check(213);
  if (!r) return r.error();
  // "213 <size>": the number after the code, nothing else on the line.
  std::string_view text(r->text);
  text.remove_prefix(std::min<std::size_t>(4, text.size()));
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size())
    return tp::unexpected(std::move(r->text));
  return n;
}

result<void> session::quit() {
  s_->ph = phase::quit;
  return s_->simple("quit", std::nullopt, "2..");
}

result<void> session::close() {
  if (!s_) return copas::errc::closed;
  s_->drop_data_channel();
  s_->ph = phase::closed;
  return s_->tp.close();
}

result<void> session::command(std::string_view cmd, std::optional<std::string_view> argument) {
  return s_->tp.command(cmd, argument);
}

result<tp::reply> session::check(const tp::reply_check& ok) { return s_->tp.check(ok); }

std::uint64_t session::bytes_transferred() const noexcept { return s_->transferred; }
phase session::current_phase() const noexcept { return s_->ph; }
copas::socket session::control() const { return s_->tp.getcontrol(); }
const std::string& session::host() const noexcept { return s_->host; }
std::uint16_t session::port_number() const noexcept { return s_->port; }

result<void> session::state::simple(std::string_view cmd, std::optional<std::string_view> arg,
                                    const tp::reply_check& ok) {
  if (auto sent = tp.command(cmd, arg); !sent) return sent;
  if (auto r = tp.check(ok); !r) return r.error();
  return {};
}

void session::state::drop_data_channel() {
  if (data) data.close();
  if (server) server.close();
  data = {};
  server = {};
  pasvt.reset();
}

}  // namespace copas::ftp
