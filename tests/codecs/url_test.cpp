// copas::url against LuaSocket's url.lua: the cases of LuaSocket's test/urltest.lua and the
// examples of protocols.md section 2, with master's authority rule. The absolute-resolution
// expectations were produced by LuaSocket 3.1.0's url.lua (authority patched to master's
// "^//([^/%?#]*)").
#include <copas/net/url.hpp>

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace url = copas::url;
using opt = std::optional<std::string>;

namespace {}  // namespace

namespace copas::url {
// Readable failure messages.
void PrintTo(const parsed& u, std::ostream* os) {
  auto f = [os](const char* name, const std::optional<std::string>& v) {
    if (v) *os << name << "=\"" << *v << "\" ";
  };
  *os << "{ ";
  f("scheme", u.scheme), f("authority", u.authority), f("userinfo", u.userinfo), f("user", u.user);
  f("password", u.password), f("host", u.host), f("port", u.port), f("path", u.path),
      f("params", u.params);
  f("query", u.query), f("fragment", u.fragment);
  *os << "}";
}
}  // namespace copas::url

namespace {

url::parsed parse_ok(std::string_view s) {
  auto r = url::parse(s);
  EXPECT_TRUE(r.has_value()) << s;
  return r ? *r : url::parsed{};
}

}  // namespace

TEST(UrlParse, AllParts) {
  url::parsed want{.scheme = "http",
                   .authority = "u:p@h:81",
                   .userinfo = "u:p",
                   .user = "u",
                   .password = "p",
                   .host = "h",
                   .port = "81",
                   .path = "/p",
                   .params = "x",
                   .query = "q",
                   .fragment = "f"};
  EXPECT_EQ(parse_ok("http://u:p@h:81/p;x?q#f"), want);
}

TEST(UrlParse, UrltestGenericForms) {
  const url::parsed full{.scheme = "scheme",
                         .authority = "userinfo@host:port",
                         .userinfo = "userinfo",
                         .user = "userinfo",
                         .host = "host",
                         .port = "port",
                         .path = "/path",
                         .params = "params",
                         .query = "query",
                         .fragment = "fragment"};
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/path;params?query#fragment"), full);

  auto u = full;
  u.fragment = "";
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/path;params?query#"), u);
  u = full;
  u.query = "";
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/path;params?#fragment"), u);
  u = full;
  u.query.reset();
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/path;params#fragment"), u);
  u = full;
  u.params = "";
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/path;?query#fragment"), u);
  u = full;
  u.params.reset();
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/path?query#fragment"), u);
  u = full;
  u.path = "/";
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port/;params?query#fragment"), u);
  u = full;
  u.path.reset();
  u.params.reset();
  u.query.reset();
  u.fragment.reset();
  EXPECT_EQ(parse_ok("scheme://userinfo@host:port"), u);
  u = full;
  u.scheme.reset();
  EXPECT_EQ(parse_ok("//userinfo@host:port/path;params?query#fragment"), u);

  EXPECT_EQ(parse_ok("scheme://user:password@host:port/path;params?query#fragment"),
            (url::parsed{.scheme = "scheme",
                         .authority = "user:password@host:port",
                         .userinfo = "user:password",
                         .user = "user",
                         .password = "password",
                         .host = "host",
                         .port = "port",
                         .path = "/path",
                         .params = "params",
                         .query = "query",
                         .fragment = "fragment"}));
}

