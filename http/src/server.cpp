#include <copas/http/server.hpp>

#include <copas/core.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/server.hpp>

#include <algorithm>
#include <list>
#include <vector>

namespace copas::http {

namespace {

// A token in a comma-separated field value ("close" in "keep-alive, Close").
bool has_token(const std::string* value, std::string_view token) {
  if (!value) return false;
  std::string_view v = *value;
  while (!v.empty()) {
    auto comma = v.find(',');
    auto item = v.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (ascii::iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return false;
}

std::string hex(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[n % 16]);
    n /= 16;
  } while (n);
  return out;
}

}  // namespace

std::string_view status_text(int code) noexcept {
  switch (code) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string error_response(int code, std::string_view why) {
  std::string body = std::string(why) + "\n";
  return "HTTP/1.1 " + std::to_string(code) + " " + std::string(status_text(code)) +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// ---- exchange
// ------------------------------------------------------------------------------------

exchange::exchange(socket client, reader& in, strict::request_head head, const bool& stopping,
                   std::uint64_t max_discard)
    : client_(std::move(client)),
      in_(in),
      head_(std::move(head)),
      stopping_(stopping),
      max_discard_(max_discard) {
  framing_ = strict::request_framing(head_);
  auto* conn = head_.fields.find("connection");
  keep_alive_ = !stopping &&
                (head_.version >= 11 ? !has_token(conn, "close") : has_token(conn, "keep-alive"));
  expect_continue_ = head_.version >= 11 && framing_.how != framing::none &&
                     has_token(head_.fields.find("expect"), "100-continue");
  body_read_ = framing_.how == framing::none;
}

std::string exchange::take_buffered() { return in_.take_buffered(); }

result<std::uint64_t> exchange::read_body(const ltn12::sink& sink) {
  if (body_read_) return std::uint64_t{0};
  body_read_ = true;
  if (expect_continue_ && state_ == response_state::none) {
    expect_continue_ = false;
    if (auto ok = client_.send("HTTP/1.1 100 Continue\r\n\r\n"); !ok) return ok.error();
  }
  auto n = strict::read_body(in_, framing_, sink);
  if (!n) keep_alive_ = false;
  return n;
}

result<std::string> exchange::body(std::size_t max) {
  std::string out;
  bool too_large = false;
  auto n = read_body(
      ltn12::sink([&](ltn12::chunk c, const std::optional<copas::error>&) -> result<void> {
        if (!c) return {};
        if (out.size() + c->size() > max) {
          too_large = true;
          return error(errc::protocol_error,
                       "body too large (limit " + std::to_string(max) + " bytes)");
        }
        out += *c;
        return {};
      }));
  if (!n) {
    if (too_large) keep_alive_ = false;
    return n.error();
  }
  return out;
}

result<void> exchange::inform(int code, const http::headers& fields) {
  if (code < 100 || code > 199 || state_ != response_state::none)
    return error(errc::invalid_argument, "inform() takes a 1xx status before the response");
  if (head_.version < 11) return {};
  if (code == 100) expect_continue_ = false;
  std::string out =
      "HTTP/1.1 " + std::to_string(code) + " " + std::string(status_text(code)) + "\r\n";
  for (auto& [k, v] : fields) out += std::string(canonic(k)) + ": " + v + "\r\n";
  out += "\r\n";
  auto ok = client_.send(out);
  if (!ok) return ok.error();
  return {};
}

result<void> exchange::send_head(int code, const http::headers& fields, std::string_view framing,
                                 std::string_view body, std::string_view reason) {
  if (state_ != response_state::none)
    return error(errc::invalid_argument, "a response was already sent");
  if (code < 200 || code > 599) return error(errc::invalid_argument, "a final status is 200..599");
  // A body the client was told to hold back (no 100 sent) is on its way or never comes: the
  // connection cannot be reused for another request.
  if (!body_read_ && expect_continue_) keep_alive_ = false;
  if (has_token(fields.find("connection"), "close") || stopping_) keep_alive_ = false;
  std::string out;
  out.reserve(64 + body.size() + fields.size() * 32);
  out += "HTTP/1.1 ";
  out += std::to_string(code);
  out += ' ';
  out += reason.empty() ? status_text(code) : reason;
  out += "\r\n";
  for (auto& [k, v] : fields) {
    if (same_name(k, "connection") || same_name(k, "transfer-encoding") ||
        (same_name(k, "content-length") && !framing.empty()))
      continue;
    out += canonic(k);
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += framing;
  if (!keep_alive_)
    out += "Connection: close\r\n";
  else if (head_.version < 11)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  out += body;
  state_ = response_state::streaming;
  status_ = code;
  sent_ = body.size();
  auto ok = client_.send(out);
  if (!ok) {
    keep_alive_ = false;
    return ok.error();
  }
  return {};
}

result<void> exchange::respond(int code, const http::headers& fields, std::string_view body,
                               std::string_view reason) {
  body_out_ = !(head_.method == "HEAD" || code == 204 || code == 304);
  std::string framing =
      code == 204 || code == 304 ? "" : "Content-Length: " + std::to_string(body.size()) + "\r\n";
  auto ok = send_head(code, fields, framing, body_out_ ? body : std::string_view(), reason);
  state_ = response_state::done;
  return ok;
}

result<void> exchange::start(int code, const http::headers& fields, std::string_view reason) {
  body_out_ = !(head_.method == "HEAD" || code == 204 || code == 304);
  std::string framing;
  if (!fields.contains("content-length") && body_out_) {
    if (head_.version >= 11) {
      chunked_out_ = true;
      framing = "Transfer-Encoding: chunked\r\n";
    } else {
      keep_alive_ = false;  // the body ends with the connection
    }
  }
  return send_head(code, fields, framing, {}, reason);
}

socket exchange::detach() {
  state_ = response_state::done;
  keep_alive_ = false;
  body_read_ = true;
  return client_;
}

result<void> exchange::write(std::string_view data) {
  if (state_ != response_state::streaming)
    return error(errc::invalid_argument, "write() needs start()");
  if (data.empty() || !body_out_) return {};
  auto ok = chunked_out_ ? client_.send(hex(data.size()) + "\r\n" + std::string(data) + "\r\n")
                         : client_.send(data);
  if (!ok) {
    keep_alive_ = false;
    return ok.error();
  }
  sent_ += data.size();
  return {};
}

result<void> exchange::finish() {
  if (state_ != response_state::streaming)
    return error(errc::invalid_argument, "finish() needs start()");
  state_ = response_state::done;
  if (chunked_out_ && body_out_) {
    if (auto ok = client_.send("0\r\n\r\n"); !ok) {
      keep_alive_ = false;
      return ok.error();
    }
  }
  return {};
}

bool exchange::complete() {
  if (state_ == response_state::none) (void)respond(500, {}, "the handler sent no response\n");
  if (state_ == response_state::streaming) return false;  // a body cut short: only a close tells
  if (!keep_alive_) return false;
  if (!body_read_) {
    if (framing_.how == framing::sized && framing_.length > max_discard_) return false;
    std::uint64_t dropped = 0;
    auto n = strict::read_body(
        in_, framing_,
        ltn12::sink([&](ltn12::chunk c, const std::optional<copas::error>&) -> result<void> {
          if (c && (dropped += c->size()) > max_discard_) return errc::too_many;
          return {};
        }));
    body_read_ = true;
    if (!n) return false;
  }
  return true;
}

// ---- server
// --------------------------------------------------------------------------------------

struct server::state {
  request_handler handler;
  server_options options;
  std::vector<socket> listeners;
  struct connection {
    socket sock;
    bool idle = true;  // waiting for a request (closed at once by shutdown)
  };
  std::list<connection> open;
  bool stopping = false;
  std::optional<thread> stopper;  // the fiber in shutdown(), woken as connections end

  void run(socket client);
};

void server::state::run(socket client) {
  auto me = open.insert(open.end(), connection{client});
  struct leave {
    state& s;
    std::list<connection>::iterator it;
    ~leave() {
      s.open.erase(it);
      if (s.stopper) wakeup(*s.stopper);
    }
  } guard{*this, me};
  client.setoption("tcp-nodelay", true);
  client.settimeouts(std::nullopt, options.body_timeout, std::nullopt);
  auto deadline = std::make_shared<read_deadline>();
  reader in(client, deadline, options.lines);
  for (std::size_t n = 0; !stopping; ++n) {
    // Waiting for a request: the idle deadline, or on a fresh connection the head's.
    me->idle = true;
    deadline->per_read = forever;
    deadline->within(n == 0 ? options.head_timeout : options.idle_timeout);
    auto first = in.peek(1);
    if (!first || first->empty() || stopping) break;
    me->idle = false;
    if (n > 0) deadline->within(options.head_timeout);
    auto head = strict::read_request_head(in, options.head);
    if (!head) {
      if (int code = strict::status_of(head.error()))
        client.send(error_response(code, head.error().message()));
      else if (head.error() == errc::timeout)
        client.send(error_response(408, "request head not complete in time"));
      break;
    }
    deadline->unbounded();
    deadline->per_read = options.body_timeout;
    if (auto* expect = head->fields.find("expect");
        expect && !ascii::iequals(*expect, "100-continue")) {
      client.send(error_response(417, "unknown expectation: " + *expect));
      break;
    }
    exchange ex(client, in, std::move(*head), stopping, options.max_discard);
    try {
      handler(ex);
    } catch (...) {
      report_error(std::current_exception(), running_thread());
      ex.close_after();
    }
    if (!ex.complete()) break;
  }
  client.close();
}

server::server(request_handler handler, server_options options)
    : state_(std::make_shared<state>()) {
  state_->handler = std::move(handler);
  state_->options = std::move(options);
}

server::~server() {
  for (auto& l : state_->listeners) removeserver(l);
}

void server::serve(socket listener) {
  state_->listeners.push_back(listener);
  addserver(std::move(listener), [s = state_](socket client) { s->run(std::move(client)); });
}

void server::serve_connection(socket client) { state_->run(std::move(client)); }

void server::shutdown(double grace) {
  auto s = state_;
  s->stopping = true;
  for (auto& l : s->listeners) removeserver(l);
  s->listeners.clear();
  for (auto& c : s->open)
    if (c.idle) c.sock.close();
  s->stopper = running_thread();
  double until = gettime() + grace;
  while (!s->open.empty() && gettime() < until) pause(until - gettime());
  s->stopper.reset();
  for (auto& c : std::list<state::connection>(s->open)) c.sock.close();
}

std::size_t server::connections() const noexcept { return state_->open.size(); }

}  // namespace copas::http
