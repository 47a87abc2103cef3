// The request options copas-fetch uses, beyond LuaSocket: curl's redirect policy, the per-hop
// callback, credential stripping, the whole-request deadline, header names as received,
// Expect: 100-continue over a size, and credentials decoded from URLs.
#include "http_test.hpp"

#include <chrono>
#include <string>
#include <vector>

using namespace copas;
using namespace copas::test;

namespace {

std::string base(const copas::socket& s) {
  return "http://127.0.0.1:" + std::to_string(port_of(s));
}

std::string path_of(const seen_request& r) {
  auto p = r.line.substr(r.line.find(' ') + 1);
  return p.substr(0, p.find(' '));
}
std::string method_of(const seen_request& r) { return r.line.substr(0, r.line.find(' ')); }

// A server that keeps every request it sees in `seen` and answers 200 `body`.
copas::socket recording(std::vector<seen_request>& seen, std::string body = "ok") {
  return serve([&seen, body](copas::socket& c, const seen_request& r) {
    seen.push_back(r);
    c.send(reply(200, body));
    return true;
  });
}

// "/final" answers "<METHOD> <body>"; "/<code>" redirects to /final with that code.
copas::socket redirector(std::vector<seen_request>* seen = nullptr) {
  return serve([seen](copas::socket& c, const seen_request& r) {
    if (seen) seen->push_back(r);
    auto path = path_of(r);
    if (path == "/final")
      c.send(reply(200, method_of(r) + " " + r.body));
    else
      c.send(reply(std::stoi(path.substr(1)), "moved", "Location: /final\r\n"));
    return true;
  });
}

http::request_params curl_post(std::string url, std::string body) {
  http::request_params p;
  p.url = std::move(url);
  p.method = "POST";
  p.policy = http::redirect_policy::curl;
  p.headers.set("content-length", std::to_string(body.size()));
  p.source = ltn12::source::string(body);
  p.resend = [body] { return ltn12::source::string(body); };
  return p;
}

std::string body_of(http::request_params p) {
  std::vector<std::string> parts;
  p.sink = ltn12::sink::table(parts);
  auto r = http::request(std::move(p));
  std::string out;
  for (auto& s : parts) out += s;
  return r ? out : "error: " + r.error().message();
}

}  // namespace

TEST(HttpCurlPolicy, PostBecomesGetOn301To303AndIsResentOn307And308) {
  loop([] {
    auto s = redirector();
    EXPECT_EQ(body_of(curl_post(base(s) + "/301", "a=1")), "GET ");
    EXPECT_EQ(body_of(curl_post(base(s) + "/302", "a=1")), "GET ");
    EXPECT_EQ(body_of(curl_post(base(s) + "/303", "a=1")), "GET ");
    EXPECT_EQ(body_of(curl_post(base(s) + "/307", "a=1")), "POST a=1");
    EXPECT_EQ(body_of(curl_post(base(s) + "/308", "a=1")), "POST a=1");
    auto kept = curl_post(base(s) + "/301", "b=2");
    kept.rules.post301 = true;
    EXPECT_EQ(body_of(std::move(kept)), "POST b=2");
    auto kept303 = curl_post(base(s) + "/303", "c=3");
    kept303.rules.post303 = true;
    EXPECT_EQ(body_of(std::move(kept303)), "POST c=3");
    finish_servers({s});
  });
}

TEST(HttpCurlPolicy, WithoutResendA307WithABodyIsTheAnswer) {
  loop([] {
    auto s = redirector();
    auto p = curl_post(base(s) + "/307", "x");
    p.resend = nullptr;
    std::vector<std::string> parts;
    p.sink = ltn12::sink::table(parts);
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 307);
    finish_servers({s});
  });
}

TEST(HttpCurlPolicy, HeadStaysHeadAndLuaSocketTurnsItIntoGet) {
  loop([] {
    std::vector<seen_request> seen;
    auto s = redirector(&seen);
    http::request_params p;
    p.url = base(s) + "/302";
    p.method = "HEAD";
    p.policy = http::redirect_policy::curl;
    ASSERT_TRUE(http::request(std::move(p)));
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].line.substr(0, 5), "HEAD ");
    seen.clear();
    http::request_params l;
    l.url = base(s) + "/302";
    l.method = "HEAD";
    ASSERT_TRUE(http::request(std::move(l)));
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].line.substr(0, 4), "GET ");
    finish_servers({s});
  });
}

