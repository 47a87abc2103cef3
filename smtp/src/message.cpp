// LuaSocket's smtp.message: where Lua yields from a coroutine, this lays the message out once
// as a list of pieces (literal text and body sources) and concatenates them with source::cat.
#include <copas/core/version.hpp>
#include <copas/net/mime.hpp>
#include <copas/smtp/message.hpp>

#include "encoded_words.hpp"
#include "mail_headers.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <random>

namespace copas::smtp {

namespace {

// "Tue, 01 Jul 2025 10:00:00 " in UTC, spelled in English whatever the C locale says.
std::string date_now(std::string_view zone) {
  static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d ", days[t.tm_wday], t.tm_mday,
                months[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
  return buf + std::string(zone);
}

// "=_" can not occur in base64 or quoted-printable text; 24 characters of 32 give 120 bits.
std::string random_boundary() {
  static constexpr std::string_view alphabet = "0123456789abcdefghijklmnopqrstuv";
  std::random_device rd;
  std::string b = "=_";
  for (int i = 0; i < 24; ++i) b += alphabet[rd() % alphabet.size()];
  return b;
}

// "<time.random@host>" (RFC 5322 §3.6.4): the time in seconds and 64 random bits make it
// unique without state; the host name says who made it ("localhost" when it has no usable one).
std::string message_id() {
  char host[256] = {};
  std::string right = "localhost";
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] &&
      std::all_of(host, host + std::strlen(host), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '-' || c == '.';
      }))
    right = host;
  std::random_device rd;
  char left[64];
  std::snprintf(left, sizeof left, "%llx.%08x%08x",
                static_cast<unsigned long long>(std::time(nullptr)), rd(), rd());
  return "<" + std::string(left) + "@" + right + ">";
}

bool mentions(const part& p, std::string_view b) {
  auto in = [&](std::string_view s) { return s.find(b) != std::string_view::npos; };
  for (auto& [name, value] : p.headers)
    if (in(name) || in(value)) return true;
  if (auto* s = std::get_if<std::string>(&p.body)) return in(*s);
  if (auto* m = std::get_if<multipart>(&p.body)) {
    if ((m->preamble && in(*m->preamble)) || (m->epilogue && in(*m->epilogue))) return true;
    return std::any_of(m->parts.begin(), m->parts.end(),
                       [&](const part& q) { return mentions(q, b); });
  }
  return false;
}

// A source body inside multiparts, failing if it ever contains one of their boundaries (also
// across chunk edges). Empty chunks, which a source must not return, are skipped.
ltn12::source guarded(ltn12::source src, std::vector<std::string> boundaries) {
  std::size_t longest = 0;
  for (auto& b : boundaries) longest = std::max(longest, b.size());
  return [src = std::move(src), boundaries = std::move(boundaries), longest,
          tail = std::string()]() mutable -> result<ltn12::chunk> {
    for (;;) {
      auto c = src();
      if (!c || !*c) return c;
      if ((*c)->empty()) continue;
      std::string window = tail + **c;
      for (auto& b : boundaries)
        if (window.find(b) != std::string::npos)
          return error(copas::errc::invalid_argument,
                       "message part contains its multipart boundary");
      tail = window.substr(window.size() - std::min(window.size(), longest - 1));
      return c;
    }
  };
}

class layout {
 public:
  result<void> add(part& p) {
    if (auto bad = check_headers(p.headers); !bad) return bad;
    if (auto* m = std::get_if<multipart>(&p.body)) return add_multipart(p.headers, *m, p);
    if (!find_header(p.headers, "content-type"))
      p.headers.emplace_back("content-type", "text/plain; charset=\"iso-8859-1\"");
    text_ += header_block(p.headers);
    if (auto* s = std::get_if<std::string>(&p.body)) text_ += *s;
    if (auto* src = std::get_if<ltn12::source>(&p.body); src && *src) {
      flush();
      pieces_.push_back(boundaries_.empty() ? std::move(*src)
                                            : guarded(std::move(*src), boundaries_));
    }
    return {};
  }

  ltn12::source finish() {
    flush();
    return ltn12::source::cat(std::move(pieces_));
  }

 private:
  result<void> add_multipart(header_list& headers, multipart& m, const part& whole) {
    std::string b;
    do b = random_boundary();
    while (mentions(whole, b) ||
           std::find(boundaries_.begin(), boundaries_.end(), b) != boundaries_.end());
    std::string* type = find_header(headers, "content-type");
    std::string value = (type ? *type : "multipart/mixed") + "; boundary=\"" + b + "\"";
    if (type)
      *type = value;
    else
      headers.emplace_back("content-type", value);
    text_ += header_block(headers);
    if (m.preamble) text_ += *m.preamble + "\r\n";
    boundaries_.push_back(b);
    for (auto& q : m.parts) {
      text_ += "\r\n--" + b + "\r\n";
      if (auto ok = add(q); !ok) return ok;
    }
    boundaries_.pop_back();
    text_ += "\r\n--" + b + "--\r\n\r\n";
    if (m.epilogue) text_ += *m.epilogue + "\r\n";
    return {};
  }

  void flush() {
    if (!text_.empty()) pieces_.push_back(ltn12::source::string(std::move(text_)));
    text_.clear();
  }

  std::vector<ltn12::source> pieces_;
  std::string text_;
  std::vector<std::string> boundaries_;
};

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

ltn12::source message(part msg) {
  auto& h = msg.headers;
  if (!find_header(h, "date")) h.emplace_back("date", date_now(msg.zone.value_or(ZONE)));
  if (!find_header(h, "x-mailer")) h.emplace_back("x-mailer", VERSION);
  if (!find_header(h, "message-id")) h.emplace_back("message-id", message_id());
  if (auto* v = find_header(h, "mime-version"))
    *v = "1.0";  // LuaSocket: not overridable
  else
    h.emplace_back("mime-version", "1.0");
  layout out;
  if (auto ok = out.add(msg); !ok) return ltn12::source::error(ok.error());
  return out.finish();
}

part attachment(std::string filename, std::string type, ltn12::source data) {
  // A non-ASCII name as RFC 2231 says (filename*=UTF-8''...), and as an encoded-word in the
  // older name= parameter, which is what readers that predate RFC 2231 show.
  bool plain = is_ascii(filename);
  std::string name = plain ? quoted(filename) : quoted(encoded_words(filename));
  std::string disposition =
      plain ? "filename=" + quoted(filename) : "filename*=" + extended_parameter(filename);
  return part{
      .headers = {{"content-type", type + "; name=" + name},
                  {"content-disposition", "attachment; " + disposition},
                  {"content-transfer-encoding", "base64"}},
      .body = ltn12::source::chain(std::move(data), mime::encode("base64"), mime::wrap("base64")),
      .zone = std::nullopt,
  };
}

part attachment(std::string filename, std::string type, std::string data) {
  return attachment(std::move(filename), std::move(type), ltn12::source::string(std::move(data)));
}

part quoted_printable(std::string type, std::string text) {
  return part{
      .headers = {{"content-type", std::move(type)},
                  {"content-transfer-encoding", "quoted-printable"}},
      .body =
          ltn12::source::chain(ltn12::source::string(std::move(text)), mime::normalize(),
                               mime::encode("quoted-printable"), mime::wrap("quoted-printable")),
      .zone = std::nullopt,
  };
}

}  // namespace copas::smtp