TEST(UrlParse, AuthorityVariants) {
  EXPECT_EQ(parse_ok("//userinfo@host/path"), (url::parsed{.authority = "userinfo@host",
                                                           .userinfo = "userinfo",
                                                           .user = "userinfo",
                                                           .host = "host",
                                                           .path = "/path"}));
  EXPECT_EQ(parse_ok("//user:password@host/path"), (url::parsed{.authority = "user:password@host",
                                                                .userinfo = "user:password",
                                                                .user = "user",
                                                                .password = "password",
                                                                .host = "host",
                                                                .path = "/path"}));
  // An empty password is present and empty.
  EXPECT_EQ(parse_ok("//user:@host/path"), (url::parsed{.authority = "user:@host",
                                                        .userinfo = "user:",
                                                        .user = "user",
                                                        .password = "",
                                                        .host = "host",
                                                        .path = "/path"}));
  EXPECT_EQ(parse_ok("//user@host:port/path"), (url::parsed{.authority = "user@host:port",
                                                            .userinfo = "user",
                                                            .user = "user",
                                                            .host = "host",
                                                            .port = "port",
                                                            .path = "/path"}));
  EXPECT_EQ(
      parse_ok("//host:port/path"),
      (url::parsed{.authority = "host:port", .host = "host", .port = "port", .path = "/path"}));
  EXPECT_EQ(parse_ok("//host/path"),
            (url::parsed{.authority = "host", .host = "host", .path = "/path"}));
  EXPECT_EQ(parse_ok("//host"), (url::parsed{.authority = "host", .host = "host"}));
  // "host:" has an empty port, which http takes as the default port.
  EXPECT_EQ(
      parse_ok("http://host:/path"),
      (url::parsed{
          .scheme = "http", .authority = "host:", .host = "host", .port = "", .path = "/path"}));
  // Only the first '@' ends the userinfo; the password is after the userinfo's last ':'.
  EXPECT_EQ(parse_ok("ftp://a:b:c@d@e/"), (url::parsed{.scheme = "ftp",
                                                       .authority = "a:b:c@d@e",
                                                       .userinfo = "a:b:c",
                                                       .user = "a:b",
                                                       .password = "c",
                                                       .host = "d@e",
                                                       .path = "/"}));
}

TEST(UrlParse, PathOnly) {
  EXPECT_EQ(parse_ok("/path"), (url::parsed{.path = "/path"}));
  EXPECT_EQ(parse_ok("path"), (url::parsed{.path = "path"}));
  // luasocket#135: without "//" there is no host, by design.
  EXPECT_EQ(parse_ok("www.google.com/hello"), (url::parsed{.path = "www.google.com/hello"}));
}

TEST(UrlParse, Ipv6Hosts) {
  EXPECT_EQ(parse_ok("http://[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:80/index.html"),
            (url::parsed{.scheme = "http",
                         .authority = "[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:80",
                         .host = "FEDC:BA98:7654:3210:FEDC:BA98:7654:3210",
                         .port = "80",
                         .path = "/index.html"}));
  EXPECT_EQ(parse_ok("http://[1080:0:0:0:8:800:200C:417A]/index.html"),
            (url::parsed{.scheme = "http",
                         .authority = "[1080:0:0:0:8:800:200C:417A]",
                         .host = "1080:0:0:0:8:800:200C:417A",
                         .path = "/index.html"}));
  EXPECT_EQ(parse_ok("http://[3ffe:2a00:100:7031::1]"),
            (url::parsed{.scheme = "http",
                         .authority = "[3ffe:2a00:100:7031::1]",
                         .host = "3ffe:2a00:100:7031::1"}));
  EXPECT_EQ(
      parse_ok("http://[::192.9.5.5]/ipng"),
      (url::parsed{
          .scheme = "http", .authority = "[::192.9.5.5]", .host = "::192.9.5.5", .path = "/ipng"}));
  EXPECT_EQ(parse_ok("http://[::FFFF:129.144.52.38]:80/index.html"),
            (url::parsed{.scheme = "http",
                         .authority = "[::FFFF:129.144.52.38]:80",
                         .host = "::FFFF:129.144.52.38",
                         .port = "80",
                         .path = "/index.html"}));
  EXPECT_EQ(parse_ok("//userinfo@[::FFFF:129.144.52.38]:port/path;params?query#fragment"),
            (url::parsed{.authority = "userinfo@[::FFFF:129.144.52.38]:port",
                         .userinfo = "userinfo",
                         .user = "userinfo",
                         .host = "::FFFF:129.144.52.38",
                         .port = "port",
                         .path = "/path",
                         .params = "params",
                         .query = "query",
                         .fragment = "fragment"}));
  EXPECT_EQ(parse_ok("scheme://user:password@[::192.9.5.5]:port/path;params?query#fragment"),
            (url::parsed{.scheme = "scheme",
                         .authority = "user:password@[::192.9.5.5]:port",
                         .userinfo = "user:password",
                         .user = "user",
                         .password = "password",
                         .host = "::192.9.5.5",
                         .port = "port",
                         .path = "/path",
                         .params = "params",
                         .query = "query",
                         .fragment = "fragment"}));
}

