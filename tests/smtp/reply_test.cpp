// copas::tp::reply_reader: RFC 5321 replies, bounded, fed in any chunking.
#include <copas/smtp/tp.hpp>
#include <gtest/gtest.h>

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
    EXPECT_EQ(r.error().code(), tp::errc::invalid_reply);
  }
}

TEST(Reply, ADifferentCodeInAContinuationIsInvalid) {
  auto r = parse("250-a\r\n251 b\r\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "invalid server reply");
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

TEST(Reply, CodePatterns) {
  EXPECT_TRUE(tp::matches("2..", 250));
  EXPECT_TRUE(tp::matches("250", 250));
  EXPECT_TRUE(tp::matches("3..", 334));
  EXPECT_FALSE(tp::matches("2..", 354));
  EXPECT_FALSE(tp::matches("25", 250));
  EXPECT_FALSE(tp::matches("251", 250));
}
