// Redirects (protocols.md 5.6, 5.7; tests.md HT6-HT10, httptest.lua), https, and keep-alive.
#include "http_test.hpp"

#include <string>
#include <vector>

using namespace copas;
using namespace copas::test;

namespace {

std::string base(const std::string& scheme, const copas::socket& s) {
  return scheme + "://localhost:" + std::to_string(port_of(s));
}

// Serves "/final" with 200 and redirects every other path to the Location `to(path)`.
copas::socket redirector(std::function<std::string(const std::string&)> to, int code = 302,
                         std::optional<ssl_params> tls = std::nullopt) {
  return serve(
      [to = std::move(to), code](copas::socket& c, const seen_request& r) {
        auto path = r.line.substr(r.line.find(' ') + 1);
        path = path.substr(0, path.find(' '));
        if (path == "/final")
          c.send(reply(200, "final " + r.line.substr(0, r.line.find(' '))));
        else
          c.send(reply(code, "moved", "Location: " + to(path) + "\r\n"));
        return true;
      },
      std::move(tls));
}

http::request_params get(std::string url) {
  http::request_params p;
  p.url = std::move(url);
  p.sslparams = client_tls();
  return p;
}

}  // namespace

TEST(HttpRedirect, RelativeLocationIsFollowedAndHinted) {
  loop([] {
    auto s = redirector([](const std::string&) { return "final"; });
    auto r = http::request(base("http", s) + "/dir/start");
    ASSERT_FALSE(r);  // /dir/final is not /final: redirected again, then the limit
    EXPECT_EQ(r.error().message(), "too many redirects (limit 5)");
    EXPECT_TRUE(r.error() == http::errc::too_many_redirects);
    EXPECT_EQ(r.error().code().message(), "too many redirects");
    EXPECT_EQ(r.partial().code, 302);
    auto ok = http::request(base("http", s) + "/start");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->code, 200);
    EXPECT_EQ(ok->body, "final GET");
    EXPECT_EQ(ok->headers.get("location"), base("http", s) + "/final");
    EXPECT_EQ(ok->redirects, 1);
    finish_servers({s});
  });
}

// LuaSocket returns the last 3xx; copas-cpp says the chain was cut, and keeps that 3xx.
TEST(HttpRedirect, LoopEndsWithAnErrorAfterFiveKeepingTheLast302) {
  loop([] {
    int hits = 0;
    auto s = serve([&](copas::socket& c, const seen_request&) {
      ++hits;
      c.send(reply(302, "again", "Location: /loop\r\n"));
      return true;
    });
    auto r = http::request(base("http", s) + "/loop");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "too many redirects (limit 5)");
    EXPECT_EQ(r.partial().code, 302);
    EXPECT_TRUE(r.partial().redirect_limit_reached);
    EXPECT_EQ(r.partial().body, "again");
    EXPECT_EQ(r.partial().headers.get("location"), "/loop");
    EXPECT_EQ(r.partial().redirects, 5);
    EXPECT_EQ(hits, 6);  // the request and 5 redirects

    auto p = get(base("http", s) + "/loop");
    p.maxredirects = 2;
    std::vector<std::string> out;
    p.sink = ltn12::sink::table(out);
    auto two = http::request(std::move(p));
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error().message(), "too many redirects (limit 2)");
    EXPECT_EQ(two.partial().redirects, 2);
    EXPECT_EQ(out, std::vector<std::string>{"again"});  // the generic form's sink got the 3xx body
    EXPECT_EQ(hits, 9);

    auto zero = get(base("http", s) + "/loop");
    zero.maxredirects = 0;
    EXPECT_EQ(http::request(std::move(zero)).error().message(), "too many redirects (limit 0)");
    finish_servers({s});
  });
}

TEST(HttpRedirect, UnlimitedFollowsPastFiveAndAFinal3xxIsNoError) {
  loop([] {
    int hits = 0;
    auto s = serve([&](copas::socket& c, const seen_request&) {
      ++hits;
      if (hits < 9)
        c.send(reply(302, "again", "Location: /loop\r\n"));
      else
        c.send(reply(200, "landed"));
      return true;
    });
    auto p = get(base("http", s) + "/loop");
    p.maxredirects = std::nullopt;
    std::vector<std::string> out;
    p.sink = ltn12::sink::table(out);
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 200);
    EXPECT_EQ(r->redirects, 8);
    // At the limit, a 3xx that would not be followed anyway (no Location) is a plain response.
    auto stop = serve([](copas::socket& c, const seen_request&) {
      c.send(reply(304, ""));
      return true;
    });
    auto q = get(base("http", stop) + "/x");
    q.maxredirects = 0;
    auto n = http::request(std::move(q));
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n->code, 304);
    finish_servers({s, stop});
  });
}

TEST(HttpRedirect, NotFollowedWhenDisabledForBodiesFor308AndPost) {
  loop([] {
    auto s301 = redirector([](const std::string&) { return "/final"; }, 301);
    auto s308 = redirector([](const std::string&) { return "/final"; }, 308);
    auto p = get(base("http", s301) + "/x");
    p.redirect = http::redirect_mode::none;
    EXPECT_EQ(http::request(std::move(p))->code, 301);
    EXPECT_EQ(http::request(base("http", s308) + "/x")->code, 308);
    EXPECT_EQ(http::request(base("http", s301) + "/x", "body")->code, 301);  // POST
    auto q = get(base("http", s301) + "/x");
    q.source = ltn12::source::string("x");
    q.headers = {{"content-length", "1"}};
    EXPECT_EQ(http::request(std::move(q))->code, 301);  // a source is never redirected
    // HEAD is followed and, as in LuaSocket, becomes a GET.
    auto h = get(base("http", s301) + "/x");
    h.method = "HEAD";
    std::vector<std::string> out;
    h.sink = ltn12::sink::table(out);
    EXPECT_EQ(http::request(std::move(h))->code, 200);
    EXPECT_EQ(out.empty() ? "" : out[0], "final GET");
    finish_servers({s301, s308});
  });
}

