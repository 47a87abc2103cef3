// Reply parsing, reply checks, PASV/EPSV parsing and URL handling: no sockets needed.
#include "passive.hpp"
#include "target.hpp"

#include <copas/ftp.hpp>
#include <gtest/gtest.h>

#include <string>

namespace ftp = copas::ftp;

namespace {

ftp::reply one(std::string_view bytes) {
  ftp::reply_reader r;
  r.append(bytes);
  auto got = r.next();
  EXPECT_TRUE(got.has_value());
  EXPECT_TRUE(got && got->has_value()) << (got && !*got ? got->error().message() : "");
  return got && *got ? got->value() : ftp::reply{};
}

std::string error_of(std::string_view bytes, ftp::reply_reader::limits l = {}) {
  ftp::reply_reader r(l);
  r.append(bytes);
  auto got = r.next();
  if (!got) return "<incomplete>";
  if (*got) return "<ok>";
  return got->error().message();
}

}  // namespace

TEST(FtpReply, SingleLine) {
  auto r = one("220 Service ready\r\n");
  EXPECT_EQ(r.code, 220);
  EXPECT_EQ(r.text, "220 Service ready");
}

TEST(FtpReply, CodeAloneAndOddSeparatorAreOneLine) {
  EXPECT_EQ(one("200\r\n").text, "200");
  // Only '-' starts a multi-line reply (tp.lua: "^(%d%d%d)(.?)").
  EXPECT_EQ(one("200xyz\r\n").code, 200);
}

TEST(FtpReply, MultiLineJoinedWithNewlineAndCrsRemoved) {
  auto r = one("230-Welcome\r\n 230 is not the end\r\n230-still not\r\n230 Logged in.\r\n");
  EXPECT_EQ(r.code, 230);
  EXPECT_EQ(r.text, "230-Welcome\n 230 is not the end\n230-still not\n230 Logged in.");
  EXPECT_EQ(one("211-a\rb\r\n211 end\r\n").text, "211-ab\n211 end");
}

TEST(FtpReply, MultiLineEndsOnlyAtTheSameCode) {
  auto r = one("150-x\r\n226 other code\r\n150 done\r\n");
  EXPECT_EQ(r.text, "150-x\n226 other code\n150 done");
}

TEST(FtpReply, ArrivesInPiecesAndSeveralRepliesQueue) {
  ftp::reply_reader r;
  const std::string stream = "220-hi\r\n220 ready\r\n331 Password\r\n230 ok\r\n";
  std::vector<ftp::reply> got;
  for (char c : stream) {
    r.append(std::string_view(&c, 1));
    while (auto rep = r.next()) got.push_back(rep->value());
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].text, "220-hi\n220 ready");
  EXPECT_EQ(got[1].code, 331);
  EXPECT_EQ(got[2].text, "230 ok");
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(FtpReply, IncompleteNeedsMore) {
  EXPECT_EQ(error_of("220 no newline yet"), "<incomplete>");
  EXPECT_EQ(error_of("220-first\r\n220-second\r\n"), "<incomplete>");
}

TEST(FtpReply, InvalidFirstLine) {
  EXPECT_EQ(error_of("hello\r\n"), "invalid server reply");
  EXPECT_EQ(error_of("22 short\r\n"), "invalid server reply");
  EXPECT_EQ(error_of("\r\n"), "invalid server reply");
  ftp::reply_reader r;
  r.append("xyz\r\n220 later\r\n");
  auto e = r.next();
  ASSERT_TRUE(e && !*e);
  EXPECT_TRUE(ftp::is(e->error(), ftp::errc::invalid_reply));
  auto again = r.next();  // out of step for good
  ASSERT_TRUE(again && !*again);
}

TEST(FtpReply, Bounded) {
  ftp::reply_reader::limits l{.max_line = 16, .max_lines = 3, .max_size = 1024};
  EXPECT_EQ(error_of(std::string(18, '2'), l), "server reply too long");  // no LF yet
  EXPECT_EQ(error_of("220 " + std::string(20, 'x') + "\r\n", l), "server reply too long");
  EXPECT_EQ(error_of("220-a\r\nb\r\nc\r\nd\r\n220 e\r\n", l), "server reply too long");
  ftp::reply_reader::limits small_total{.max_line = 100, .max_lines = 100, .max_size = 20};
  EXPECT_EQ(error_of("220-aaaaaaaaaa\r\nbbbbbbbbbb\r\n220 c\r\n", small_total), "server reply too long");
  EXPECT_EQ(error_of("220 " + std::string(16, 'x') + "\r\n", {.max_line = 20}), "<ok>");
}

TEST(FtpReplyCheck, CodesPatternsListsPredicates) {
  ftp::reply r{331, "331 Password required"};
  EXPECT_TRUE(ftp::reply_check(331).matches(r));
  EXPECT_FALSE(ftp::reply_check(230).matches(r));
  EXPECT_TRUE(ftp::reply_check("3..").matches(r));
  EXPECT_FALSE(ftp::reply_check("2..").matches(r));
  EXPECT_TRUE(ftp::reply_check({"2..", 331}).matches(r));
  EXPECT_FALSE(ftp::reply_check({"1..", "2.."}).matches(r));
  EXPECT_TRUE(ftp::reply_check(std::function([](int c, const std::string&) { return c / 100 == 3; }))
                  .matches(r));
  // Lua's string.find is unanchored: "31" is found in "331".
  EXPECT_TRUE(ftp::reply_check("31").matches(r));
}

