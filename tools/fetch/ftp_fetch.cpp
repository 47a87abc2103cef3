// copas-fetch's ftp:// support: one session like get/put, plus SIZE for the progress total and
// the partial-transfer check, and curl's exit codes.
#include "ftp_fetch.hpp"

#include <copas/ftp/errors.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/tp.hpp>
#include <copas/net/url.hpp>

#include <charconv>
#include <string>

namespace copas::fetch {

using ftp::phase;
using ftp::session;

namespace {

// An ftp:// URL's parts, credentials and path unescaped (curl's reading; the library's own
// parser is private to copas::ftp).
struct ftp_target {
  std::string host;
  std::uint16_t port = ftp::PORT;
  std::optional<std::string> user, password, path, type;
};

result<ftp_target> parse_url(const std::string& text) {
  url::parsed dflt;
  dflt.scheme = "ftp";
  auto u = url::parse(text, dflt);
  if (!u) return copas::error(copas::errc::invalid_argument, "invalid url");
  if (ascii::lower(u->scheme.value_or("")) != "ftp")
    return copas::error(ftp::make_error_code(ftp::errc::wrong_scheme),
                        "wrong scheme '" + u->scheme.value_or("") + "'");
  if (!u->host || u->host->empty())
    return copas::error(ftp::make_error_code(ftp::errc::missing_hostname), "missing hostname");
  ftp_target t;
  t.host = *u->host;
  if (u->port && !u->port->empty()) {
    unsigned v = 0;
    auto [e, ec] = std::from_chars(u->port->data(), u->port->data() + u->port->size(), v);
    if (ec != std::errc() || e != u->port->data() + u->port->size() || v == 0 || v > 65535)
      return copas::error(ftp::make_error_code(ftp::errc::invalid_port),
                          "invalid port '" + *u->port + "'");
    t.port = static_cast<std::uint16_t>(v);
  }
  if (u->user) t.user = url::unescape(*u->user);
  if (u->password) t.password = url::unescape(*u->password);
  t.path = u->path.value_or("/");
  if (u->params) {
    auto& prm = *u->params;
    if (!prm.starts_with("type=") || (prm != "type=a" && prm != "type=i"))
      return copas::error(ftp::make_error_code(ftp::errc::invalid_type),
                          "invalid type '" + prm + "'");
    t.type = prm.substr(5);
  }
  return t;
}

// The transfer argument: the path without its leading '/', unescaped; none when empty.
std::optional<std::string> argument_of(const std::optional<std::string>& path) {
  if (!path) return std::nullopt;
  std::string_view p = *path;
  if (!p.empty() && (p[0] == '/' || p[0] == '\\')) p.remove_prefix(1);
  if (p.empty()) return std::nullopt;
  return url::unescape(p);
}

// A listing in ASCII mode comes with CRLF line ends; curl prints LF (a CR before a chunk's end is
// held until the next chunk shows whether an LF follows).
ltn12::sink lf_lines(ltn12::sink inner) {
  return [inner, held = false](ltn12::chunk c,
                               const std::optional<copas::error>& e) mutable -> result<void> {
    if (!c) {
      if (held) {
        held = false;
        if (auto ok = inner(std::string("\r"), std::nullopt); !ok) return ok;
      }
      return inner(std::nullopt, e);
    }
    std::string out;
    out.reserve(c->size() + 1);
    if (held) out += '\r';
    held = false;
    for (char ch : *c) out += ch;
    std::string fixed;
    fixed.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == '\r' && i + 1 < out.size() && out[i + 1] == '\n') continue;
      if (out[i] == '\r' && i + 1 == out.size()) {
        held = true;
        continue;
      }
      fixed += out[i];
    }
    if (fixed.empty()) return {};
    return inner(std::move(fixed), std::nullopt);
  };
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

int socket_exit_code(const copas::error& e, phase p, bool upload) {
  const std::string m = e.message();
  if (e == copas::errc::timeout) return 28;
  if (e == copas::errc::refused) return 7;
  if (e == copas::errc::host_not_found || e == copas::errc::try_again ||
      starts_with(m, "host not found") || starts_with(m, "host or service not provided"))
    return 6;
  if (e == copas::errc::invalid_argument) return 3;
  if (e == copas::errc::protocol_error) return 18;
  if (p == phase::connect) return 7;
  if (e == copas::errc::closed && p == phase::transfer) return upload ? 55 : 18;
  return upload && p == phase::transfer ? 55 : 56;
}

int rejected_exit_code(int code, phase p, bool upload, bool active) {
  switch (p) {
    case phase::login: return 67;
    case phase::type: return 17;
    case phase::data_channel: return active ? 30 : 13;
    case phase::transfer:
      if (upload) return 25;  // curl: STOR refused, whatever the code
      if (code == 550) return 78;
      if (code == 426 || code == 451) return 18;
      return 19;
    case phase::command: return code == 550 ? 78 : 8;  // SIZE
    default: return 8;
  }
}

}  // namespace

