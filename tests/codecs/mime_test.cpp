// copas::mime against LuaSocket's mime.c/mime.lua: the examples of protocols.md section 3, the
// properties of LuaSocket's test/mimetest.lua (round trips, wrapping, chunk-split equivalence,
// padding) and golden outputs of whole filter chains produced by LuaSocket 3.1.0.
#include <copas/net/ltn12.hpp>
#include <copas/net/mime.hpp>

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>

namespace mime = copas::mime;
namespace ltn12 = copas::ltn12;
using opt = std::optional<std::string>;

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += p;
  return s;
}

// Runs `in` through a source chain, in chunks of `chunk_size` bytes (any split must give the same
// output).
template <class... Filters>
std::string through_chunks(const std::string& in, std::size_t chunk_size, Filters... f) {
  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < in.size(); i += chunk_size)
    pieces.push_back(in.substr(i, chunk_size));
  std::vector<std::string> out;
  auto src = ltn12::source::chain(ltn12::source::table(pieces), std::move(f)...);
  EXPECT_TRUE(ltn12::pump::all(src, ltn12::sink::table(out)));
  return join(out);
}

template <class... Filters>
std::string through(const std::string& in, Filters... f) {
  return through_chunks(in, ltn12::BLOCKSIZE, std::move(f)...);
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(byte(gen));
  return s;
}

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

// Goldens produced by LuaSocket 3.1.0 (mime.normalize / encode / wrap / stuff chains).
const std::string text =
    "Ol\xe1"
    ", mundo! Cora\xe7"
    "\xe3"
    "o = cora\xe7"
    "\xe3"
    "o.\x0d"
    "\x0a"
    "linha com espa\xe7"
    "o no fim \x0d"
    "\x0a"
    "tab no fim\x09"
    "\x0d"
    "\x0a"
    "crazy\x0d"
    "mac\x0a"
    "unix\x0a"
    "\x0d"
    "lfcr\x0d"
    "\x0a"
    "\x0d"
    "\x0a"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy==\x0d"
    "\x0a"
    ".dot\x0d"
    "\x0a"
    "";
const std::string qp_text =
    "Ol=E1, mundo! Cora=E7=E3o =3D cora=E7=E3o.\x0d"
    "\x0a"
    "linha com espa=E7o no fim=20\x0d"
    "\x0a"
    "tab no fim=09\x0d"
    "\x0a"
    "crazy\x0d"
    "\x0a"
    "mac\x0d"
    "\x0a"
    "unix\x0d"
    "\x0a"
    "lfcr\x0d"
    "\x0a"
    "\x0d"
    "\x0a"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\x0d"
    "\x0a"
    "xxxxx=3Dyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy=\x0d"
    "\x0a"
    "yyyyyyy=3D=3D\x0d"
    "\x0a"
    ".dot\x0d"
    "\x0a"
    "";
const std::string qp_binary =
    "Ol=E1, mundo! Cora=E7=E3o =3D cora=E7=E3o.=0D=0Alinha com espa=E7o no fim=\x0d"
    "\x0a"
    "=20=0D=0Atab no fim=09=0D=0Acrazy=0Dmac=0Aunix=0A=0Dlfcr=0D=0A=0D=0Axxxxxxx=\x0d"
    "\x0a"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\x0d"
    "\x0a"
    "=3Dyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy=\x0d"
    "\x0a"
    "yy=3D=3D=0D=0A.dot=0D=0A=\x0d"
    "\x0a"
    "";
const std::string b64_wrapped =
    "T2zhLCBtdW5kbyEgQ29yYefjbyA9IG\x0d"
    "\x0a"
    "NvcmHn428uDQpsaW5oYSBjb20gZXNw\x0d"
    "\x0a"
    "YedvIG5vIGZpbSANCnRhYiBubyBmaW\x0d"
    "\x0a"
    "0JDQpjcmF6eQ1tYWMKdW5peAoNbGZj\x0d"
    "\x0a"
    "cg0KDQp4eHh4eHh4eHh4eHh4eHh4eH\x0d"
    "\x0a"
    "h4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\x0d"
    "\x0a"
    "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eH\x0d"
    "\x0a"
    "h4eHh4eHh4eHh4eHh4eHh4eD15eXl5\x0d"
    "\x0a"
    "eXl5eXl5eXl5eXl5eXl5eXl5eXl5eX\x0d"
    "\x0a"
    "l5eXl5eXl5eXl5eXl5eXl5eXl5eXl5\x0d"
    "\x0a"
    "eXl5eXl5eXl5eXl5eXl5eXl5eXl5eX\x0d"
    "\x0a"
    "l5eT09DQouZG90DQo=\x0d"
    "\x0a"
    "";
