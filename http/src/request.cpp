// The request, written top to bottom as LuaSocket's http.lua reads: resolve, connect, send the
// head and the body, read the status and the headers, follow a redirect or read the body.
#include "connection.hpp"
#include "redirect.hpp"
#include "target.hpp"

#include <copas/http/body_sink.hpp>
#include <copas/http/errors.hpp>
#include <copas/http/pool.hpp>
#include <copas/http/request.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/url.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <stdexcept>

namespace copas::http {

std::string PROXY;

timeouts timeout_option::resolve() const {
  timeouts t;
  if (auto* d = std::get_if<double>(&v_)) {
    t = {*d, *d, *d};
  } else if (auto* s = std::get_if<timeouts>(&v_)) {
    t = *s;
  } else {
    for (auto& [k, v] : std::get<2>(v_)) {
      if (k == "connect")
        t.connect = v;
      else if (k == "send")
        t.send = v;
      else if (k == "receive")
        t.receive = v;
      else
        throw std::invalid_argument(
            "'" + k + "' is not a valid timeout option. Valid: 'connect', 'send', 'receive'");
    }
  }
  for (auto* o : {&t.connect, &t.send, &t.receive})
    if (!*o) *o = TIMEOUT;
  return t;
}

namespace {

using detail::connection;
using detail::tell;

// The status and headers of one exchange, with the connection still open on the body.
struct exchange {
  connection conn;
  std::unique_ptr<reader> in;
  status_line status;
  headers fields;
  headers received;            // params.received_names
  bool body_withheld = false;  // Expect: 100-continue answered with a final status
};

// How long a request with "Expect: 100-continue" waits for the server's word before sending
// the body anyway (curl's default).
constexpr double continue_wait = 1.0;

bool expects_continue(const request_params& p) {
  auto* e = p.headers.find("expect");
  if (!p.source || !e) return false;
  return ascii::icontains(*e, "100-continue");
}

// Waits up to continue_wait for the first byte of an answer. Ok: the server spoke; "timeout":
// it did not (the body goes anyway); anything else is a failure.
result<void> await_answer(socket& s, reader& in) {
  auto before = s.gettimeouts();
  double wait = before.receive ? std::min(*before.receive, continue_wait) : continue_wait;
  s.settimeouts(std::nullopt, std::nullopt, wait);
  auto first = in.peek(1);
  s.settimeouts(std::nullopt, std::nullopt, before.receive.value_or(-1));
  if (!first) return first.error();
  if (first->empty()) return copas::errc::closed;
  return {};
}

// Sends the request and reads up to the end of the final (non-100) response's headers.
// `retryable` tells the caller that the failure happened on a reused connection before any
// response byte, so a fresh connection may be tried.
result<exchange> send_and_receive_head(request_params& p, const detail::target& t,
                                       const std::optional<detail::proxy>& px, bool& retryable,
                                       bool allow_reuse) {
  retryable = false;
  bool chunked =
      p.source && !p.headers.contains("content-length") && !p.headers.contains("transfer-encoding");
  auto head = detail::request_head(p, t, px, chunked);
  auto conn = detail::open(p, t, px, allow_reuse);
  if (!conn) return conn.error();
  socket s = conn->sock;
  tell(p, phase::send, &*conn, head);
  if (auto r = s.send(head); !r) {
    retryable = conn->reused && !p.source;
    s.close();
    return r.error();
  }
  auto send_body = [&]() -> result<void> {
    auto step = p.step ? p.step : ltn12::pump::step_function(ltn12::pump::step);
    auto ok = ltn12::pump::all(p.source, body_sink(s, chunked), step);
    if (!ok) s.close();
    return ok;
  };
  bool awaiting_continue = expects_continue(p);
  if (p.source && !awaiting_continue)
    if (auto ok = send_body(); !ok) return ok.error();
  auto in = std::make_unique<reader>(s, p.limits);  // before conn is moved from
  exchange x{
      .conn = std::move(*conn), .in = std::move(in), .status = {}, .fields = {}, .received = {}};
  for (;;) {
    if (awaiting_continue) {
      auto spoke = await_answer(s, *x.in);
      if (!spoke && spoke.error() != copas::errc::timeout) {
        s.close();
        return spoke.error();
      }
      if (!spoke) {
        awaiting_continue = false;
        if (auto ok = send_body(); !ok) return ok.error();
      }
    }
    tell(p, phase::status, &x.conn);
    auto st = read_status(*x.in);
    if (!st) {
      retryable = x.conn.reused && !p.source && st.error() == copas::errc::closed;
      s.close();
      return st.error();
    }
    x.status = std::move(*st);
    if (x.status.version == 9) return x;
    x.received = headers();
    auto h = read_headers(*x.in, p.received_names ? &x.received : nullptr);
    if (!h) {
      s.close();
      return h.error();
    }
    x.fields = std::move(*h);
    if (x.status.code != 100) break;  // LuaSocket skips only 100 Continue
    if (awaiting_continue) {
      awaiting_continue = false;
      if (auto ok = send_body(); !ok) return ok.error();
    }
  }
  x.body_withheld = awaiting_continue;
  tell(p, phase::headers, &x.conn, x.status.text, &x.fields,
       p.received_names ? &x.received : nullptr);
  return x;
}

bool server_keeps_alive(const exchange& x) {
  if (x.status.version < 11) return false;
  auto* c = x.fields.find("connection");
  if (!c) return true;
  return !ascii::icontains(*c, "close");
}

bool client_keeps_alive(const request_params& p) {
  if (!p.keepalive || p.create) return false;
  auto* c = p.headers.find("connection");
  return !(c && c->find("close") != std::string::npos);
}

// Ends an exchange whose body was read completely: the connection goes back to the pool when
// both sides allow it, else it is closed.
void finish(const request_params& p, exchange& x, const framing& f) {
  if (f.how != framing::until_close && !x.body_withheld && client_keeps_alive(p) &&
      server_keeps_alive(x) && x.in->take_buffered().empty())
    pool::put(x.conn.key, std::move(x.conn.sock));
  else
    x.conn.sock.close();
}

}  // namespace

namespace {

using clock = std::chrono::steady_clock;

// What is left of params.deadline; every wait of the request is cut to it.
struct deadline_clock {
  std::optional<clock::time_point> end;
  std::optional<double> left() const {
    if (!end) return std::nullopt;
    return std::chrono::duration<double>(*end - clock::now()).count();
  }
  bool over() const { return end && clock::now() >= *end; }
  // The per-call timeouts of `p`, each cut to what is left.
  void cut(request_params& p) const {
    auto l = left();
    if (!l) return;
    auto t = p.timeout.resolve();
    double rest = std::max(*l, 0.001);
    for (auto* o : {&t.connect, &t.send, &t.receive})
      *o = *o && **o >= 0 ? std::min(**o, rest) : rest;
    p.timeout = t;
  }
  // A sink that cuts the socket's receive timeout to what is left before each next read.
  ltn12::sink guard(ltn12::sink inner, socket s) const {
    if (!end) return inner;
    return [this, inner = std::move(inner), s](
               ltn12::chunk c, const std::optional<error>& e) mutable -> result<void> {
      if (c) {
        auto l = left();
        if (*l <= 0) return copas::errc::timeout;
        auto before = s.gettimeouts().receive;
        s.settimeouts(std::nullopt, std::nullopt, std::min(before.value_or(*l), *l));
      }
      return inner ? inner(std::move(c), e) : result<void>();
    };
  }
};

// params.expect_continue_above: a body over the size (or of unknown size) waits for 100 Continue.
void add_expect(request_params& p) {
  if (!p.expect_continue_above || !p.source || p.headers.contains("expect")) return;
  auto* cl = p.headers.find("content-length");
  std::uint64_t n = 0;
  if (cl) std::from_chars(cl->data(), cl->data() + cl->size(), n);
  if (!cl || n > *p.expect_continue_above) p.headers.set("Expect", "100-continue");
}

}  // namespace

request_result request(request_params p) {
  bool was_https = false;
  std::string last_location;
  deadline_clock deadline;
  if (p.deadline)
    deadline.end = clock::now() + std::chrono::duration_cast<clock::duration>(
                                      std::chrono::duration<double>(*p.deadline));
  for (;;) {
    if (deadline.over()) return copas::errc::timeout;
    deadline.cut(p);
    auto t = detail::resolve_target(p);
    if (!t) return t.error();
    auto px = detail::resolve_proxy(p);
    if (!px) return px.error();
    was_https = was_https || t->scheme == "https";
    add_expect(p);

    bool retryable = false;
    auto x = send_and_receive_head(p, *t, *px, retryable, true);
    if (!x && retryable) x = send_and_receive_head(p, *t, *px, retryable, false);
    if (!x) return x.error();

    response r{.body = {},
               .code = x->status.code,
               .headers = {},
               .status = {},
               .redirects = p.nredirects,
               .redirect_limit_reached = false,
               .received = {},
               .url = p.url};
    if (x->status.version == 9) {  // HTTP/0.9: the bytes are the body, up to the close
      auto n = read_body(*x->in, framing{.how = framing::until_close},
                         deadline.guard(p.sink, x->conn.sock));
      x->conn.sock.close();
      if (!n) return {n.error(), std::move(r)};
      if (p.sink) (void)p.sink(std::nullopt, std::nullopt);
      return r;
    }
    r.status = x->status.text;
    r.headers = std::move(x->fields);
    r.received = std::move(x->received);
    std::optional<error> limit_error;

    auto plan = detail::plan_redirect(p, *t, r.code, r.headers, r.received, was_https);
    if (plan.what == detail::redirect_plan::fail) {
      x->conn.sock.close();
      return {plan.error, std::move(r)};
    }
    bool follow = plan.what == detail::redirect_plan::follow;
    if (follow && p.maxredirects && p.nredirects >= *p.maxredirects) {
      follow = false;
      r.redirect_limit_reached = true;
      limit_error = error(make_error_code(http::errc::too_many_redirects),
                          "too many redirects (limit " + std::to_string(*p.maxredirects) + ")");
    }
    if (follow && p.on_redirect) {
      redirect_hop hop{.code = r.code,
                       .fields = r.headers,
                       .from = p.url,
                       .to = plan.next.url,
                       .other_host = plan.other_host};
      follow = p.on_redirect(hop, plan.next);
    }
    if (follow) {
      // Drain a small redirect body so that the connection can carry the next request.
      auto f = response_framing(p.method, r.code, r.headers);
      if (f && (f->how == framing::none || (f->how == framing::sized && f->length <= 64 * 1024)) &&
          read_body(*x->in, *f, ltn12::sink()))
        finish(p, *x, *f);
      else
        x->conn.sock.close();
      tell(p, phase::redirect, &x->conn, plan.next.url);
      if (plan.resend_body && !plan.next.source) plan.next.source = plan.next.resend();
      last_location = plan.next.url;
      p = std::move(plan.next);
      continue;
    }

    auto f = response_framing(p.method, r.code, r.headers);
    if (!f) {
      x->conn.sock.close();
      return {f.error(), std::move(r)};
    }
    tell(p, phase::body, &x->conn);
    auto n = read_body(*x->in, *f, deadline.guard(p.sink, x->conn.sock));
    if (!n) {
      x->conn.sock.close();
      if (p.sink) (void)p.sink(std::nullopt, n.error());
      return {n.error(), std::move(r)};
    }
    if (p.sink)
      if (auto ok = p.sink(std::nullopt, std::nullopt); !ok) {
        x->conn.sock.close();
        return {ok.error(), std::move(r)};
      }
    finish(p, *x, *f);
    if (!last_location.empty() && !r.headers.contains("location"))
      r.headers.set("location", last_location);
    tell(p, phase::done, nullptr);
    if (limit_error) return {*limit_error, std::move(r)};
    return r;
  }
}

namespace {

// The simple forms: the body gathered from a table sink, also into a failure's partial response.
request_result with_body(request_params p) {
  std::vector<std::string> parts;
  p.sink = ltn12::sink::table(parts);
  auto r = request(std::move(p));
  std::string body;
  for (auto& s : parts) body += s;
  if (!r) {
    response partial = r.partial();
    partial.body = std::move(body);
    return {r.error(), std::move(partial)};
  }
  r->body = std::move(body);
  return r;
}

}  // namespace

request_result request(std::string_view url) {
  request_params p;
  p.url = std::string(url);
  return with_body(std::move(p));
}

request_result request(std::string_view url, std::string body) {
  request_params p;
  p.url = std::string(url);
  p.method = "POST";
  p.headers = {{"content-type", "application/x-www-form-urlencoded"},
               {"content-length", std::to_string(body.size())}};
  p.source = ltn12::source::string(std::move(body));
  return with_body(std::move(p));
}

}  // namespace copas::http
