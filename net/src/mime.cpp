// MIME low-level functions, ported from LuaSocket 3.1.0's mime.c: same tables, same state
// machines, so output is byte-identical. Hand-written because no library does LuaSocket's
// lenient, incremental flavour (OpenSSL's EVP_Decode rejects what unb64 skips, and nothing else
// does quoted-printable).
#include <copas/net/mime.hpp>

#include <array>
#include <cstdint>

namespace copas::mime {
namespace {

using uc = unsigned char;
constexpr std::string_view crlf = "\r\n";
constexpr std::string_view eqcrlf = "=\r\n";

constexpr std::string_view b64base =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view hexbase = "0123456789ABCDEF";

constexpr std::array<uc, 256> make_b64unbase() {
  std::array<uc, 256> t{};
  for (auto& v : t) v = 255;
  for (std::size_t i = 0; i < b64base.size(); ++i)
    t[static_cast<uc>(b64base[i])] = static_cast<uc>(i);
  t['='] = 0;
  return t;
}
constexpr auto b64unbase = make_b64unbase();

constexpr std::array<uc, 256> make_hexunbase() {
  std::array<uc, 256> t{};
  for (auto& v : t) v = 255;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uc>(i);
  for (int i = 0; i < 6; ++i) t['A' + i] = t['a' + i] = static_cast<uc>(10 + i);
  return t;
}
constexpr auto hexunbase = make_hexunbase();

enum qp_class : uc { plain, quoted, cr, if_last };
constexpr std::array<uc, 256> make_qpclass() {
  std::array<uc, 256> t{};
  for (auto& v : t) v = quoted;
  for (int i = 33; i <= 60; ++i) t[i] = plain;
  for (int i = 62; i <= 126; ++i) t[i] = plain;
  t['\t'] = if_last;
  t[' '] = if_last;
  t['\r'] = cr;
  return t;
}
constexpr auto qpclass = make_qpclass();

// The bytes of an incomplete group carried between calls (at most 4 for Base64, 3 for QP).
struct atom {
  std::array<uc, 4> b{};
  std::size_t size = 0;
  std::string str() const { return std::string(reinterpret_cast<const char*>(b.data()), size); }
};

void b64encode(uc c, atom& a, std::string& out) {
  a.b[a.size++] = c;
  if (a.size < 3) return;
  const std::uint32_t v = (std::uint32_t{a.b[0]} << 16) | (std::uint32_t{a.b[1]} << 8) | a.b[2];
  out += b64base[(v >> 18) & 0x3f];
  out += b64base[(v >> 12) & 0x3f];
  out += b64base[(v >> 6) & 0x3f];
  out += b64base[v & 0x3f];
  a.size = 0;
}

void b64pad(atom& a, std::string& out) {
  if (a.size == 1) {
    const std::uint32_t v = std::uint32_t{a.b[0]} << 4;
    out += b64base[v >> 6];
    out += b64base[v & 0x3f];
    out += "==";
  } else if (a.size == 2) {
    const std::uint32_t v = ((std::uint32_t{a.b[0]} << 8) | a.b[1]) << 2;
    out += b64base[v >> 12];
    out += b64base[(v >> 6) & 0x3f];
    out += b64base[v & 0x3f];
    out += '=';
  }
  a.size = 0;
}

void b64decode(uc c, atom& a, std::string& out) {
  if (b64unbase[c] > 64) return;  // outside the alphabet: ignored
  a.b[a.size++] = c;
  if (a.size < 4) return;
  const std::uint32_t v = (std::uint32_t{b64unbase[a.b[0]]} << 18) |
                          (std::uint32_t{b64unbase[a.b[1]]} << 12) |
                          (std::uint32_t{b64unbase[a.b[2]]} << 6) | b64unbase[a.b[3]];
  const char decoded[3] = {static_cast<char>(v >> 16), static_cast<char>((v >> 8) & 0xff),
                           static_cast<char>(v & 0xff)};
  const std::size_t valid = a.b[2] == '=' ? 1 : a.b[3] == '=' ? 2 : 3;
  out.append(decoded, valid);
  a.size = 0;
}

void qpquote(uc c, std::string& out) {
  out += '=';
  out += hexbase[c >> 4];
  out += hexbase[c & 0x0f];
}

// Holds bytes back until it is sure how to write them (a space may turn out to end a line).
void qpencode(uc c, atom& a, std::string_view marker, std::string& out) {
  a.b[a.size++] = c;
  while (a.size > 0) {
    switch (qpclass[a.b[0]]) {
      case cr:
        if (a.size < 2) return;
        if (a.b[1] == '\n') {
          out += marker;
          a.size = 0;
          return;
        }
        qpquote(a.b[0], out);
        break;
      case if_last:
        if (a.size < 3) return;
        if (a.b[1] == '\r' && a.b[2] == '\n') {
          qpquote(a.b[0], out);
          out += marker;
          a.size = 0;
          return;
        }
        out += static_cast<char>(a.b[0]);
        break;
      case quoted: qpquote(a.b[0], out); break;
      default: out += static_cast<char>(a.b[0]); break;
    }
    a.b[0] = a.b[1];
    a.b[1] = a.b[2];
    --a.size;
  }
}

void qppad(atom& a, std::string& out) {
  for (std::size_t i = 0; i < a.size; ++i) {
    if (qpclass[a.b[i]] == plain) {
      out += static_cast<char>(a.b[i]);
    } else {
      qpquote(a.b[i], out);
    }
  }
  if (a.size > 0) out += eqcrlf;
  a.size = 0;
}

void qpdecode(uc c, atom& a, std::string& out) {
  a.b[a.size++] = c;
  switch (a.b[0]) {
    case '=': {
      if (a.size < 3) return;
      a.size = 0;
      if (a.b[1] == '\r' && a.b[2] == '\n') return;  // soft line break
      const uc hi = hexunbase[a.b[1]], lo = hexunbase[a.b[2]];
      if (hi > 15 || lo > 15) {
        out.append(reinterpret_cast<const char*>(a.b.data()), 3);
      } else {
        out += static_cast<char>((hi << 4) + lo);
      }
      return;
    }
    case '\r':
      if (a.size < 2) return;
      // LuaSocket drops a CR that does not start a CRLF together with the byte after it.
      if (a.b[1] == '\n') out += crlf;
      a.size = 0;
      return;
    default:
      if (a.b[0] == '\t' || (a.b[0] > 31 && a.b[0] < 127)) out += static_cast<char>(a.b[0]);
      a.size = 0;
      return;
  }
}

// Whole 3-byte groups go straight to the output; the atom only handles the edges. Same output
// as feeding b64encode byte by byte, several times faster.
void b64encode_all(std::string_view in, atom& a, std::string& out) {
  std::size_t i = 0;
  while (a.size != 0 && i < in.size()) b64encode(static_cast<uc>(in[i++]), a, out);
  const std::size_t groups = (in.size() - i) / 3;
  const std::size_t at = out.size();
  out.resize(at + groups * 4);
  char* o = out.data() + at;
  const auto* p = reinterpret_cast<const uc*>(in.data()) + i;
  for (std::size_t g = 0; g < groups; ++g, p += 3, o += 4) {
    const std::uint32_t v = (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
    o[0] = b64base[v >> 18];
    o[1] = b64base[(v >> 12) & 0x3f];
    o[2] = b64base[(v >> 6) & 0x3f];
    o[3] = b64base[v & 0x3f];
  }
  for (i += groups * 3; i < in.size(); ++i) b64encode(static_cast<uc>(in[i]), a, out);
}

// Groups of four plain alphabet characters are decoded directly; anything else (padding,
// ignored bytes, a group split across calls) goes through b64decode one byte at a time.
void b64decode_all(std::string_view in, atom& a, std::string& out) {
  const auto* p = reinterpret_cast<const uc*>(in.data());
  const std::size_t n = in.size();
  std::size_t i = 0;
  const std::size_t at = out.size();
  out.resize(at + n / 4 * 3 + 3);
  std::size_t o = at;
  auto slow = [&](uc c) {
    out.resize(o);
    b64decode(c, a, out);
    o = out.size();
    out.resize(o + (n - i) / 4 * 3 + 3);
  };
  while (i < n) {
    if (a.size == 0 && i + 4 <= n && p[i] != '=' && p[i + 1] != '=' && p[i + 2] != '=' &&
        p[i + 3] != '=') {
      const uc d0 = b64unbase[p[i]], d1 = b64unbase[p[i + 1]], d2 = b64unbase[p[i + 2]],
               d3 = b64unbase[p[i + 3]];
      if ((d0 | d1 | d2 | d3) < 64) {
        const std::uint32_t v =
            (std::uint32_t{d0} << 18) | (std::uint32_t{d1} << 12) | (std::uint32_t{d2} << 6) | d3;
        out[o++] = static_cast<char>(v >> 16);
        out[o++] = static_cast<char>((v >> 8) & 0xff);
        out[o++] = static_cast<char>(v & 0xff);
        i += 4;
        continue;
      }
    }
    slow(p[i++]);
  }
  out.resize(o);
}

template <class Step>
auto per_byte(Step step) {
  return [step](std::string_view in, atom& a, std::string& out) {
    for (char ch : in) step(static_cast<uc>(ch), a, out);
  };
}

// The shared shape of b64/unb64/qp/unqp: feed c then d; without d, finish with `pad` and report
// an empty output as absent (Lua's nil).
template <class Feed, class Pad>
coded incremental(opt_bytes c, opt_bytes d, Feed feed, Pad pad) {
  if (!c) return {std::nullopt, std::nullopt};
  std::string out;
  out.reserve((c->size() + (d ? d->size() : 0)) * 4 / 3 + 4);
  atom a;
  feed(*c, a, out);
  if (!d) {
    pad(a, out);
    if (out.empty()) return {std::nullopt, std::nullopt};
    return {std::move(out), std::nullopt};
  }
  feed(*d, a, out);
  return {std::move(out), a.str()};
}

constexpr auto no_pad = [](atom&, std::string&) {};

}  // namespace

coded b64(opt_bytes c, opt_bytes d) { return incremental(c, d, b64encode_all, b64pad); }

coded unb64(opt_bytes c, opt_bytes d) { return incremental(c, d, b64decode_all, no_pad); }

coded qp(opt_bytes c, opt_bytes d, std::string_view marker) {
  return incremental(
      c, d, per_byte([marker](uc ch, atom& a, std::string& out) { qpencode(ch, a, marker, out); }),
      qppad);
}

// LuaSocket tests the first output byte, so a decoded text starting with NUL came back as nil;
// here only an empty output is absent.
coded unqp(opt_bytes c, opt_bytes d) { return incremental(c, d, per_byte(qpdecode), no_pad); }

namespace {

// wrp and qpwrp: copy c, dropping CR, turning LF into CRLF, and inserting `brk` when a byte would
// not fit. `eq_room` / `other_room`: the columns that must be left for '=' (an =XX escape must not
// be split) and for any other byte, below which the line is broken first.
counted wrap_lines(int left, opt_bytes c, int length, std::string_view brk, int eq_room,
                   int other_room) {
  if (!c) return {left < length ? ltn12::chunk(std::string(brk)) : std::nullopt, length};
  std::string out;
  out.reserve(c->size() + c->size() / 32 + brk.size());
  for (char ch : *c) {
    if (ch == '\r') continue;
    if (ch == '\n') {
      out += crlf;
      left = length;
      continue;
    }
    if (left <= (ch == '=' ? eq_room : other_room)) {
      left = length;
      out += brk;
    }
    out += ch;
    --left;
  }
  return {std::move(out), left};
}

}  // namespace

counted wrp(int left, opt_bytes c, int length) { return wrap_lines(left, c, length, crlf, 0, 0); }

counted qpwrp(int left, opt_bytes c, int length) {
  return wrap_lines(left, c, length, eqcrlf, 3, 1);
}

counted eol(int ctx, opt_bytes c, std::string_view marker) {
  if (!c) return {std::nullopt, 0};
  auto candidate = [](int ch) { return ch == '\r' || ch == '\n'; };
  std::string out;
  out.reserve(c->size() + 8);
  for (char ch : *c) {
    if (candidate(ch)) {
      if (candidate(ctx)) {
        if (ch == ctx) out += marker;
        ctx = 0;
      } else {
        out += marker;
        ctx = ch;
      }
    } else {
      out += ch;
      ctx = 0;
    }
  }
  return {std::move(out), ctx};
}

counted dot(int state, opt_bytes c) {
  if (!c) return {std::nullopt, 2};
  std::string out;
  out.reserve(c->size() + 8);
  for (char ch : *c) {
    out += ch;
    switch (ch) {
      case '\r': state = 1; break;
      case '\n': state = state == 1 ? 2 : 0; break;
      case '.':
        if (state == 2) out += '.';
        state = 0;
        break;
      default: state = 0; break;
    }
  }
  return {std::move(out), state};
}

}  // namespace copas::mime