TEST(UrlParse, MasterAuthorityStopsAtQueryAndFragment) {
  // luasocket#417: 3.1.0 took "host:8071?x=1" for the authority.
  EXPECT_EQ(parse_ok("http://host:8071?x=1"), (url::parsed{.scheme = "http",
                                                           .authority = "host:8071",
                                                           .host = "host",
                                                           .port = "8071",
                                                           .query = "x=1"}));
  EXPECT_EQ(
      parse_ok("http://host#frag"),
      (url::parsed{.scheme = "http", .authority = "host", .host = "host", .fragment = "frag"}));
  // The urltest cases with '?' or '#' inside the password change meaning accordingly.
  EXPECT_EQ(parse_ok("scheme://user:pa?ss@host/path"), (url::parsed{.scheme = "scheme",
                                                                    .authority = "user:pa",
                                                                    .host = "user",
                                                                    .port = "pa",
                                                                    .query = "ss@host/path"}));
}

TEST(UrlParse, EmptyIsInvalid) {
  auto r = url::parse("");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "invalid url");
  EXPECT_EQ(r.error(), copas::errc::invalid_argument);
}

TEST(UrlParse, DefaultsAreOverwrittenByWhatIsFound) {
  const url::parsed defaults{.scheme = "http", .host = "", .port = "80", .path = "/"};
  auto r = url::parse("//example.org", defaults);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (url::parsed{.scheme = "http",
                             .authority = "example.org",
                             .host = "example.org",
                             .port = "80",
                             .path = "/"}));
  r = url::parse("localhost/path", defaults);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, opt(""));
  EXPECT_EQ(r->path, opt("localhost/path"));
}

TEST(UrlParse, NothingIsUnescaped) {
  auto u = parse_ok("http://h/a%20b?c%3Dd#%41");
  EXPECT_EQ(u.path, opt("/a%20b"));
  EXPECT_EQ(u.query, opt("c%3Dd"));
  EXPECT_EQ(u.fragment, opt("%41"));
}

TEST(UrlBuild, UrltestCases) {
  const std::string all = "scheme://user:password@host:port/path;params?query#fragment";
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .user = "user",
                        .password = "password",
                        .host = "host",
                        .port = "port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            all);
  EXPECT_EQ(url::build({.user = "userinfo",
                        .host = "::FFFF:129.144.52.38",
                        .port = "port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            "//userinfo@[::FFFF:129.144.52.38]:port/path;params?query#fragment");
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .user = "user",
                        .password = "password",
                        .host = "::192.9.5.5",
                        .port = "port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            "scheme://user:password@[::192.9.5.5]:port/path;params?query#fragment");
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .user = "user",
                        .password = "password",
                        .host = "host",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            "scheme://user:password@host/path;params?query#fragment");
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .user = "user",
                        .host = "host",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            "scheme://user@host/path;params?query#fragment");
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .host = "host",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            "scheme://host/path;params?query#fragment");
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .host = "host",
                        .path = "/path",
                        .params = "params",
                        .fragment = "fragment"}),
            "scheme://host/path;params#fragment");
  EXPECT_EQ(
      url::build({.scheme = "scheme", .host = "host", .path = "/path", .fragment = "fragment"}),
      "scheme://host/path#fragment");
  EXPECT_EQ(url::build({.scheme = "scheme", .host = "host", .path = "/path"}),
            "scheme://host/path");
  EXPECT_EQ(url::build({.host = "host", .path = "/path"}), "//host/path");
  EXPECT_EQ(url::build({.path = "/path"}), "/path");
  EXPECT_EQ(url::build({}), "");
}

