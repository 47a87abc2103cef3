#include <copas/http/reader.hpp>
#include <copas/net/ascii.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace copas::http {

namespace {

error protocol(std::string text) { return error(errc::protocol_error, std::move(text)); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// What a failed line looked like, short enough for a one-line error message.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (s.size() > 80) out += "...";
  return out;
}

// How much of a body one some() asks for.
constexpr std::size_t body_block = 64 * 1024;

}  // namespace

void read_deadline::within(double seconds) noexcept {
  if (!(seconds < forever)) {
    unbounded();
    return;
  }
  until = std::chrono::steady_clock::now() +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(seconds));
}

namespace {

// Sets the socket's receive timeout to what `d` leaves for the next read; "timeout" once `until`
// has passed.
result<void> arm_receive_timeout(socket& s, const read_deadline& d) {
  double wait = d.per_read > 0 ? d.per_read : forever;
  if (d.until != std::chrono::steady_clock::time_point::max()) {
    double left = std::chrono::duration<double>(d.until - std::chrono::steady_clock::now()).count();
    if (left <= 0) return errc::timeout;
    wait = std::min(wait, left);
  }
  s.settimeouts(std::nullopt, std::nullopt, wait < forever ? wait : -1.0);
  return {};
}

}  // namespace

reader::reader(fill_function fill, http::limits lim) : fill_(std::move(fill)), lim_(lim) {}

reader::reader(socket s, http::limits lim) : sock_(std::move(s)), in_place_(true), lim_(lim) {}

reader::reader(socket s, std::shared_ptr<read_deadline> d, http::limits lim)
    : sock_(std::move(s)), deadline_(std::move(d)), in_place_(true), lim_(lim) {}

result<void> reader::fill() {
  if (in_place_) {
    if (deadline_)
      if (auto ok = arm_receive_timeout(sock_, *deadline_); !ok) return ok;
    auto got = sock_.buffered_or_fill(true);
    if (!got) return got.error();
    return {};
  }
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  auto before = buf_.size();
  if (auto ok = fill_(buf_); !ok) return ok;
  if (buf_.size() == before) return errc::closed;  // a fill must make progress
  return {};
}

result<std::string> reader::line(std::string_view what) {
  auto l = line_view(what);
  if (!l) return l.error();
  return std::string(*l);
}

result<std::string_view> reader::line_view(std::string_view what, bool keep_inner_cr) {
  auto raw = raw_line_view(what);
  if (!raw) return raw;
  // LuaSocket drops every CR of a line; almost always the only one is the line end's. The line
  // is consumed, so its bytes can be compacted where they are.
  char* const first = const_cast<char*>(raw->data());
  char* last = first + raw->size();
  if (last != first && last[-1] == '\r') --last;
  if (!keep_inner_cr) last = std::remove(first, last, '\r');
  return std::string_view(first, static_cast<std::size_t>(last - first));
}

result<std::string_view> reader::raw_line_view(std::string_view what) {
  std::size_t off = 0;  // bytes of avail() already searched (a fill may move them)
  for (;;) {
    auto v = avail();
    auto nl = v.find('\n', off);
    if (nl != std::string_view::npos && nl <= lim_.max_line) {
      // Consumed now; the bytes stay where they are until the next fill, i.e. the next call.
      drop(nl + 1);
      return v.substr(0, nl);
    }
    if (v.size() > lim_.max_line)
      return protocol(std::string(what) + " too long (limit " + std::to_string(lim_.max_line) +
                      " bytes): " + excerpt(v));
    off = v.size();
    if (auto ok = fill(); !ok) return ok.error();
  }
}

result<std::string> reader::exactly(std::size_t n) {
  // Copied out as it comes: the message may be larger than the buffer may grow.
  std::string out;
  while (out.size() < n) {
    if (avail().empty()) {
      if (auto ok = fill(); !ok) {
        partial_ = std::move(out);
        return ok.error();
      }
    }
    auto v = avail().substr(0, n - out.size());
    out.append(v);
    drop(v.size());
  }
  return out;
}

result<std::string> reader::some(std::size_t max) {
  if (avail().empty())
    if (auto ok = fill(); !ok) return ok.error();
  std::string out(avail().substr(0, max));
  drop(out.size());
  return out;
}

result<std::string_view> reader::peek(std::size_t n) {
  while (avail().size() < n) {
    auto ok = fill();
    if (!ok && ok.error() == errc::closed) break;
    if (!ok) return ok.error();
  }
  return avail().substr(0, n);
}

std::string reader::take_buffered() {
  std::string out(avail());
  drop(out.size());
  return out;
}