const std::string normalized =
    "Ol\xe1"
    ", mundo! Cora\xe7"
    "\xe3"
    "o = cora\xe7"
    "\xe3"
    "o.\x0a"
    "linha com espa\xe7"
    "o no fim \x0a"
    "tab no fim\x09"
    "\x0a"
    "crazy\x0a"
    "mac\x0a"
    "unix\x0a"
    "lfcr\x0a"
    "\x0a"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy==\x0a"
    ".dot\x0a"
    "";
const std::string stuffed =
    "Ol\xe1"
    ", mundo! Cora\xe7"
    "\xe3"
    "o = cora\xe7"
    "\xe3"
    "o.\x0d"
    "\x0a"
    "linha com espa\xe7"
    "o no fim \x0d"
    "\x0a"
    "tab no fim\x09"
    "\x0d"
    "\x0a"
    "crazy\x0d"
    "\x0a"
    "mac\x0d"
    "\x0a"
    "unix\x0d"
    "\x0a"
    "lfcr\x0d"
    "\x0a"
    "\x0d"
    "\x0a"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy==\x0d"
    "\x0a"
    "..dot\x0d"
    "\x0a"
    "";

}  // namespace

TEST(MimeLowLevel, B64Examples) {
  EXPECT_EQ(mime::b64("ab").out, opt("YWI="));
  EXPECT_EQ(mime::b64("ab").ctx, std::nullopt);
  auto r = mime::b64("abcd", "e");
  EXPECT_EQ(r.out, opt("YWJj"));
  EXPECT_EQ(r.ctx, opt("de"));
  EXPECT_EQ(mime::b64(std::nullopt).out, std::nullopt);
  // mimetest.lua's edge cases: b64("","") == "","";  b64(nil,"x") == nil,nil;  b64("",nil) ==
  // nil,nil
  r = mime::b64("", "");
  EXPECT_EQ(r.out, opt(""));
  EXPECT_EQ(r.ctx, opt(""));
  r = mime::b64(std::nullopt, "x");
  EXPECT_EQ(r.out, std::nullopt);
  EXPECT_EQ(r.ctx, std::nullopt);
  r = mime::b64("", std::nullopt);
  EXPECT_EQ(r.out, std::nullopt);
  EXPECT_EQ(r.ctx, std::nullopt);
}

TEST(MimeLowLevel, B64Padding) {
  const char* want[] = {
      "YQ==",     "YWI=",         "YWJj",         "YWJjZA==",     "YWJjZGU=",
      "YWJjZGVm", "YWJjZGVmZw==", "YWJjZGVmZ2g=", "YWJjZGVmZ2hp", "YWJjZGVmZ2hpag=="};
  const std::string letters = "abcdefghij";
  for (std::size_t n = 1; n <= letters.size(); ++n) {
    EXPECT_EQ(mime::b64(letters.substr(0, n)).out, opt(want[n - 1])) << n;
    EXPECT_EQ(mime::unb64(want[n - 1]).out, opt(letters.substr(0, n))) << n;
  }
}

TEST(MimeLowLevel, Unb64) {
  EXPECT_EQ(mime::unb64("YW Jj!").out, opt("abc"));  // bytes outside the alphabet are ignored
  EXPECT_EQ(mime::unb64("YQ").out, std::nullopt);    // incomplete group dropped at the end
  auto r = mime::unb64("YWJjZA", "==YW");
  EXPECT_EQ(r.out, opt("abcd"));
  EXPECT_EQ(r.ctx, opt("YW"));
  r = mime::unb64("", "");
  EXPECT_EQ(r.out, opt(""));
  EXPECT_EQ(r.ctx, opt(""));
  EXPECT_EQ(mime::unb64(std::nullopt, "x").out, std::nullopt);
  EXPECT_EQ(mime::unb64("", std::nullopt).out, std::nullopt);
}

TEST(MimeLowLevel, QpExamples) {
  EXPECT_EQ(mime::qp("abc ").out, opt("abc=20=\r\n"));
  EXPECT_EQ(mime::qp("a \r\nb").out, opt("a=20\r\nb"));
  EXPECT_EQ(mime::qp("a\nb").out, opt("a=0Ab"));
  EXPECT_EQ(mime::qp("a\rb").out, opt("a=0Db"));
  EXPECT_EQ(mime::qp("x=y\t\r\n").out, opt("x=3Dy=09\r\n"));
  EXPECT_EQ(mime::qp("a\r\nb", std::nullopt, "=0D=0A").out, opt("a=0D=0Ab"));
  EXPECT_EQ(mime::qp("\xff\x7f~!").out, opt("=FF=7F~!"));
  // Held back until the next bytes tell whether the space ends a line.
  auto r = mime::qp("ab ", "");
  EXPECT_EQ(r.out, opt("ab"));
  EXPECT_EQ(r.ctx, opt(" "));
  EXPECT_EQ(mime::qp(std::nullopt).out, std::nullopt);
  EXPECT_EQ(mime::qp("", std::nullopt).out, std::nullopt);
}