TEST(UrlBuild, UserPreferredOverUserinfoOverAuthority) {
  const std::string all = "scheme://user:password@host:port/path;params?query#fragment";
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .userinfo = "not used",
                        .user = "user",
                        .password = "password",
                        .host = "host",
                        .port = "port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            all);
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .authority = "not used",
                        .userinfo = "not used",
                        .user = "user",
                        .password = "password",
                        .host = "host",
                        .port = "port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            all);
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .authority = "not used",
                        .userinfo = "user:password",
                        .host = "host",
                        .port = "port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            all);
  EXPECT_EQ(url::build({.scheme = "scheme",
                        .authority = "user:password@host:port",
                        .path = "/path",
                        .params = "params",
                        .query = "query",
                        .fragment = "fragment"}),
            all);
}

TEST(UrlBuild, FieldsAreNotEscaped) {
  EXPECT_EQ(url::build({.scheme = "http", .host = "h", .path = "/a b", .query = "x y"}),
            "http://h/a b?x y");
}

struct absolute_case {
  const char* base;
  const char* relative;
  const char* expected;
};

class UrlAbsolute : public testing::TestWithParam<absolute_case> {};

TEST_P(UrlAbsolute, MatchesUrlLua) {
  const auto& c = GetParam();
  EXPECT_EQ(url::absolute(c.base, c.relative), c.expected) << c.base << " + " << c.relative;
}

