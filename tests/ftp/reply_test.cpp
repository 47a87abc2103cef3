// FTP-specific parsing of what the server says -- PASV/EPSV replies -- and URL handling: no
// sockets needed. The reply grammar itself is copas::tp's (tests/smtp/reply_test.cpp).
#include "passive.hpp"
#include "target.hpp"

#include <gtest/gtest.h>
#include <copas/ftp.hpp>

#include <string>

namespace ftp = copas::ftp;

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

// ftp's codes compare with copas::error as every copas enum does (no ftp::is any more), and
// only within their own category.
TEST(FtpErrors, CompareWithTheOneOperator) {
  using copas::ftp::detail::parse_ftp_url;
  auto wrong = parse_ftp_url("wrong://banana.com/lixo");
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(wrong.error() == ftp::errc::wrong_scheme);
  EXPECT_FALSE(wrong.error() == ftp::errc::missing_hostname);
  EXPECT_FALSE(wrong.error() == copas::errc::cancelled);  // value 5 too, another category
  EXPECT_EQ(parse_ftp_url("localhost/x").error(), ftp::errc::missing_hostname);
  EXPECT_EQ(parse_ftp_url("ftp://h/f;type=x").error(), ftp::errc::invalid_type);
  EXPECT_EQ(parse_ftp_url("ftp://h:99999/f").error(), ftp::errc::invalid_port);
  copas::error reply(copas::tp::errc::unexpected_reply, "530 Login incorrect.");
  EXPECT_TRUE(reply == copas::tp::errc::unexpected_reply);
  EXPECT_FALSE(reply == ftp::errc::missing_hostname);  // both are value 3: the category tells
}

TEST(FtpUrl, StringFormRules) {
  using copas::ftp::detail::parse_ftp_url;
  EXPECT_EQ(parse_ftp_url("wrong://banana.com/lixo").error().message(), "wrong scheme 'wrong'");
  EXPECT_EQ(parse_ftp_url("localhost/dir1/index.html;type=i").error().message(),
            "missing hostname");
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
