// The response reader on bytes from memory: status lines, header folding and merging, framing,
// chunked bodies with extensions and trailers, limits and truncation (protocols.md 5.4, 5.5).
#include <gtest/gtest.h>
#include <copas/http/reader.hpp>

#include <string>
#include <vector>

using namespace copas;
using namespace copas::http;

namespace {

// Feeds `data` in pieces of `step` bytes, then "closed".
fill_function from(std::string data, std::size_t step = 3) {
  return [data = std::move(data), pos = std::size_t{0},
          step](std::string& buf) mutable -> result<void> {
    if (pos >= data.size()) return errc::closed;
    auto n = std::min(step, data.size() - pos);
    buf.append(data, pos, n);
    pos += n;
    return {};
  };
}

std::string body_of(reader& in, const framing& f, result<std::uint64_t>* res = nullptr,
                    headers* trailers = nullptr) {
  std::vector<std::string> parts;
  auto r = read_body(in, f, ltn12::sink::table(parts), trailers);
  if (res) *res = r;
  std::string out;
  for (auto& p : parts) out += p;
  return out;
}

}  // namespace

TEST(HttpReader, StatusLineGivesCodeAndVersion) {
  reader in(from("HTTP/1.0 404 Not Found\r\n"));
  auto st = read_status(in).value();
  EXPECT_EQ(st.text, "HTTP/1.0 404 Not Found");
  EXPECT_EQ(st.code, 404);
  EXPECT_EQ(st.version, 10);
}

TEST(HttpReader, StatusLineWithoutCodeFailsWithTheLine) {
  reader in(from("HTTP/1.1 abc\r\n"));
  auto st = read_status(in);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "HTTP/1.1 abc");
}

TEST(HttpReader, NonHttpReplyIsHttp09) {
  reader in(from("hello world"));
  auto st = read_status(in).value();
  EXPECT_EQ(st.version, 9);
  EXPECT_EQ(st.code, 200);
  EXPECT_EQ(body_of(in, {.how = framing::until_close}), "hello world");
}

TEST(HttpReader, ShortStreamIsClosedNotHttp09) {
  reader in(from("HTT"));
  auto st = read_status(in);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "closed");
}

TEST(HttpReader, HeadersAreLowerCasedMergedAndFolded) {
  reader in(
      from("Content-Type: text/plain\r\nSet-Cookie: a=1\r\nset-cookie:b=2\r\n"
           "X-Long: one\r\n  two\r\n\r\nrest"));
  auto h = read_headers(in).value();
  EXPECT_EQ(h.get("content-type"), "text/plain");
  EXPECT_EQ(h.get("set-cookie"), "a=1, b=2");
  EXPECT_EQ(h.get("x-long"), "one  two");  // appended with its own whitespace
  EXPECT_EQ(h.begin()->first, "content-type");
  EXPECT_EQ(in.exactly(4).value(), "rest");
}

TEST(HttpReader, HeaderLineWithoutColonIsMalformed) {
  reader in(from("Good: yes\r\nbad line\r\n\r\n"));
  auto h = read_headers(in);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message(), "malformed reponse headers");
}

TEST(HttpReader, CrBytesAreDroppedFromLines) {
  reader in(from("a\rb\r\r\n"));
  EXPECT_EQ(in.line().value(), "ab");
}

TEST(HttpReader, LineLimitNamesWhatAndShowsTheStart) {
  reader in(from(std::string(100, 'x') + "\r\n"), limits{.max_line = 50});
  auto l = in.line("status line");
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().message().substr(0, 42), "status line too long (limit 50 bytes): xxx");
}

TEST(HttpReader, TooManyHeaderFields) {
  std::string block;
  for (int i = 0; i < 10; ++i) block += "x" + std::to_string(i) + ": v\r\n";
  reader in(from(block + "\r\n"), limits{.max_fields = 5});
  auto h = read_headers(in);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message(), "too many header fields (limit 5)");
}

TEST(HttpReader, HeaderBlockSizeIsBounded) {
  std::string block;
  for (int i = 0; i < 10; ++i)
    block += "x" + std::to_string(i) + ": " + std::string(100, 'v') + "\r\n";
  reader in(from(block + "\r\n"), limits{.max_header_bytes = 500});
  auto h = read_headers(in);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message(), "header block too large (limit 500 bytes)");
}