TEST(MimeLowLevel, UnqpExamples) {
  EXPECT_EQ(mime::unqp("a=3Db=\r\nc=ZZ").out, opt("a=bc=ZZ"));
  EXPECT_EQ(mime::unqp("a\rXb\nc\r\nd").out, opt("abc\r\nd"));
  EXPECT_EQ(mime::unqp("=3d=3D=e1").out, opt("==\xe1"));
  EXPECT_EQ(mime::unqp("tab\there\x01").out, opt("tab\there"));
  auto r = mime::unqp("ab=3", "");
  EXPECT_EQ(r.out, opt("ab"));
  EXPECT_EQ(r.ctx, opt("=3"));
}

TEST(MimeLowLevel, UnqpLeadingNulIsNotLost) {
  // Documented fix: LuaSocket returns nil when the decoded text starts with a NUL byte.
  EXPECT_EQ(mime::unqp("=00a").out, opt(std::string("\0a", 2)));
}

TEST(MimeLowLevel, Wrp) {
  auto r = mime::wrp(2, "abcdef", 4);
  EXPECT_EQ(r.out, opt("ab\r\ncdef"));
  EXPECT_EQ(r.ctx, 0);
  r = mime::wrp(76, "a\r\nb\nc");  // CR dropped, LF becomes CRLF and resets the count
  EXPECT_EQ(r.out, opt("a\r\nb\r\nc"));
  EXPECT_EQ(r.ctx, 75);
  r = mime::wrp(3, std::nullopt, 4);
  EXPECT_EQ(r.out, opt("\r\n"));
  EXPECT_EQ(r.ctx, 4);
  r = mime::wrp(4, std::nullopt, 4);
  EXPECT_EQ(r.out, std::nullopt);
  EXPECT_EQ(r.ctx, 4);
}

TEST(MimeLowLevel, QpwrpNeverSplitsAnEscape) {
  auto r = mime::qpwrp(5, "ab=3Dc", 5);
  EXPECT_EQ(r.out, opt("ab=\r\n=3Dc"));
  EXPECT_EQ(r.ctx, 1);
  r = mime::qpwrp(2, std::nullopt, 5);
  EXPECT_EQ(r.out, opt("=\r\n"));
  EXPECT_EQ(mime::qpwrp(5, std::nullopt, 5).out, std::nullopt);
}

TEST(MimeLowLevel, Eol) {
  auto r = mime::eol(0, "a\rb\nc\r\nd\n\re\n\nf");
  EXPECT_EQ(r.out, opt("a\r\nb\r\nc\r\nd\r\ne\r\n\r\nf"));
  EXPECT_EQ(r.ctx, 0);
  r = mime::eol(0, "x\r", "\n");
  EXPECT_EQ(r.out, opt("x\n"));
  EXPECT_EQ(r.ctx, '\r');
  // The context carries the CR over: the LF that follows in the next call completes the pair.
  r = mime::eol(r.ctx, "\ny", "\n");
  EXPECT_EQ(r.out, opt("y"));
  r = mime::eol(0, "\r\r", "|");
  EXPECT_EQ(r.out, opt("||"));
  r = mime::eol('\r', std::nullopt);
  EXPECT_EQ(r.out, std::nullopt);
  EXPECT_EQ(r.ctx, 0);
}

TEST(MimeLowLevel, Dot) {
  auto r = mime::dot(2, ".a\r\n.b");
  EXPECT_EQ(r.out, opt("..a\r\n..b"));
  EXPECT_EQ(r.ctx, 0);
  r = mime::dot(0, ".a\r\n");
  EXPECT_EQ(r.out, opt(".a\r\n"));
  EXPECT_EQ(r.ctx, 2);
  r = mime::dot(2, "a\n.b");  // a bare LF is not a line end for SMTP
  EXPECT_EQ(r.out, opt("a\n.b"));
  r = mime::dot(0, std::nullopt);
  EXPECT_EQ(r.out, std::nullopt);
  EXPECT_EQ(r.ctx, 2);
}

TEST(MimeFilters, GoldenChainsFromLuaSocket) {
  EXPECT_EQ(through(text, mime::normalize(), mime::encode("quoted-printable"),
                    mime::wrap("quoted-printable")),
            qp_text);
  EXPECT_EQ(
      through(text, mime::encode("quoted-printable", "binary"), mime::wrap("quoted-printable")),
      qp_binary);
  EXPECT_EQ(through(text, mime::encode("base64"), mime::wrap("base64", 30)), b64_wrapped);
  EXPECT_EQ(through(text, mime::normalize("\n")), normalized);
  EXPECT_EQ(through(text, mime::normalize(), mime::stuff()), stuffed);
}