TEST(HttpCurlPolicy, LuaSocketDoesNotFollow308) {
  loop([] {
    auto s = redirector();
    auto r = http::request(base(s) + "/308");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 308);
    finish_servers({s});
  });
}

TEST(HttpCurlPolicy, SpacesInALocationAreEncodedAndACrIsRefused) {
  loop([] {
    std::vector<std::string> paths;
    auto s = serve_raw([&](copas::socket c) {
      auto line = c.receive(copas::line).value();
      paths.push_back(line);
      while (!c.receive(copas::line).value().empty()) {
      }
      if (line.find("/start") != std::string::npos)
        c.send(reply(302, "", "Location: /a b\r\n"));
      else if (line.find("/cr") != std::string::npos)
        c.send(std::string("HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: /x\ry\r\n\r\n"));
      else
        c.send(reply(200, "ok"));
      c.close();
    });
    http::request_params p;
    p.url = base(s) + "/start";
    p.policy = http::redirect_policy::curl;
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r);
    ASSERT_EQ(paths.size(), 2u);
    EXPECT_EQ(paths[1], "GET /a%20b HTTP/1.1");
    EXPECT_EQ(r->url, base(s) + "/a%20b");
    http::request_params cr;
    cr.url = base(s) + "/cr";
    cr.policy = http::redirect_policy::curl;
    cr.received_names = true;
    auto bad = http::request(std::move(cr));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), copas::errc::invalid_argument);
    finish_servers({s});
  });
}

TEST(HttpCurlPolicy, RedirectErrorsHaveTheirOwnCodes) {
  loop([] {
    auto s = serve([](copas::socket& c, const seen_request& r) {
      auto path = path_of(r);
      c.send(reply(
          302, "",
          "Location: " + std::string(path == "/file" ? "file:///etc/passwd" : "/loop") + "\r\n"));
      return true;
    });
    auto file = http::request(base(s) + "/file");
    ASSERT_FALSE(file);
    EXPECT_TRUE(file.error() == http::errc::unknown_scheme);
    EXPECT_EQ(file.error().message(), "unknown scheme 'file'");
    auto loop_ = http::request(base(s) + "/loop");
    ASSERT_FALSE(loop_);
    EXPECT_TRUE(loop_.error() == http::errc::too_many_redirects);
    EXPECT_FALSE(loop_.error() == http::errc::unknown_scheme);
    EXPECT_FALSE(loop_.error() == copas::errc::protocol_error);  // a category of its own
    EXPECT_EQ(loop_.error().message(), "too many redirects (limit 5)");
    finish_servers({s});
  });
}

TEST(HttpCurlPolicy, CredentialsAreStrippedToAnotherHostOnlyWhenAsked) {
  loop([] {
    std::vector<seen_request> seen_b;
    auto b = recording(seen_b, "b");
    auto a = serve([&](copas::socket& c, const seen_request&) {
      c.send(reply(302, "", "Location: http://localhost:" + std::to_string(port_of(b)) + "/x\r\n"));
      return true;
    });
    for (bool strip : {true, false}) {
      http::request_params p;
      p.url = base(a) + "/";
      p.headers.set("Authorization", "Basic dTpw");
      p.headers.set("Cookie", "k=v");
      p.headers.set("X-Other", "1");
      p.strip_credentials = strip;
      std::vector<std::string> hops;
      p.on_redirect = [&](const http::redirect_hop& hop, http::request_params&) {
        hops.push_back(std::to_string(hop.code) + (hop.other_host ? " other" : " same"));
        return true;
      };
      ASSERT_TRUE(http::request(std::move(p)));
      ASSERT_EQ(seen_b.size(), 1u);
      EXPECT_EQ(seen_b[0].headers.contains("authorization"), !strip);
      EXPECT_EQ(seen_b[0].headers.contains("cookie"), !strip);
      EXPECT_TRUE(seen_b[0].headers.contains("x-other"));
      EXPECT_EQ(hops, std::vector<std::string>{"302 other"});
      seen_b.clear();
    }
    finish_servers({a, b});
  });
}