TEST(HttpReader, ChunkedWithExtensionsAndTrailers) {
  reader in(from("5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n"));
  headers trailers;
  result<std::uint64_t> n = std::uint64_t{0};
  EXPECT_EQ(body_of(in, {.how = framing::chunked}, &n, &trailers), "hello world");
  EXPECT_EQ(n.value(), 11u);
  EXPECT_EQ(trailers.get("x-sum"), "42");
}

TEST(HttpReader, InvalidChunkSize) {
  reader in(from("zz\r\nhello\r\n0\r\n\r\n"));
  result<std::uint64_t> n = std::uint64_t{0};
  body_of(in, {.how = framing::chunked}, &n);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().message(), "invalid chunk size");
}

TEST(HttpReader, HugeChunkSizeIsInvalidNotAnAllocation) {
  reader in(from("fffffffffffffffffffff\r\n"));
  result<std::uint64_t> n = std::uint64_t{0};
  body_of(in, {.how = framing::chunked}, &n);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().message(), "invalid chunk size");
}

TEST(HttpReader, TruncatedLengthBodyIsClosedAndKeepsWhatCame) {
  reader in(from("abc"));
  result<std::uint64_t> n = std::uint64_t{0};
  EXPECT_EQ(body_of(in, {.how = framing::sized, .length = 10}, &n), "abc");
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().message(), "closed");
}

TEST(HttpReader, FramingFollowsLuaSocket) {
  headers cl{{"content-length", "12"}};
  headers te{{"transfer-encoding", "chunked"}, {"content-length", "12"}};
  headers id{{"transfer-encoding", "identity"}, {"content-length", "3"}};
  EXPECT_EQ(response_framing("GET", 200, cl)->how, framing::sized);
  EXPECT_EQ(response_framing("GET", 200, cl)->length, 12u);
  EXPECT_EQ(response_framing("GET", 200, te)->how, framing::chunked);  // chunked wins
  EXPECT_EQ(response_framing("GET", 200, id)->how, framing::sized);
  EXPECT_EQ(response_framing("GET", 200, {})->how, framing::until_close);
  EXPECT_EQ(response_framing("HEAD", 200, cl)->how, framing::none);
  EXPECT_EQ(response_framing("GET", 204, cl)->how, framing::none);
  EXPECT_EQ(response_framing("GET", 304, cl)->how, framing::none);
  EXPECT_EQ(response_framing("GET", 101, cl)->how, framing::none);
  auto bad = response_framing("GET", 200, headers{{"content-length", "12x"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "invalid content-length: 12x");
}

TEST(HttpHeaders, CanonicSpellsKnownNamesAndKeepsOthers) {
  EXPECT_EQ(canonic("content-type"), "Content-Type");
  EXPECT_EQ(canonic("content-md5"), "Content-MD5");
  EXPECT_EQ(canonic("etag"), "ETag");
  EXPECT_EQ(canonic("te"), "TE");
  EXPECT_EQ(canonic("www-authenticate"), "WWW-Authenticate");
  EXPECT_EQ(canonic("mime-version"), "MIME-Version");
  EXPECT_EQ(canonic("x-mailer"), "X-Mailer");
  EXPECT_EQ(canonic("message-id"), "Message-ID");
  EXPECT_EQ(canonic("USER-AGENT"), "User-Agent");
  EXPECT_EQ(canonic("X-Custom"), "X-Custom");
  // One table for http and smtp (copas/net/header_names.hpp): mail names and HTTP names alike.
  EXPECT_EQ(header_names::canonic("will-retry-until"), "Will-Retry-Until");
  EXPECT_EQ(header_names::canonic("SMTP-remote-recipient"), "SMTP-Remote-Recipient");
  EXPECT_EQ(header_names::canonic("accept-ranges"), "Accept-Ranges");
  EXPECT_TRUE(same_name("Content-Type", "content-TYPE"));
  EXPECT_FALSE(same_name("Content-Type", "Content-Typ"));
}

TEST(HttpHeaders, SetReplacesAnyCaseAndKeepsOrder) {
  headers h{{"A", "1"}, {"b", "2"}};
  h.set("a", "3");
  h.set("C", "4");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h.begin()->first, "A");
  EXPECT_EQ(h.get("A"), "3");
  EXPECT_EQ(h.erase("B"), 1u);
  EXPECT_FALSE(h.contains("b"));
}
