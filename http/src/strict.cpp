#include <copas/http/strict.hpp>
#include <copas/net/ascii.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace copas::http::strict {

namespace {

class status_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "http status"; }
  std::string message(int code) const override {
    switch (code) {
      case 400: return "bad request";
      case 501: return "not implemented";
      case 502: return "bad gateway";
      case 505: return "http version not supported";
      default: return "http status " + std::to_string(code);
    }
  }
};

// Which side of a connection a head came from: the status its violations answer with, and the
// rules that differ (obs-fold, the Host field, transfer codings).
struct side {
  bool request;
  int bad() const noexcept { return request ? 400 : 502; }
};

error reject(int code, std::string why) { return error(status(code), std::move(why)); }

constexpr std::size_t max_empty_lines = 4;

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// field-vchar, SP and HTAB (RFC 9110 5.5): no control byte but HTAB, obs-text allowed.
bool is_field_value(std::string_view v) noexcept {
  return std::none_of(v.begin(), v.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
  });
}

// One line of a head: its LF gone, its CR checked. RFC 9112 2.2: a bare CR is invalid.
result<std::string_view> head_line(reader& in, const side& s, std::string_view what) {
  auto l = in.raw_line_view(what);
  if (!l) {
    if (l.error() == errc::protocol_error)
      return reject(s.request ? 431 : 502, l.error().message());
    return l.error();
  }
  std::string_view line = *l;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos)
    return reject(s.bad(), "bare CR in " + std::string(what));
  return line;
}

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3): 10 or 11; a minor version above 1
// is served as 1.1; another major version is 505.
result<int> parse_version(std::string_view v, const side& s) {
  if (v.size() != 8 || !v.starts_with("HTTP/") || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9')
    return reject(s.bad(), "malformed HTTP version");
  if (v[5] != '1')
    return reject(s.request ? 505 : 502, "unsupported HTTP version " + std::string(v));
  return v[7] == '0' ? 10 : 11;
}

result<std::uint64_t> parse_content_length(std::string_view v, const side& s) {
  // A list of identical values is one value (RFC 9112 6.3 item 5); anything else is invalid.
  std::optional<std::uint64_t> out;
  while (true) {
    auto comma = v.find(',');
    auto item = trim_ows(v.substr(0, comma));
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc() || p != item.data() + item.size() ||
        !std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return reject(s.bad(), "malformed Content-Length");
    if (out && *out != n) return reject(s.bad(), "differing Content-Length values");
    out = n;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return *out;
}

// Codings this end can pass on or decode (RFC 9112 7, the IANA registry). "identity" left the
// registry with RFC 7230.
bool known_coding(std::string_view c) noexcept {
  for (std::string_view k : {"chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress"})
    if (ascii::iequals(c, k)) return true;
  return false;
}

// Checks Transfer-Encoding; returns whether its last coding is chunked.
result<bool> check_transfer_encoding(std::string_view v, const side& s) {
  bool last_chunked = false, any = false;
  while (true) {
    auto comma = v.find(',');
    auto item = trim_ows(v.substr(0, comma));
    auto semi = item.find(';');  // transfer-parameters follow a coding's name
    auto name = trim_ows(item.substr(0, semi));
    if (!item.empty()) {
      if (!is_token(name)) return reject(s.bad(), "malformed Transfer-Encoding");
      if (!known_coding(name))
        return reject(s.request ? 501 : 502, "unknown transfer coding " + std::string(name));
      if (last_chunked) return reject(s.bad(), "a coding after chunked in Transfer-Encoding");
      last_chunked = ascii::iequals(name, "chunked");
      any = true;
    }
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  if (!any) return reject(s.bad(), "empty Transfer-Encoding");
  return last_chunked;
}

// uri-host [ ":" port ] (RFC 9112 3.2): no whitespace, no userinfo, a numeric port.
bool valid_authority(std::string_view a) noexcept {
  if (a.empty() || a.find('@') != std::string_view::npos) return false;
  std::string_view host = a, port;
  if (a.front() == '[') {
    auto close = a.find(']');
    if (close == std::string_view::npos) return false;
    host = a.substr(0, close + 1);
    auto rest = a.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':')) return false;
    if (!rest.empty()) port = rest.substr(1);
  } else if (auto colon = a.rfind(':'); colon != std::string_view::npos) {
    host = a.substr(0, colon);
    port = a.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return false;
  }
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return std::all_of(host.begin(), host.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && ch != '/' && ch != '?' && ch != '#' && ch != '\\';
  });
}