TEST(HttpCurlPolicy, OnRedirectCanRefuseAHop) {
  loop([] {
    auto s = redirector();
    http::request_params p;
    p.url = base(s) + "/302";
    p.on_redirect = [](const http::redirect_hop&, http::request_params&) { return false; };
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 302);
    finish_servers({s});
  });
}

TEST(HttpDeadline, BoundsTheWholeRequestNotEachRead) {
  loop([] {
    // A body that trickles a byte every 50 ms: no single read times out, the deadline does.
    auto s = serve_raw([](copas::socket c) {
      while (!c.receive(copas::line).value().empty()) {
      }
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
      for (int i = 0; i < 1000; ++i) {
        if (!c.send("x")) return;
        copas::pause(0.05);
      }
    });
    http::request_params p;
    p.url = base(s) + "/";
    p.timeout = 5;
    p.deadline = 0.5;
    auto start = std::chrono::steady_clock::now();
    auto r = http::request(std::move(p));
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), copas::errc::timeout);
    EXPECT_GE(took, 0.45);
    EXPECT_LT(took, 4.5);  // well before the 1000 x 50 ms the body takes
    finish_servers({s});
  });
}

TEST(HttpReceivedNames, KeptAsSentAndUnmerged) {
  loop([] {
    auto s = serve_raw([](copas::socket c) {
      while (!c.receive(copas::line).value().empty()) {
      }
      c.send(
          "HTTP/1.1 200 OK\r\nX-Mixed-Case: a\r\nSet-Cookie: 1\r\nSet-Cookie: 2\r\nContent-Length: "
          "0\r\n\r\n");
      c.close();
    });
    http::request_params p;
    p.url = base(s) + "/";
    p.received_names = true;
    p.keepalive = false;
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r);
    std::vector<http::headers::field> want{
        {"X-Mixed-Case", "a"}, {"Set-Cookie", "1"}, {"Set-Cookie", "2"}, {"Content-Length", "0"}};
    EXPECT_EQ(std::vector<http::headers::field>(r->received.begin(), r->received.end()), want);
    EXPECT_EQ(r->headers.get("set-cookie"), "1, 2");
    EXPECT_EQ(r->headers.begin()->first, "x-mixed-case");
    finish_servers({s});
  });
}

TEST(HttpExpect, SentOnlyOverTheSizeAndOffByDefault) {
  loop([] {
    std::vector<seen_request> seen;
    auto s = recording(seen);
    auto post = [&](std::size_t size, std::optional<std::uint64_t> above) {
      http::request_params p;
      p.url = base(s) + "/";
      p.method = "POST";
      p.headers.set("content-length", std::to_string(size));
      p.source = ltn12::source::string(std::string(size, 'x'));
      p.expect_continue_above = above;
      ASSERT_TRUE(http::request(std::move(p)));
    };
    post(2000, std::nullopt);
    post(2000, 1000);
    post(500, 1000);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_FALSE(seen[0].headers.contains("expect"));
    EXPECT_EQ(seen[1].headers.get("expect"), "100-continue");
    EXPECT_EQ(seen[1].body.size(), 2000u);
    EXPECT_FALSE(seen[2].headers.contains("expect"));
    finish_servers({s});
  });
}

TEST(HttpCredentials, PercentEncodedUserAndProxyPasswordAreDecoded) {
  loop([] {
    std::vector<seen_request> seen;
    auto s = recording(seen);
    auto port = std::to_string(port_of(s));
    ASSERT_TRUE(http::request("http://me%40example.com:p%3Aw@127.0.0.1:" + port + "/"));
    http::request_params p;
    p.url = "http://origin.invalid/";
    p.proxy = "http://pr%6Fxy:a%20b@127.0.0.1:" + port;
    ASSERT_TRUE(http::request(std::move(p)));
    ASSERT_EQ(seen.size(), 2u);
    // base64("me@example.com:p:w"), base64("proxy:a b")
    EXPECT_EQ(seen[0].headers.get("authorization"), "Basic bWVAZXhhbXBsZS5jb206cDp3");
    EXPECT_EQ(seen[1].headers.get("proxy-authorization"), "Basic cHJveHk6YSBi");
    finish_servers({s});
  });
}