INSTANTIATE_TEST_SUITE_P(Rfc2396AndExtras, UrlAbsolute,
                         testing::ValuesIn(std::vector<absolute_case>{
                             {"http://a/b/c/d;p?q#f", "g:h", "g:h"},
                             {"http://a/b/c/d;p?q#f", "g", "http://a/b/c/g"},
                             {"http://a/b/c/d;p?q#f", "./g", "http://a/b/c/g"},
                             {"http://a/b/c/d;p?q#f", "g/", "http://a/b/c/g/"},
                             {"http://a/b/c/d;p?q#f", "/g", "http://a/g"},
                             {"http://a/b/c/d;p?q#f", "//g", "http://g"},
                             {"http://a/b/c/d;p?q#f", "?y", "http://a/b/c/d;p?y"},
                             {"http://a/b/c/d;p?q#f", "g?y", "http://a/b/c/g?y"},
                             {"http://a/b/c/d;p?q#f", "g?y/./x", "http://a/b/c/g?y/x"},
                             {"http://a/b/c/d;p?q#f", "#s", "http://a/b/c/d;p?q#s"},
                             {"http://a/b/c/d;p?q#f", "g#s", "http://a/b/c/g#s"},
                             {"http://a/b/c/d;p?q#f", "g#s/./x", "http://a/b/c/g#s/x"},
                             {"http://a/b/c/d;p?q#f", "g?y#s", "http://a/b/c/g?y#s"},
                             {"http://a/b/c/d;p?q#f", ";x", "http://a/b/c/d;x"},
                             {"http://a/b/c/d;p?q#f", "g;x", "http://a/b/c/g;x"},
                             {"http://a/b/c/d;p?q#f", "g;x?y#s", "http://a/b/c/g;x?y#s"},
                             {"http://a/b/c/d;p?q#f", "", "http://a/b/c/d;p?q#f"},
                             {"http://a/b/c/d;p?q#f", ".", "http://a/b/c/"},
                             {"http://a/b/c/d;p?q#f", "./", "http://a/b/c/"},
                             {"http://a/b/c/d;p?q#f", "..", "http://a/b/"},
                             {"http://a/b/c/d;p?q#f", "../", "http://a/b/"},
                             {"http://a/b/c/d;p?q#f", "../g", "http://a/b/g"},
                             {"http://a/b/c/d;p?q#f", "../..", "http://a/"},
                             {"http://a/b/c/d;p?q#f", "../../", "http://a/"},
                             {"http://a/b/c/d;p?q#f", "../../g", "http://a/g"},
                             {"http://a/b/c/d;p?q#f", "../../../g", "http://a/g"},
                             {"http://a/b/c/d;p?q#f", "../../../../g", "http://a/g"},
                             {"http://a/b/c/d;p?q#f", "/./g", "http://a/g"},
                             {"http://a/b/c/d;p?q#f", "/../g", "http://a/g"},
                             {"http://a/b/c/d;p?q#f", "g.", "http://a/b/c/g."},
                             {"http://a/b/c/d;p?q#f", ".g", "http://a/b/c/.g"},
                             {"http://a/b/c/d;p?q#f", "g..", "http://a/b/c/g.."},
                             {"http://a/b/c/d;p?q#f", "..g", "http://a/b/c/..g"},
                             {"http://a/b/c/d;p?q#f", "./../g", "http://a/b/g"},
                             {"http://a/b/c/d;p?q#f", "./g/.", "http://a/b/c/g/"},
                             {"http://a/b/c/d;p?q#f", "g/./h", "http://a/b/c/g/h"},
                             {"http://a/b/c/d;p?q#f", "g/../h", "http://a/b/c/h"},
                             {"http://a/b/c/d;p?q#f", "g;x=1/./y", "http://a/b/c/g;x=1/y"},
                             {"http://a/b/c/d;p?q#f", "g;x=1/../y", "http://a/b/c/y"},
                             {"http://a/b/c/d;p?q#f", "http:g", "http:g"},
                             {"http://a/b/c/d;p?q#f", "../.badhost.com/",
                              "http://a/b/.badhost.com/"},
                             {"http://a/b/c/d;p?q#f", "..//a/..///../../../../q", "http://a/q"},
                             {"http://a/b/c/d;p?q#f", "a//b/../c", "http://a/b/c/a//c"},
                             {"//a/b/c/d;p?q#f", "d/e/f", "//a/b/c/d/e/f"},
                             {"/a/b/c/d;p?q#f", "d/e/f", "/a/b/c/d/e/f"},
                             {"a/b/c/d", "d/e/f", "a/b/c/d/e/f"},
                             {"a/b/c/d/../", "d/e/f", "a/b/c/d/e/f"},
                             {"http://velox.telemar.com.br", "/dashboard/index.html",
                              "http://velox.telemar.com.br/dashboard/index.html"},
                             {"", "g", "g"},
                             {"http://host:8071?x=1", "y", "http://host:8071/y"},
                             {"http://host:8071?x=1", "/z?w", "http://host:8071/z?w"},
                         }));