// Reads the fields up to the empty line. `used` counts the head's bytes so far.
result<headers> read_fields(reader& in, const head_limits& lim, const side& s, std::size_t used) {
  headers out;
  out.reserve(16);
  for (std::size_t n = 0;; ++n) {
    auto l = head_line(in, s, "header line");
    if (!l) return l.error();
    if (l->empty()) return out;
    used += l->size() + 2;
    if (n >= lim.max_fields)
      return reject(s.request ? 431 : 502,
                    "too many header fields (limit " + std::to_string(lim.max_fields) + ")");
    if (used > lim.max_head_bytes)
      return reject(s.request ? 431 : 502, "header block too large (limit " +
                                               std::to_string(lim.max_head_bytes) + " bytes)");
    if (is_ows(l->front())) {
      // RFC 9112 5.2: obs-fold is rejected in a request; in a response a proxy replaces it with
      // SP, so that nothing it forwards depends on folding.
      if (s.request || out.empty()) return reject(s.bad(), "obsolete line folding");
      auto more = trim_ows(*l);
      if (!is_field_value(more)) return reject(s.bad(), "control byte in a field value");
      auto& last = const_cast<std::string&>(out.back().second);
      last += ' ';
      last += more;
      continue;
    }
    auto colon = l->find(':');
    if (colon == std::string_view::npos) return reject(s.bad(), "header line without a colon");
    auto name = l->substr(0, colon);
    if (!name.empty() && is_ows(name.back()))
      return reject(s.bad(), "whitespace before the colon in a field name");
    if (!is_token(name)) return reject(s.bad(), "field name is not a token");
    auto value = trim_ows(l->substr(colon + 1));
    if (!is_field_value(value)) return reject(s.bad(), "control byte in a field value");
    auto lname = ascii::lower(name);
    if (auto* existing = out.find(lname)) {
      if (lname == "host") return reject(s.bad(), "duplicate Host");
      if (lname == "content-length") {
        if (trim_ows(*existing) != value) return reject(s.bad(), "differing Content-Length values");
        continue;
      }
    }
    out.merge(std::move(lname), std::string(value));
  }
}

// The framing rules common to requests and responses (RFC 9112 6.1 - 6.3).
result<void> check_framing(const headers& h, int version, const side& s) {
  auto* te = h.find("transfer-encoding");
  auto* cl = h.find("content-length");
  if (cl)
    if (auto n = parse_content_length(*cl, s); !n) return n.error();
  if (!te) return {};
  auto chunked = check_transfer_encoding(*te, s);  // first: an unknown coding is 501 either way
  if (!chunked) return chunked.error();
  if (cl) return reject(s.bad(), "Content-Length with Transfer-Encoding");
  if (version < 11) return reject(s.bad(), "Transfer-Encoding in an HTTP/1.0 message");
  if (!*chunked && s.request) return reject(400, "Transfer-Encoding does not end in chunked");
  return {};
}

result<request_head> parse_request_line(std::string_view line) {
  const side s{true};
  auto sp1 = line.find(' ');
  auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return reject(400, "malformed request line");
  request_head r;
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (!is_token(r.method)) return reject(400, "method is not a token");
  if (r.target.empty() || !std::all_of(r.target.begin(), r.target.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c > 0x20 && c < 0x7f;
      }))
    return reject(400, "space or control byte in the request target");
  auto v = parse_version(line.substr(sp2 + 1), s);
  if (!v) return v.error();
  r.version = *v;
  // RFC 9112 3.2: which form the method allows.
  if (r.method == "CONNECT") {
    if (!valid_authority(r.target) || r.target.find(':') == std::string::npos)
      return reject(400, "CONNECT needs host:port");
    r.target_form = request_head::authority;
  } else if (r.target == "*") {
    if (r.method != "OPTIONS") return reject(400, "asterisk target outside OPTIONS");
    r.target_form = request_head::asterisk;
  } else if (r.target.front() == '/') {
    r.target_form = request_head::origin;
  } else {
    auto scheme_end = r.target.find("://");
    if (scheme_end == std::string::npos || scheme_end == 0 ||
        !std::all_of(r.target.begin(), r.target.begin() + static_cast<long>(scheme_end),
                     [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
                     }))
      return reject(400, "malformed request target");
    r.target_form = request_head::absolute;
  }
  return r;
}

}  // namespace

const std::error_category& status_category() noexcept {
  static const status_category_impl c;
  return c;
}

int status_of(const error& e) noexcept {
  return e.code().category() == status_category() ? e.code().value() : 0;
}

bool is_tchar(char ch) noexcept {
  auto c = static_cast<unsigned char>(ch);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
}