TEST(FtpReplyCheck, ReplyCodeOfAnError) {
  copas::error e(ftp::make_error_code(ftp::errc::rejected), "550 No such file.");
  EXPECT_EQ(ftp::reply_code(e), 550);
  EXPECT_EQ(ftp::reply_code(copas::error(copas::errc::timeout)), std::nullopt);
}

TEST(FtpPassive, PasvAddressAnywhereInTheText) {
  auto a = copas::ftp::detail::parse_pasv("227 Entering Passive Mode (127,0,0,1,4,3).");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip, "127.0.0.1");
  EXPECT_EQ(a->port, 4 * 256 + 3);
  auto b = copas::ftp::detail::parse_pasv("227 =10,1,2,3,200,7");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ip, "10.1.2.3");
  EXPECT_FALSE(copas::ftp::detail::parse_pasv("227 Entering Passive Mode"));
  EXPECT_FALSE(copas::ftp::detail::parse_pasv("227 (300,0,0,1,4,3)"));
  EXPECT_FALSE(copas::ftp::detail::parse_pasv("227 (127,0,0,1,4)"));
  EXPECT_FALSE(copas::ftp::detail::parse_pasv("227 (127,0,0,1,0,0)"));
}

TEST(FtpPassive, EpsvPort) {
  EXPECT_EQ(copas::ftp::detail::parse_epsv("229 Entering Extended Passive Mode (|||6446|)"), 6446);
  EXPECT_EQ(copas::ftp::detail::parse_epsv("229 (!!!21!)"), 21);
  EXPECT_FALSE(copas::ftp::detail::parse_epsv("229 (|||0|)"));
  EXPECT_FALSE(copas::ftp::detail::parse_epsv("229 (|||70000|)"));
  EXPECT_FALSE(copas::ftp::detail::parse_epsv("229 (|||abc|)"));
  EXPECT_FALSE(copas::ftp::detail::parse_epsv("229 no parenthesis"));
  EXPECT_FALSE(copas::ftp::detail::parse_epsv("229 (|||6446)"));
}

TEST(FtpPassive, PublicAddresses) {
  using copas::ftp::detail::is_public_ipv4;
  EXPECT_TRUE(is_public_ipv4("8.8.8.8"));
  for (auto ip : {"0.0.0.0", "10.0.0.1", "127.0.0.1", "169.254.1.1", "172.16.0.1", "172.31.255.1",
                  "192.168.1.1", "100.64.0.1", "1.2.3", "a.b.c.d", "1.2.3.4.5"})
    EXPECT_FALSE(is_public_ipv4(ip)) << ip;
  EXPECT_TRUE(is_public_ipv4("172.32.0.1"));
}

TEST(FtpUrl, StringFormRules) {
  using copas::ftp::detail::parse_ftp_url;
  EXPECT_EQ(parse_ftp_url("wrong://banana.com/lixo").error().message(), "wrong scheme 'wrong'");
  EXPECT_EQ(parse_ftp_url("localhost/dir1/index.html;type=i").error().message(), "missing hostname");
  EXPECT_EQ(parse_ftp_url("ftp://h/f;type=x").error().message(), "invalid type 'x'");
  EXPECT_EQ(parse_ftp_url("ftp://h/f;mode=x").error().message(), "invalid type 'mode=x'");
  EXPECT_EQ(parse_ftp_url("ftp://h:99999/f").error().message(), "invalid port '99999'");
  EXPECT_EQ(parse_ftp_url("").error().message(), "invalid url");
  auto t = parse_ftp_url("ftp://us%40er:p%3Aw@h:2121/a%20b;type=a").value();
  EXPECT_EQ(t.host, "h");
  EXPECT_EQ(t.port, 2121);
  EXPECT_EQ(t.user, "us@er");
  EXPECT_EQ(t.password, "p:w");
  EXPECT_EQ(t.path, "/a%20b");
  EXPECT_EQ(t.type, "a");
  auto d = parse_ftp_url("ftp://h").value();
  EXPECT_EQ(d.port, ftp::PORT);
  EXPECT_EQ(d.path, "/");
  EXPECT_FALSE(d.user);
}

TEST(FtpUrl, StructFormOverridesTheUrl) {
  ftp::request r{.url = "ftp://a:b@h:21/x;type=a", .port = 2121, .user = "u", .type = "i"};
  auto t = copas::ftp::detail::resolve(r, r.path, r.type).value();
  EXPECT_EQ(t.user, "u");
  EXPECT_EQ(t.password, "b");
  EXPECT_EQ(t.port, 2121);
  EXPECT_EQ(t.type, "i");
  EXPECT_EQ(t.path, "/x");
  ftp::request none{.path = "/x"};
  EXPECT_EQ(copas::ftp::detail::resolve(none).error().message(), "missing hostname");
}

TEST(FtpUrl, TransferArgument) {
  using copas::ftp::detail::transfer_argument;
  EXPECT_EQ(transfer_argument({.path = "/pub/%23%3f"}), "pub/#?");
  EXPECT_EQ(transfer_argument({.path = "\\x"}), "x");
  EXPECT_EQ(transfer_argument({.path = "//x"}), "/x");
  EXPECT_EQ(transfer_argument({.path = "/"}), std::nullopt);
  EXPECT_EQ(transfer_argument({.argument = "%41", .path = "/y"}), "%41");
  EXPECT_EQ(transfer_argument({}), std::nullopt);
}
