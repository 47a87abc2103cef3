// copas::tp (copas/net/tp.hpp), the reply grammar SMTP and FTP share: RFC 5321 and RFC 959
// replies, bounded, fed in any chunking, and tp:check's patterns. (net's tests are another
// engineer's; these stay with the protocols that drove the merge.)
#include <gtest/gtest.h>
#include <copas/net/tp.hpp>

#include <functional>
#include <string>

namespace tp = copas::tp;

namespace {

// Feeds `bytes` one byte at a time and returns the first reply (or error).
copas::result<tp::reply> parse(std::string_view bytes, tp::limits l = {}) {
  tp::reply_reader r(l);
  for (char c : bytes) {
    r.append(std::string_view(&c, 1));
    if (auto got = r.next()) return std::move(*got);
  }
  return copas::error(copas::errc::closed);
}

}  // namespace

TEST(Reply, SingleLine) {
  auto r = parse("220 mail.example ESMTP ready\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 220);
  EXPECT_EQ(r->text, "220 mail.example ESMTP ready");
}

TEST(Reply, MultiLineJoinedWithNewline) {
  auto r = parse("250-mail.example\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 250);
  EXPECT_EQ(r->text, "250-mail.example\n250-PIPELINING\n250 AUTH PLAIN LOGIN");
}

TEST(Reply, BareCodeEndsAMultiLineReply) {
  auto r = parse("250-first\r\n250\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "250-first\n250");
  auto single = parse("354\r\n");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->code, 354);
}

TEST(Reply, TextLinesInsideAMultiLineReply) {
  // RFC 959 style continuation text (FTP) is kept.
  auto r = parse("211-status\r\n  some text\r\n211 end\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "211-status\n  some text\n211 end");
  auto padded = parse("230-Welcome\r\n 230 is not the end\r\n230-still not\r\n230 Logged in.\r\n");
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->code, 230);
  EXPECT_EQ(padded->text, "230-Welcome\n 230 is not the end\n230-still not\n230 Logged in.");
}

TEST(Reply, OnlyADashOpensAMultiLineReply) {
  // tp.lua: "^(%d%d%d)(.?)" -- any other fourth character is a one-line reply.
  auto r = parse("200xyz\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(r->text, "200xyz");
}

TEST(Reply, CarriageReturnsAreDropped) {
  auto r = parse("250 a\rb\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "250 ab");
}

TEST(Reply, NoCodeIsInvalid) {
  for (std::string_view bad : {"hello\r\n", "25 short\r\n", "\r\n", "2x0 no\r\n"}) {
    auto r = parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message(), "invalid server reply");
    EXPECT_EQ(r.error(), tp::errc::invalid_reply);
  }
}

TEST(Reply, ADifferentCodeInAContinuationIsText) {
  // As tp.lua reads it: the reply ends only at its own code (spec 4.2).
  auto r = parse("150-x\r\n226 other code\r\n150 done\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 150);
  EXPECT_EQ(r->text, "150-x\n226 other code\n150 done");
}

TEST(Reply, AfterAnErrorTheReaderStaysFailed) {
  tp::reply_reader r;
  r.append("xyz\r\n220 later\r\n");
  auto e = r.next();
  ASSERT_TRUE(e && !*e);
  EXPECT_EQ(e->error(), tp::errc::invalid_reply);
  auto again = r.next();  // out of step for good
  ASSERT_TRUE(again && !*again);
  EXPECT_EQ(again->error().message(), "invalid server reply");
}

TEST(Reply, IncompleteNeedsMore) {
  tp::reply_reader r;
  r.append("220-first\r\n220-second\r\n220 no newline yet");
  EXPECT_FALSE(r.next());
}

TEST(Reply, LinesAreBounded) {
  auto r = parse("250 " + std::string(100, 'x') + "\r\n", {.max_line = 50, .max_lines = 5});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "server reply too long");
  // Also while the line is still incomplete: never buffers without bound.
  tp::reply_reader reader({.max_line = 50, .max_lines = 5});
  reader.append(std::string(200, 'x'));
  auto got = reader.next();
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
}

TEST(Reply, LineLimitCountsTheTextNotTheCrLf) {
  EXPECT_TRUE(parse("220 " + std::string(16, 'x') + "\r\n", {.max_line = 20}));
  EXPECT_FALSE(parse("220 " + std::string(17, 'x') + "\r\n", {.max_line = 20}));
}

TEST(Reply, ReplySizeIsBounded) {
  auto r = parse("220-aaaaaaaaaa\r\nbbbbbbbbbb\r\n220 c\r\n",
                 {.max_line = 100, .max_lines = 100, .max_size = 20});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "server reply too long");
  EXPECT_EQ(r.error(), tp::errc::reply_too_long);
}

TEST(Reply, LineCountIsBounded) {
  std::string many;
  for (int i = 0; i < 10; ++i) many += "250-x\r\n";
  auto r = parse(many + "250 end\r\n", {.max_line = 50, .max_lines = 5});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "server reply too long");
}

TEST(Reply, PipelinedRepliesComeOneByOne) {
  tp::reply_reader r;
  r.append("250 one\r\n354 two\r\n25");
  auto a = r.next();
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->text, "250 one");
  auto b = r.next();
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->code, 354);
  EXPECT_FALSE(r.next());
  EXPECT_FALSE(r.empty());
  r.append("0 three\r\n");
  auto c = r.next();
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->text, "250 three");
  EXPECT_TRUE(r.empty());
}

TEST(ReplyCheck, CodesPatternsListsPredicates) {
  EXPECT_TRUE(tp::reply_check("2..").matches(250));
  EXPECT_TRUE(tp::reply_check("250").matches(250));
  EXPECT_TRUE(tp::reply_check(250).matches(250));
  EXPECT_FALSE(tp::reply_check("2..").matches(354));
  EXPECT_FALSE(tp::reply_check("251").matches(250));
  EXPECT_FALSE(tp::reply_check(230).matches(331));
  EXPECT_TRUE(tp::reply_check({"2..", 331}).matches(331));
  EXPECT_FALSE(tp::reply_check({"1..", "2.."}).matches(331));
  const tp::reply r{331, "331 Password required"};
  EXPECT_TRUE(tp::reply_check(std::function([](int c, const std::string& text) {
                return c / 100 == 3 && text.ends_with("required");
              })).matches(r));
  // Lua's string.find is unanchored: "31" is found in "331", "25" in "250".
  EXPECT_TRUE(tp::reply_check("31").matches(331));
  EXPECT_TRUE(tp::reply_check("25").matches(250));
  EXPECT_FALSE(tp::reply_check("2...").matches(250));
}

TEST(ReplyCheck, ReplyCodeOfAnError) {
  EXPECT_EQ(tp::reply_code(tp::unexpected("550 No such file.")), 550);
  EXPECT_EQ(tp::unexpected("550 No such file.").message(), "550 No such file.");
  EXPECT_EQ(tp::reply_code(copas::error(copas::errc::timeout)), std::nullopt);
  EXPECT_EQ(tp::reply_code(copas::error(tp::errc::invalid_reply)), std::nullopt);
}