result<request_head> read_request_head(reader& in, const head_limits& lim) {
  const side s{true};
  std::string_view line;
  for (std::size_t empty = 0;; ++empty) {
    auto l = head_line(in, s, "request line");
    if (!l) return l.error();
    if (!l->empty()) {
      line = *l;
      break;
    }
    if (empty == max_empty_lines) return reject(400, "empty lines instead of a request");
  }
  if (line.size() > lim.max_head_bytes) return reject(414, "request line too long");
  auto r = parse_request_line(line);
  if (!r) return r.error();
  auto fields = read_fields(in, lim, s, line.size() + 2);
  if (!fields) return fields.error();
  r->fields = std::move(*fields);
  if (auto ok = check_framing(r->fields, r->version, s); !ok) return ok.error();
  auto* host = r->fields.find("host");
  if (!host && r->version >= 11) return reject(400, "missing Host");
  if (host && !valid_authority(*host) && !(host->empty() && r->target_form != request_head::origin))
    return reject(400, "malformed Host");
  return r;
}

result<response_head> read_response_head(reader& in, const head_limits& lim) {
  const side s{false};
  auto l = head_line(in, s, "status line");
  if (!l) return l.error();
  std::string_view line = *l;
  // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
  if (line.size() < 12 || line[8] != ' ') return reject(502, "malformed status line");
  auto v = parse_version(line.substr(0, 8), s);
  if (!v) return v.error();
  response_head r;
  r.version = *v;
  auto code = line.substr(9, 3);
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      code[0] == '0' || code[0] > '5')
    return reject(502, "malformed status code");
  r.code = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  if (line.size() > 12) {
    if (line[12] != ' ') return reject(502, "malformed status line");
    r.reason = std::string(line.substr(13));
    if (!is_field_value(r.reason)) return reject(502, "control byte in the reason phrase");
  }
  auto fields = read_fields(in, lim, s, line.size() + 2);
  if (!fields) return fields.error();
  r.fields = std::move(*fields);
  if (auto ok = check_framing(r.fields, r.version, s); !ok) return ok.error();
  return r;
}

framing request_framing(const request_head& h) {
  if (h.fields.contains("transfer-encoding")) return framing{.how = framing::chunked};
  if (auto* cl = h.fields.find("content-length")) {
    auto n = parse_content_length(*cl, side{true});
    if (n && *n > 0) return framing{.how = framing::sized, .length = *n};
  }
  return framing{};
}

framing response_framing(std::string_view method, const response_head& h) {
  if (method == "HEAD" || h.informational() || h.code == 204 || h.code == 304 ||
      (method == "CONNECT" && h.code / 100 == 2))
    return framing{};
  if (auto* te = h.fields.find("transfer-encoding")) {
    auto chunked = check_transfer_encoding(*te, side{false});
    return framing{.how = chunked && *chunked ? framing::chunked : framing::until_close};
  }
  if (auto* cl = h.fields.find("content-length")) {
    auto n = parse_content_length(*cl, side{false});
    return framing{.how = framing::sized, .length = n ? *n : 0};
  }
  return framing{.how = framing::until_close};
}

namespace {

// Chunk data and sized bodies need no judging: the lenient reader's byte copy serves.
result<std::uint64_t> copy_exactly(reader& in, std::uint64_t n, const ltn12::sink& sink) {
  return http::read_body(in, framing{.how = framing::sized, .length = n}, sink);
}

// chunk-size [ chunk-ext ] CRLF (RFC 9112 7.1): 1*HEXDIG, at most 16 digits' worth.
result<std::uint64_t> chunk_size(reader& in) {
  const side s{true};
  auto l = head_line(in, s, "chunk size line");
  if (!l) return l.error();
  std::string_view line = *l;
  std::size_t digits = 0;
  std::uint64_t size = 0;
  while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) {
    if (size >> 60) return reject(400, "chunk size overflows");
    char c = ascii::lower(line[digits]);
    size = size * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    ++digits;
  }
  if (digits == 0) return reject(400, "chunk size is not hex");
  auto rest = line.substr(digits);
  while (!rest.empty() && is_ows(rest.front())) rest.remove_prefix(1);  // BWS before chunk-ext
  if (!rest.empty() && (rest.front() != ';' || !is_field_value(rest)))
    return reject(400, "chunk size is not hex");
  return size;
}

}  // namespace

result<std::uint64_t> read_body(reader& in, const framing& f, const ltn12::sink& sink) {
  switch (f.how) {
    case framing::none: return std::uint64_t{0};
    case framing::sized:
    case framing::until_close: return http::read_body(in, f, sink);
    case framing::chunked: break;
  }
  std::uint64_t total = 0;
  for (;;) {
    auto size = chunk_size(in);
    if (!size) return size.error();
    if (*size == 0) break;
    auto n = copy_exactly(in, *size, sink);
    if (!n) return n.error();
    total += *n;
    auto end = head_line(in, side{true}, "chunk end");
    if (!end) return end.error();
    if (!end->empty()) return reject(400, "chunk data longer than its size");
  }
  auto trailers = read_fields(in, head_limits{}, side{true}, 0);
  if (!trailers) return trailers.error();
  return total;
}

}  // namespace copas::http::strict