int curl_exit_code(const copas::error& e, phase p, bool upload, bool active) {
  if (e == tp::errc::unexpected_reply)
    return rejected_exit_code(tp::reply_code(e).value_or(0), p, upload, active);
  if (e.code().category() == tp::tp_category()) return 8;  // invalid or oversized reply
  if (e.code().category() == ftp::ftp_category()) {
    switch (static_cast<ftp::errc>(e.code().value())) {
      case ftp::errc::wrong_scheme: return 1;
      case ftp::errc::missing_hostname:
      case ftp::errc::invalid_type:
      case ftp::errc::invalid_port: return 3;
      case ftp::errc::invalid_epsv: return 13;
      default: return 8;
    }
  }
  if (e.message() == "invalid url") return 3;
  return socket_exit_code(e, p, upload);
}

std::string ftp_fetch_outcome::describe() const {
  if (exit_code == 0) return "ok";
  std::string where =
      host.empty() ? std::string("ftp") : "ftp://" + host + ":" + std::to_string(port);
  std::string text = where + ": " + std::string(to_string(failed_in)) + ": " + error.message();
  if (bytes > 0 || exit_code == 18) {
    text += " (" + std::to_string(bytes) + " bytes";
    if (expected) text += " of " + std::to_string(*expected);
    text += " transferred)";
  }
  return text;
}

namespace {

// The parts of fetch that need a session: on failure, the step is read from the session.
struct attempt {
  const ftp_fetch_options& o;
  ftp_fetch_outcome& out;
  bool sink_failed = false;
  bool source_failed = false;

  copas::error run(const ftp_target& t) {
    // The control socket is kept here so that its lookup time is known also when the connect
    // fails (session::open then gives only the error).
    copas::socket control;
    auto opened = session::open(
        t.host, t.port, [&control] { return control = copas::tcp(); }, o.timeout);
    out.reached.resolved = control.resolved_at();
    if (!opened) {
      out.failed_in = phase::connect;
      return opened.error();
    }
    session& s = *opened;
    out.reached.connected = clock::now();
    if (auto peer = control.getpeername()) out.remote = *peer;
    if (auto self = control.getsockname()) out.local = *self;
    auto fail = [&](copas::error e) {
      out.failed_in = s.current_phase();
      out.bytes = std::max(out.bytes, s.bytes_transferred());
      return e;
    };
    if (auto ok = s.greet(); !ok) return fail(ok.error());
    // Anonymous as curl logs in (copas-fetch is curl's stand-in): "anonymous", which every
    // server knows, rather than LuaSocket's "ftp", which a stock pyftpdlib refuses.
    auto user = o.user ? o.user : t.user;
    auto password = o.password ? o.password : t.password;
    if (!user) {
      user = "anonymous";
      if (!password) password = "ftp@example.com";
    }
    if (auto ok = s.login(user, password); !ok) return fail(ok.error());
    const bool upload = static_cast<bool>(o.upload);
    const bool directory = !upload && (!t.path || t.path->empty() || t.path->back() == '/');
    ftp::request r{.path = t.path, .step = timed_step(upload)};
    if (directory) r.command = o.list_only ? "nlst" : "list";
    // A listing is text (TYPE A, as curl sends it); a file is binary unless ";type=a".
    if (auto ok = s.type(directory ? "a" : t.type.value_or("i")); !ok) return fail(ok.error());
    if (upload) {
      out.expected = o.upload_size;
    } else if (!directory) {
      // Optional (RFC 3659): a refusal only costs the total; a broken connection is fatal.
      auto arg = argument_of(r.path);
      if (arg) {
        auto size = s.size(*arg);
        if (size)
          out.expected = *size;
        else if (size.error().code() != tp::errc::unexpected_reply)
          return fail(size.error());
      }
    }
    if (o.active) {
      if (auto ok = s.active(); !ok) return fail(ok.error());
    } else if (auto ok = s.passive(); !ok) {
      return fail(ok.error());
    }
    if (upload) {
      r.source = counted(o.upload);
      if (auto sent = s.send(r); !sent) return fail(sent.error());
    } else {
      r.sink = directory ? lf_lines(counted(o.sink)) : counted(o.sink);
      if (auto ok = s.receive(r); !ok) return fail(ok.error());
    }
    out.bytes = s.bytes_transferred();
    if (!upload && !directory && out.expected && out.bytes != *out.expected && t.type != "a") {
      out.failed_in = phase::transfer;
      return copas::error(
          copas::errc::protocol_error,
          "partial transfer: the server announced " + std::to_string(*out.expected) + " bytes");
    }
    // The file is complete and confirmed (226): a failing QUIT changes nothing for the caller.
    (void)s.quit();
    (void)s.close();
    return {};
  }