result<status_line> read_status(reader& in) {
  auto head = in.peek(5);
  if (!head) return head.error();
  if (*head != "HTTP/") {
    if (head->size() < 5) return errc::closed;  // LuaSocket's receive(5) on a short stream
    return status_line{.text = {}, .code = 200, .version = 9};
  }
  auto text = in.line("status line");
  if (!text) return text.error();
  // LuaSocket's pattern: ^HTTP/%d*%.%d* (%d%d%d)
  std::string_view s = *text;
  std::size_t i = 5;
  int major = 0, minor = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    major = std::min(major * 10 + (s[i++] - '0'), 99);
  bool ok = i < s.size() && s[i] == '.';
  ++i;
  while (ok && i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    minor = std::min(minor * 10 + (s[i++] - '0'), 99);
  ok = ok && i + 4 <= s.size() && s[i] == ' ' &&
       std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
       std::isdigit(static_cast<unsigned char>(s[i + 2])) &&
       std::isdigit(static_cast<unsigned char>(s[i + 3]));
  if (!ok) return protocol(*text);
  int code = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
  return status_line{
      .text = std::move(*text), .code = code, .version = major * 10 + std::min(minor, 9)};
}

namespace {
// LuaSocket's lines have every CR dropped; read_headers keeps them only in `as_received`.
std::string without_cr(std::string_view s) {
  std::string out(s);
  std::erase(out, '\r');
  return out;
}
}  // namespace

result<headers> read_headers(reader& in, headers* as_received) {
  headers out;
  std::size_t bytes = 0;
  std::string last;  // name of the field a folded line continues
  for (std::size_t n = 0;; ++n) {
    auto l = in.line_view("header line", as_received != nullptr);
    if (!l) return l.error();
    if (l->empty()) return out;
    if (n == 0) out.reserve(16);  // a typical response's fields, in one allocation
    bytes += l->size();
    if (n >= in.limits().max_fields)
      return protocol("too many header fields (limit " + std::to_string(in.limits().max_fields) +
                      ")");
    if (bytes > in.limits().max_header_bytes)
      return protocol("header block too large (limit " +
                      std::to_string(in.limits().max_header_bytes) + " bytes)");
    if ((*l)[0] == ' ' || (*l)[0] == '\t') {
      if (last.empty()) return protocol("malformed reponse headers");
      // LuaSocket appends the continuation with its own leading whitespace, nothing else.
      if (as_received) as_received->back().second += *l;
      *const_cast<std::string*>(out.find(last)) += without_cr(*l);
      continue;
    }
    auto colon = l->find(':');
    if (colon == std::string::npos) return protocol("malformed reponse headers");
    last = ascii::lower(l->substr(0, colon));
    auto value = l->substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
      value.remove_prefix(1);
    if (as_received) as_received->append(std::string(l->substr(0, colon)), std::string(value));
    out.merge(last, without_cr(value));
  }
}

namespace {

result<std::uint64_t> parse_length(std::string_view v) {
  v = trim(v);
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size())
    return protocol("invalid content-length: " + excerpt(v));
  return n;
}

bool is_chunked(const headers& h) {
  auto* te = h.find("transfer-encoding");
  return te && ascii::lower(trim(*te)) != "identity";
}

result<std::uint64_t> copy_bytes(reader& in, std::uint64_t n, const ltn12::sink& sink) {
  std::uint64_t done = 0;
  while (done < n) {
    auto part = in.some(static_cast<std::size_t>(std::min<std::uint64_t>(n - done, body_block)));
    if (!part) return part.error();
    done += part->size();
    if (sink)
      if (auto ok = sink(std::move(*part), std::nullopt); !ok) return ok.error();
  }
  return done;
}

result<std::uint64_t> read_chunked(reader& in, const ltn12::sink& sink, headers* trailers) {
  std::uint64_t total = 0;
  for (;;) {
    auto l = in.line("chunk size line");
    if (!l) return l.error();
    auto size_text = trim(std::string_view(*l).substr(0, l->find(';')));
    std::uint64_t size = 0;
    auto [p, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (size_text.empty() || ec != std::errc() || p != size_text.data() + size_text.size())
      return protocol("invalid chunk size");
    if (size == 0) break;
    auto n = copy_bytes(in, size, sink);
    if (!n) return n.error();
    total += *n;
    if (auto crlf = in.line("chunk terminator"); !crlf) return crlf.error();
  }
  auto t = read_headers(in);
  if (!t) return t.error();
  if (trailers) *trailers = std::move(*t);
  return total;
}

}  // namespace

result<framing> response_framing(std::string_view method, int code, const headers& h) {
  if (method == "HEAD" || code == 204 || code == 304 || (code >= 100 && code < 200))
    return framing{};
  if (is_chunked(h)) return framing{.how = framing::chunked};
  if (auto* cl = h.find("content-length")) {
    auto n = parse_length(*cl);
    if (!n) return n.error();
    return framing{.how = framing::sized, .length = *n};
  }
  return framing{.how = framing::until_close};
}

result<framing> request_framing(const headers& h) {
  if (is_chunked(h)) return framing{.how = framing::chunked};
  if (auto* cl = h.find("content-length")) {
    auto n = parse_length(*cl);
    if (!n) return n.error();
    return framing{.how = framing::sized, .length = *n};
  }
  return framing{};
}

result<std::uint64_t> read_body(reader& in, const framing& f, const ltn12::sink& sink,
                                headers* trailers) {
  switch (f.how) {
    case framing::none: return std::uint64_t{0};
    case framing::sized: return copy_bytes(in, f.length, sink);
    case framing::chunked: return read_chunked(in, sink, trailers);
    case framing::until_close: {
      std::uint64_t total = 0;
      for (;;) {
        auto part = in.some(body_block);
        if (!part && part.error() == errc::closed) return total;  // the normal end
        if (!part) return part.error();
        total += part->size();
        if (sink)
          if (auto ok = sink(std::move(*part), std::nullopt); !ok) return ok.error();
      }
    }
  }
  return std::uint64_t{0};
}

}  // namespace copas::http