TEST(MimeFilters, ChunkBoundariesDoNotMatter) {
  const std::string data = text + random_bytes(1000, 7) + text;
  for (std::size_t size : {1, 2, 3, 4, 5, 7, 64, 1000}) {
    EXPECT_EQ(through_chunks(data, size, mime::encode("base64"), mime::wrap(59)),
              through(data, mime::encode("base64"), mime::wrap(59)))
        << size;
    EXPECT_EQ(through_chunks(data, size, mime::normalize(), mime::encode("quoted-printable"),
                             mime::wrap("quoted-printable")),
              through(data, mime::normalize(), mime::encode("quoted-printable"),
                      mime::wrap("quoted-printable")))
        << size;
    EXPECT_EQ(through_chunks(text, size, mime::normalize(), mime::encode("quoted-printable"),
                             mime::wrap("quoted-printable")),
              qp_text)
        << size;
    EXPECT_EQ(through_chunks(text, size, mime::normalize(), mime::stuff()), stuffed) << size;
  }
}

TEST(MimeFilters, Base64WrappedRoundTripsRandomBinary) {
  const std::string data = random_bytes(10000, 1);
  for (int length : {27, 30, 59, 76}) {
    const std::string encoded = through(data, mime::encode("base64"), mime::wrap("base64", length));
    std::size_t start = 0;
    for (auto end = encoded.find("\r\n"); end != std::string::npos;
         end = encoded.find("\r\n", start)) {
      EXPECT_LE(end - start, static_cast<std::size_t>(length));
      start = end + 2;
    }
    EXPECT_EQ(through_chunks(encoded, 13, mime::decode("base64")), data) << length;
  }
}

TEST(MimeFilters, IdentityChainQpB64) {
  const std::string data = text + random_bytes(3000, 2);
  EXPECT_EQ(
      through_chunks(data, 17, mime::encode("quoted-printable", "binary"), mime::encode("base64"),
                     mime::decode("base64"), mime::decode("quoted-printable")),
      data);
}

TEST(MimeFilters, QuotedPrintableRoundTripsAllBytes) {
  std::string data;
  for (int i = 0; i < 4; ++i) data += all_bytes();
  // Binary mode: every byte survives, lines stay within 76 columns.
  const std::string encoded =
      through(data, mime::encode("quoted-printable", "binary"), mime::wrap("quoted-printable"));
  std::size_t start = 0;
  for (auto end = encoded.find("\r\n"); end != std::string::npos;
       end = encoded.find("\r\n", start)) {
    EXPECT_LE(end - start, 76u);
    start = end + 2;
  }
  EXPECT_EQ(through_chunks(encoded, 5, mime::decode("quoted-printable")), data);
}

TEST(MimeFilters, QuotedPrintableTextKeepsLineBreaksAndTrailingBlanks) {
  // mimetest.lua: spaces and tabs at line ends, long blank lines, normalized line ends.
  std::string data = std::string(256, ' ') + "\r\n" + std::string(256, '\t') + "\r\nend \t\r\n";
  const std::string encoded =
      through(data, mime::encode("quoted-printable"), mime::wrap("quoted-printable"));
  EXPECT_EQ(through(encoded, mime::decode("quoted-printable")), data);
  EXPECT_NE(encoded.find("=20\r\n"), std::string::npos);
  EXPECT_NE(encoded.find("=09\r\n"), std::string::npos);
}

TEST(MimeFilters, WrapNumberMeansDefault) {
  const std::string data(200, 'x');
  EXPECT_EQ(through(data, mime::wrap(59)), through(data, mime::wrap("default", 59)));
  EXPECT_EQ(through(data, mime::wrap("text")), through(data, mime::wrap("default", 76)));
  EXPECT_EQ(through("abc", mime::wrap()), "abc\r\n");
}

TEST(MimeFilters, UnknownKeysThrow) {
  try {
    (void)mime::encode("rot13");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown key (rot13)");
  }
  EXPECT_THROW((void)mime::decode("uu"), std::invalid_argument);
  EXPECT_THROW((void)mime::wrap("html"), std::invalid_argument);
}

TEST(MimeFilters, EmptyInput) {
  EXPECT_EQ(through("", mime::encode("base64")), "");
  EXPECT_EQ(through("", mime::encode("quoted-printable")), "");
  EXPECT_EQ(through("", mime::wrap()), "");
  EXPECT_EQ(through("", mime::stuff()), "");
}

TEST(MimeVersion, IsLuaSockets) { EXPECT_EQ(mime::VERSION, "MIME 1.0.3"); }
