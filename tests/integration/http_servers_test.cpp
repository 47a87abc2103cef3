// copas-fetch against Apache httpd (plain, TLS, Basic auth, redirects, a chunked CGI, ranges) and
// squid (a forward proxy with Basic auth, CONNECT), each case compared with curl on the same
// command line (same_as_curl.hpp). Launchers: peers/apache.sh, peers/squid.sh.
#include "ports.hpp"
#include "real_peer.hpp"
#include "same_as_curl.hpp"
#include "tls_certs.hpp"

#include <gtest/gtest.h>

using copas::test::expect_same_as_curl;
using copas::test::real_peer;

namespace {

class ApacheHttpd : public ::testing::Test {
 protected:
  ApacheHttpd()
      : http_(copas::test::pick_port()),
        https_(copas::test::pick_port()),
        apache_("apache.sh",
                {std::to_string(http_), std::to_string(https_), copas::test::pki().localhost.cert,
                 copas::test::pki().localhost.key},
                {http_, https_}) {}

  std::string http(const std::string& path, const std::string& userinfo = "") const {
    return "http://" + userinfo + "127.0.0.1:" + std::to_string(http_) + path;
  }
  std::string https(const std::string& path) const {
    return "https://localhost:" + std::to_string(https_) + path;
  }
  void same(const std::vector<std::string>& args, int curl_exit = 0) const {
    expect_same_as_curl("Apache httpd", args, curl_exit);
  }

  std::uint16_t http_, https_;
  real_peer apache_;
};

class Squid : public ApacheHttpd {
 protected:
  Squid()
      : proxy_port_(copas::test::pick_port()),
        squid_("squid.sh", {std::to_string(proxy_port_)}, {proxy_port_}) {}

  // userinfo "plain:secret@" (nothing to encode), "proxy%20user:pa%20ss%25word@" or none.
  std::string proxy(const std::string& userinfo = "plain:secret@") const {
    return "http://" + userinfo + "127.0.0.1:" + std::to_string(proxy_port_);
  }
  void same(const std::vector<std::string>& args, int curl_exit = 0) const {
    expect_same_as_curl("squid", args, curl_exit);
  }

  std::uint16_t proxy_port_;
  real_peer squid_;
};

const char* const APACHE_CREDENTIALS = "me%40example.com:p%40ss%20word@";

}  // namespace

TEST_F(ApacheHttpd, PlainFile) { same({http("/hello.txt")}); }

TEST_F(ApacheHttpd, TlsVerifiedAgainstTheTestCa) {
  same({"--cacert", copas::test::pki().ca, https("/hello.txt")});
}

TEST_F(ApacheHttpd, TlsUntrustedIs60) { same({https("/hello.txt")}, 60); }

TEST_F(ApacheHttpd, BasicAuthWithPercentEncodedUrlCredentials) {
  same({http("/private/secret.txt", APACHE_CREDENTIALS)});
  EXPECT_EQ(apache_.count("logs/access.log", "\"GET /private/secret.txt HTTP/1.1\" 200 ", 2), 2u)
      << apache_.read("logs/access.log") << apache_.read("logs/error.log");
}

TEST_F(ApacheHttpd, BasicAuthWithDashU) {
  same({"-u", "me@example.com:p@ss word", http("/private/secret.txt")});
}

TEST_F(ApacheHttpd, WrongPasswordFailsWith22) {
  same({"-f", http("/private/secret.txt", "me%40example.com:nope@")}, 22);
}

TEST_F(ApacheHttpd, NoFollowWithoutDashL) { same({http("/r1")}); }

TEST_F(ApacheHttpd, RedirectsFollowedWithDashL) { same({"-L", http("/r1")}); }

TEST_F(ApacheHttpd, RedirectToTlsOnAnotherHost) {
  same({"-L", "--cacert", copas::test::pki().ca, http("/away")});
}

TEST_F(ApacheHttpd, MaxRedirsExceededIs47) { same({"-L", "--max-redirs", "1", http("/r1")}, 47); }

TEST_F(ApacheHttpd, ChunkedCgiOutput) { same({http("/cgi-bin/stream.cgi")}); }

TEST_F(ApacheHttpd, ChunkedCgiOutputOverTls) {
  same({"--cacert", copas::test::pki().ca, https("/cgi-bin/stream.cgi")});
}

TEST_F(ApacheHttpd, RangeWithDashR) { same({"-r", "100-1099", http("/big.bin")}); }

TEST_F(ApacheHttpd, OpenEndedRangeOverTls) {
  same({"-r", "99000-", "--cacert", copas::test::pki().ca, https("/big.bin")});
}

TEST_F(ApacheHttpd, MissingFileWithDashFIs22) { same({"-f", http("/nothing-here")}, 22); }

TEST_F(Squid, ProxyAuth) {
  same({"-x", proxy(), http("/hello.txt")});
  EXPECT_EQ(squid_.count("access.log", " plain HIER_DIRECT/", 2), 2u) << "curl's and ours:\n"
                                                                      << squid_.read("access.log");
}

TEST_F(Squid, ProxyAuthWithPercentEncodedCredentials) {
  same({"-x", proxy("proxy%20user:pa%20ss%25word@"), http("/hello.txt")});
  EXPECT_EQ(squid_.count("access.log", " proxy user HIER_DIRECT/", 2), 2u)
      << "curl's and ours, decoded:\n"
      << squid_.read("access.log");
}

TEST_F(Squid, NoProxyCredentialsWithDashFIs22) {
  same({"-f", "-x", proxy(""), http("/hello.txt")}, 22);
}

TEST_F(Squid, ConnectWithPercentEncodedCredentials) {
  same({"-x", proxy("proxy%20user:pa%20ss%25word@"), "--cacert", copas::test::pki().ca,
        https("/hello.txt")});
}

TEST_F(Squid, ConnectToApacheOverTls) {
  same({"-x", proxy(), "--cacert", copas::test::pki().ca, https("/hello.txt")});
  EXPECT_EQ(
      squid_.count("access.log", " CONNECT localhost:" + std::to_string(https_) + " plain ", 2), 2u)
      << squid_.read("access.log");
}

TEST_F(Squid, ConnectRefusedWithoutCredentialsIs56) {
  same({"-x", proxy(""), "--cacert", copas::test::pki().ca, https("/hello.txt")}, 56);
}

TEST_F(Squid, OriginBasicAuthThroughTheProxy) {
  same({"-x", proxy(), http("/private/secret.txt", APACHE_CREDENTIALS)});
}

TEST_F(Squid, RedirectsThroughTheProxy) { same({"-L", "-x", proxy(), http("/r1")}); }

TEST_F(Squid, ChunkedCgiThroughTheProxy) { same({"-x", proxy(), http("/cgi-bin/stream.cgi")}); }

TEST_F(Squid, RangeThroughTheProxy) { same({"-r", "0-499", "-x", proxy(), http("/big.bin")}); }
