// get, put and command: LuaSocket's tget / tput / command, top to bottom.
#include "ftp_error.hpp"
#include "target.hpp"

#include <copas/ftp/client.hpp>
#include <copas/ftp/session.hpp>

#include <numeric>
#include <utility>
#include <vector>

namespace copas::ftp {

namespace {

// open, greet, login: the start of every high-level call.
result<session> start(const detail::target& t, const create_function& create, double timeout) {
  auto s = session::open(*t.host, t.port, create, timeout);
  if (!s) return s;
  if (auto ok = s->greet(); !ok) return ok.error();
  if (auto ok = s->login(t.user, t.password); !ok) return ok.error();
  return s;
}

result<void> data_channel(session& s, bool active) {
  if (active) return s.active();
  auto e = s.passive();
  if (!e) return e.error();
  return {};
}

// The request with the merged target's path and type, which the session steps read.
request with_target(const request& r, const detail::target& t) {
  request out = r;
  out.path = t.path;
  out.type = t.type;
  return out;
}

// get and put up to the transfer: resolved, logged in, the type set, the data channel ready.
struct transfer {
  detail::target t;
  session s;
};

result<transfer> open_transfer(const request& r) {
  auto t = detail::resolve(r, r.path, r.type);
  if (!t) return t.error();
  auto s = start(*t, r.create, r.timeout);
  if (!s) return s.error();
  if (t->type) {
    if (auto ok = s->type(*t->type); !ok) return ok.error();
  }
  if (auto ok = data_channel(*s, r.active); !ok) return ok.error();
  return transfer{std::move(*t), std::move(*s)};
}

result<void> finish(session& s) {
  if (auto ok = s.quit(); !ok) return ok;
  return s.close();
}

}  // namespace

result<void> get(const request& r) {
  auto x = open_transfer(r);
  if (!x) return x.error();
  if (auto ok = x->s.receive(with_target(r, x->t)); !ok) return ok;
  return finish(x->s);
}

result<std::size_t> put(const request& r) {
  auto x = open_transfer(r);
  if (!x) return x.error();
  auto sent = x->s.send(with_target(r, x->t));
  if (!sent) return sent;
  if (auto ok = finish(x->s); !ok) return ok.error();
  return sent;
}

result<std::string> get(std::string_view url) {
  auto t = detail::parse_ftp_url(url);
  if (!t) return t.error();
  std::vector<std::string> parts;
  request r{.host = t->host,
            .port = t->port,
            .user = t->user,
            .password = t->password,
            .path = t->path,
            .type = t->type,
            .sink = ltn12::sink::table(parts)};
  if (auto ok = get(r); !ok) return ok.error();
  return std::accumulate(parts.begin(), parts.end(), std::string());
}

result<std::size_t> put(std::string_view url, std::string_view content) {
  auto t = detail::parse_ftp_url(url);
  if (!t) return t.error();
  request r{.host = t->host,
            .port = t->port,
            .user = t->user,
            .password = t->password,
            .path = t->path,
            .type = t->type,
            .source = ltn12::source::string(std::string(content))};
  return put(r);
}

result<void> command(const command_request& r) {
  auto t = detail::resolve(r);
  if (!t) return t.error();
  if (r.command.empty()) return detail::ftp_error(errc::missing_command, "missing command");
  auto s = start(*t, r.create, r.timeout);
  if (!s) return s.error();
  for (std::size_t i = 0; i < r.command.size(); ++i) {
    std::optional<std::string> arg = i < r.argument.size() ? r.argument[i] : std::nullopt;
    const bool transfer = r.sink && i + 1 == r.command.size();
    if (transfer) {
      if (auto ok = data_channel(*s, r.active); !ok) return ok;
      request listing{.argument = arg, .command = r.command[i], .sink = r.sink, .step = r.step};
      if (auto ok = s->receive(listing); !ok) return ok;
      continue;
    }
    if (auto ok = s->command(r.command[i], arg); !ok) return ok;
    if (i < r.check.size() && r.check[i]) {
      if (auto ok = s->check(*r.check[i]); !ok) return ok.error();
    } else if (auto any = s->check(
                   tp::reply_check(std::function([](int, const std::string&) { return true; })));
               !any) {
      return any.error();
    }
  }
  return finish(*s);
}

}  // namespace copas::ftp