// HT8: a redirect to another loopback server.
TEST(HttpRedirect, HT8_ToAnotherServer) {
  loop([] {
    auto target = redirector([](const std::string&) { return "/final"; });
    auto s = redirector([&](const std::string&) { return base("http", target) + "/final"; });
    auto r = http::request(base("http", s) + "/go").value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.headers.get("location"), base("http", target) + "/final");
    finish_servers({s, target});
  });
}

TEST(HttpTls, HttpsIsVerifiedByDefault) {
  loop([] {
    auto s = redirector([](const std::string&) { return "/final"; }, 302, server_tls());
    auto bad = http::request(base("https", s) + "/final");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), errc::handshake_failed);
    EXPECT_NE(bad.error().message().find("certificate verify failed"), std::string::npos)
        << bad.error().message();
    auto good = http::request(get(base("https", s) + "/final")).value();
    EXPECT_EQ(good.code, 200);
    finish_servers({s});
  });
}

// HT6: https -> https.
TEST(HttpTls, HT6_HttpsToHttps) {
  loop([] {
    auto target = redirector([](const std::string&) { return "/final"; }, 302, server_tls());
    auto s = redirector([&](const std::string&) { return base("https", target) + "/final"; }, 302,
                        server_tls());
    std::vector<std::string> out;
    auto p = get(base("https", s) + "/go");
    p.sink = ltn12::sink::table(out);
    auto r = http::request(std::move(p)).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.headers.get("location"), base("https", target) + "/final");
    finish_servers({s, target});
  });
}

// HT7: http -> https is allowed.
TEST(HttpTls, HT7_HttpToHttps) {
  loop([] {
    auto target = redirector([](const std::string&) { return "/final"; }, 302, server_tls());
    auto s = redirector([&](const std::string&) { return base("https", target) + "/final"; });
    auto r = http::request(get(base("http", s) + "/go")).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.headers.get("location"), base("https", target) + "/final");
    finish_servers({s, target});
  });
}

// HT9 / HT10: https -> http refused unless redirect = "all".
TEST(HttpTls, HT9_HT10_HttpsToHttpOnlyWithAll) {
  loop([] {
    auto plain = redirector([](const std::string&) { return "/final"; });
    auto s = redirector([&](const std::string&) { return base("http", plain) + "/final"; }, 302,
                        server_tls());
    auto refused = http::request(get(base("https", s) + "/go"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message(), "Unallowed insecure redirect https to http");
    EXPECT_TRUE(refused.error() == http::errc::insecure_redirect);
    EXPECT_FALSE(refused.error() == http::errc::unknown_scheme);
    auto p = get(base("https", s) + "/go");
    p.redirect = http::redirect_mode::all;
    auto r = http::request(std::move(p)).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.headers.get("location"), base("http", plain) + "/final");
    finish_servers({s, plain});
  });
}

TEST(HttpKeepAlive, ThousandRequestsOpenOneConnection) {
  loop([] {
    auto s = serve([](copas::socket& c, const seen_request&) {
      c.send(reply(200, "k"));
      return true;
    });
    auto before = http::pool::opened();
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(http::request(base("http", s) + "/k")->body, "k");
    EXPECT_EQ(http::pool::opened() - before, 1u);
    EXPECT_EQ(http::pool::idle(), 1u);
    finish_servers({s});
  });
}

TEST(HttpKeepAlive, OptOutAndServerCloseAreHonoured) {
  loop([] {
    seen_request seen;
    auto s = serve([&](copas::socket& c, const seen_request& r) {
      seen = r;
      bool close = r.line.find("/close") != std::string::npos;
      c.send(reply(200, "k", close ? "Connection: close\r\n" : ""));
      return !close;
    });
    auto before = http::pool::opened();
    auto p = get(base("http", s) + "/a");
    p.keepalive = false;
    ASSERT_TRUE(http::request(std::move(p)));
    EXPECT_EQ(seen.headers.get("connection"), "close, TE");
    ASSERT_TRUE(http::request(base("http", s) + "/close"));
    ASSERT_TRUE(http::request(base("http", s) + "/b"));
    EXPECT_EQ(http::pool::opened() - before, 3u);
    finish_servers({s});
  });
}

// A pooled connection the server dropped meanwhile is replaced without an error.
TEST(HttpKeepAlive, StaleConnectionIsReplaced) {
  loop([] {
    int n = 0;
    auto s = serve_raw([&](copas::socket c) {
      http::reader in(c);
      (void)in.line();
      (void)http::read_headers(in);
      c.send(reply(200, std::to_string(++n)));
      copas::pause(0.05);  // then close without saying so
    });
    EXPECT_EQ(http::request(base("http", s) + "/")->body, "1");
    copas::pause(0.2);
    EXPECT_EQ(http::request(base("http", s) + "/")->body, "2");
    finish_servers({s});
  });
}