  // The pump's first step comes once the transfer command was answered and the data connection
  // is up (curl's pretransfer); a download starts when the data connection first yields.
  ltn12::pump::step_function timed_step(bool upload) {
    return [this, upload](const ltn12::source& src, const ltn12::sink& snk) {
      auto& when = out.reached;
      if (when.pretransfer == clock::time_point{}) {
        when.pretransfer = clock::now();
        if (upload) when.starttransfer = when.pretransfer;
      }
      if (when.starttransfer != clock::time_point{}) return ltn12::pump::step(src, snk);
      return ltn12::pump::step(
          [&]() {
            auto c = src();
            when.starttransfer = clock::now();
            return c;
          },
          snk);
    };
  }

  ltn12::sink counted(const ltn12::sink& snk) {
    return [this, snk, now = std::uint64_t(0)](
               ltn12::chunk c, const std::optional<copas::error>& e) mutable -> result<void> {
      if (c) now += c->size();
      if (o.progress && c) o.progress(now, out.expected);
      auto ok = snk ? snk(std::move(c), e) : result<void>();
      if (!ok) sink_failed = true;
      return ok;
    };
  }

  ltn12::source counted(const ltn12::source& src) {
    return [this, src, now = std::uint64_t(0)]() mutable -> result<ltn12::chunk> {
      auto c = src();
      if (!c) {
        source_failed = true;
        return c;
      }
      if (*c) now += (*c)->size();
      if (o.progress && *c) o.progress(now, out.expected);
      return c;
    };
  }
};

}  // namespace

ftp_fetch_outcome ftp_fetch(const ftp_fetch_options& o) {
  ftp_fetch_outcome out;
  const bool upload = static_cast<bool>(o.upload);
  auto t = parse_url(o.url);
  if (!t) {
    out.failed_in = phase::connect;
    out.error = t.error();
    out.exit_code = curl_exit_code(out.error, out.failed_in, upload, o.active);
    return out;
  }
  out.host = t->host;
  out.port = t->port;
  if (upload && (!t->path || t->path->empty() || t->path->back() == '/')) {
    out.failed_in = phase::connect;
    out.error = copas::error(copas::errc::invalid_argument,
                             "an upload needs a file name in the URL (it ends in '/')");
    out.exit_code = 3;
    return out;
  }
  attempt a{o, out};
  out.error = a.run(*t);
  if (out.error.code()) {
    if (a.sink_failed)
      out.exit_code = 23;
    else if (a.source_failed)
      out.exit_code = 26;
    else
      out.exit_code = curl_exit_code(out.error, out.failed_in, upload, o.active);
  }
  return out;
}

}  // namespace copas::fetch