TEST(UrlAbsoluteFromParsed, UsesTheTableAsBase) {
  const url::parsed base = parse_ok("http://a/b/c/d;p?q");
  EXPECT_EQ(url::absolute(base, "../g"), "http://a/b/g");
  EXPECT_EQ(url::absolute(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(url::absolute(base, ""), "http://a/b/c/d;p?q");
  // As in url.lua, what a relative URL inherits is the base's `authority` field: a hand-built
  // table with only `host` gives no authority to the result.
  const url::parsed host_only{
      .scheme = "http", .host = "a", .path = "/b/c/d", .params = "p", .query = "q"};
  EXPECT_EQ(url::absolute(host_only, "../g"), "http:/b/g");
  EXPECT_EQ(url::absolute(host_only, ""), "http://a/b/c/d;p?q");
}

TEST(UrlEscape, LowerCaseHexForEverythingButWordCharacters) {
  EXPECT_EQ(url::escape("a b/c~_-.Z"), "a%20b%2fc%7e_%2d%2eZ");
  EXPECT_EQ(url::escape(std::string("\0\xff", 2)), "%00%ff");
  EXPECT_EQ(url::escape(""), "");
}

TEST(UrlEscape, UnescapeKeepsInvalidSequences) {
  EXPECT_EQ(url::unescape("a%20b%2Fc%2f"), "a b/c/");
  EXPECT_EQ(url::unescape("%zz%4%"), "%zz%4%");
  EXPECT_EQ(url::unescape("%%41"), "%A");
  EXPECT_EQ(url::unescape(url::escape("any \x01 bytes \xfe")), "any \x01 bytes \xfe");
}

TEST(UrlPath, ParseAndComposeAsUrltest) {
  auto check = [](std::string_view path, url::path_segments want) {
    EXPECT_EQ(url::parse_path(path), want) << path;
    EXPECT_EQ(url::build_path(want), path);
  };
  check("/eu/tu/ele", {{"eu", "tu", "ele"}, true, false});
  check("/eu/", {{"eu"}, true, true});
  check("eu/tu/ele/nos/vos/eles/", {{"eu", "tu", "ele", "nos", "vos", "eles"}, false, true});
  check("/", {{}, true, true});
  check("", {{}, false, false});
  check("eu/tu", {{"eu", "tu"}, false, false});
  // Escaped bytes are unescaped; composing escapes them again, in upper case.
  const auto p = url::parse_path("eu%01/%02tu/e%03l%04e/nos/vos%05/e%12les/");
  EXPECT_EQ(p, (url::path_segments{{"eu\x01", "\x02tu",
                                    "e\x03l\x04"
                                    "e",
                                    "nos", "vos\x05", "e\x12les"},
                                   false,
                                   true}));
  EXPECT_EQ(url::build_path(p), "eu%01/%02tu/e%03l%04e/nos/vos%05/e%12les/");
  // Empty segments are dropped.
  EXPECT_EQ(url::parse_path("//a//b"), (url::path_segments{{"a", "b"}, true, false}));
}

TEST(UrlPath, ProtectionUpperCaseAndUnsafeMode) {
  EXPECT_EQ(url::build_path({{"eu", "-_.!~*'():@&=+$,", "tu"}}), "eu/-_.!~*'():@&=+$,/tu");
  EXPECT_EQ(url::build_path({{"eu ", "~diego"}}), "eu%20/~diego");
  EXPECT_EQ(url::build_path({{"/eu>", "<diego?"}}), "%2Feu%3E/%3Cdiego%3F");
  EXPECT_EQ(url::build_path({{"\\eu]", "[diego`"}}), "%5Ceu%5D/%5Bdiego%60");
  EXPECT_EQ(url::build_path({{"{eu}", "|diego\x7f"}}), "%7Beu%7D/%7Cdiego%7F");
  EXPECT_EQ(url::build_path({{"eu ", "~diego"}}, true), "eu /~diego");
  EXPECT_EQ(url::build_path({{"/eu>", "<diego?"}}, true), "/eu>/<diego?");
  EXPECT_EQ(url::build_path({{"{eu}", "|diego\x7f"}}, true), "{eu}/|diego\x7f");
  EXPECT_EQ(url::build_path({{"a b", "c/d"}, true, true}), "/a%20b/c%2Fd/");
}

TEST(UrlPath, InversionRoundTrips) {
  for (const char* s :
       {"http:", "a/b/c/d.html", "//net_loc", "http:a/b/d/c.html", "//net_loc/a/b/d/c.html",
        "http://net_loc/a/b/d/c.html", "//who:isit@net_loc",
        "http://he:man@boo.bar/a/b/c/i.html;type=moo?this=that#mark", "/b/c/d#fragment",
        "/b/c/d;param#fragment", "/b/c/d;param?query#fragment", "/b/c/d?query",
        "/b/c/d;param?query"}) {
    auto u = parse_ok(s);
    if (u.path) u.path = url::build_path(url::parse_path(*u.path));
    EXPECT_EQ(url::build(u), s);
  }
}

TEST(UrlVersion, IsLuaSockets) { EXPECT_EQ(url::VERSION, "URL 1.0.3"); }
