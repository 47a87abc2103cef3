// http::request against in-process fiber servers: forms and results, request construction,
// response reading, odd peers (protocols.md 5.1-5.5, tests.md 1.6, httptest.lua).
#include "http_test.hpp"
#include "ports.hpp"

#include <string>
#include <vector>

using namespace copas;
using namespace copas::test;

namespace {

std::string url_of(const copas::socket& server, const std::string& path = "/") {
  return "http://127.0.0.1:" + std::to_string(port_of(server)) + path;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (auto& p : parts) s += p;
  return s;
}

// A server that records each request in `seen` and answers 200 "ok".
copas::socket serve_ok(seen_request& seen) {
  return serve([&seen](copas::socket& c, const seen_request& r) {
    seen = r;
    c.send(reply(200, "ok"));
    return true;
  });
}

}  // namespace

TEST(HttpRequest, SimpleGetReturnsBodyCodeHeadersStatus) {
  loop([] {
    seen_request seen;
    auto server = serve([&](copas::socket& c, const seen_request& r) {
      seen = r;
      c.send(reply(200, "hello", "X-Thing: a\r\n"));
      return true;
    });
    auto r = http::request(url_of(server, "/path?a=1&b=2#frag")).value();
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.status, "HTTP/1.1 200 Reason");
    EXPECT_EQ(r.headers.get("x-thing"), "a");
    EXPECT_EQ(r.headers.get("content-length"), "5");
    // Request-URI and query preserved, fragment not sent; LuaSocket's default headers.
    EXPECT_EQ(seen.line, "GET /path?a=1&b=2 HTTP/1.1");
    EXPECT_EQ(seen.headers.get("user-agent"), "LuaSocket 3.1.0");
    EXPECT_EQ(seen.headers.get("host"), "127.0.0.1:" + std::to_string(port_of(server)));
    EXPECT_EQ(seen.headers.get("te"), "trailers");
    EXPECT_EQ(seen.headers.get("connection"), "TE");
    finish_servers({server});
  });
}

TEST(HttpRequest, SimplePostSendsFormBody) {
  loop([] {
    seen_request seen;
    auto server = serve([&](copas::socket& c, const seen_request& r) {
      seen = r;
      c.send(reply(200, r.body));
      return true;
    });
    auto r = http::request(url_of(server), "a=1&b=2").value();
    EXPECT_EQ(r.body, "a=1&b=2");
    EXPECT_EQ(seen.line, "POST / HTTP/1.1");
    EXPECT_EQ(seen.headers.get("content-type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(seen.headers.get("content-length"), "7");
    finish_servers({server});
  });
}

TEST(HttpRequest, GenericFormStreamsToSinkWithUserHeaders) {
  loop([] {
    seen_request seen;
    std::string raw_head;
    auto server = serve([&](copas::socket& c, const seen_request& r) {
      seen = r;
      c.send(reply(201, std::string(100000, 'z')));
      return true;
    });
    std::vector<std::string> out;
    http::request_params p;
    p.url = url_of(server, "/up");
    p.method = "PUT";
    p.sink = ltn12::sink::table(out);
    p.headers = {{"X-Custom", "v"}, {"User-Agent", "me"}, {"content-length", "4"}};
    p.source = ltn12::source::string("data");
    auto r = http::request(std::move(p)).value();
    EXPECT_EQ(r.code, 201);
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(joined(out), std::string(100000, 'z'));
    EXPECT_EQ(seen.line, "PUT /up HTTP/1.1");
    EXPECT_EQ(seen.body, "data");
    EXPECT_EQ(seen.headers.get("user-agent"), "me");
    EXPECT_EQ(seen.headers.get("x-custom"), "v");
    EXPECT_FALSE(seen.headers.contains("transfer-encoding"));
    finish_servers({server});
  });
}

// A name given more than once is sent once per value, the first replacing the default (curl
// -H semantics; a Lua table could not repeat a name).
TEST(HttpRequest, RepeatedUserHeaderNamesAreAllSent) {
  loop([] {
    seen_request seen;
    auto server = serve_ok(seen);
    http::request_params p;
    p.url = url_of(server);
    for (auto [name, value] :
         {std::pair{"X-A", "1"}, {"User-Agent", "one"}, {"x-a", "2"}, {"user-agent", "two"}})
      p.headers.append(name, value);  // append: the list constructor, as set(), keeps one per name
    ASSERT_TRUE(http::request(std::move(p)));
    EXPECT_EQ(seen.headers.get("x-a"), "1, 2");             // merged as received
    EXPECT_EQ(seen.headers.get("user-agent"), "one, two");  // LuaSocket's default replaced
    finish_servers({server});
  });
}

// A connect that fails is told as connect_failed, with why and when the name lookup ended.
TEST(HttpRequest, ObserverIsToldAFailedConnectWithItsLookupTime) {
  loop([] {
    std::vector<http::phase> seen;
    std::string why;
    bool resolved = false;
    const auto before = clock::now();
    http::request_params p;
    p.url = "http://localhost:" + std::to_string(copas::test::pick_port()) + "/";
    p.observer = [&](const http::event& e) {
      seen.push_back(e.what);
      if (e.what != http::phase::connect_failed) return;
      why = std::string(e.detail);
      resolved = e.resolved_at >= before && e.resolved_at <= clock::now();
    };
    auto r = http::request(std::move(p));
    ASSERT_FALSE(r);
    EXPECT_EQ(seen, (std::vector{http::phase::connect, http::phase::connect_failed}));
    EXPECT_EQ(why, r.error().message());
    EXPECT_TRUE(resolved);
  });
}

// The observer learns the connection's two ends and its name lookup's time once connected.
TEST(HttpRequest, ObserverGetsTheConnectionsAddresses) {
  loop([] {
    auto server = serve([&](copas::socket& c, const seen_request&) {
      c.send(reply(200, "ok"));
      return true;
    });
    struct seen_event {
      http::phase what;
      std::string remote_ip, local_ip;
      std::uint16_t remote_port, local_port;
      bool resolved;
    };
    std::vector<seen_event> events;
    const auto before = clock::now();
    http::request_params p;
    p.url = url_of(server);
    p.observer = [&](const http::event& e) {
      events.push_back({e.what, std::string(e.remote_ip), std::string(e.local_ip), e.remote_port,
                        e.local_port, e.resolved_at >= before && e.resolved_at <= clock::now()});
    };
    ASSERT_TRUE(http::request(std::move(p)));
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events[0].what, http::phase::connect);
    EXPECT_EQ(events[0].remote_ip, "");  // told before the connect
    EXPECT_EQ(events[0].remote_port, 0);
    EXPECT_EQ(events[1].what, http::phase::send);
    EXPECT_EQ(events[1].remote_ip, "127.0.0.1");
    EXPECT_EQ(events[1].remote_port, port_of(server));
    EXPECT_EQ(events[1].local_ip, "127.0.0.1");
    EXPECT_NE(events[1].local_port, 0);
    EXPECT_TRUE(events[1].resolved);
    finish_servers({server});
  });
}

// HT12: a source without content-length goes chunked, with the header saying so.
TEST(HttpRequest, SourceWithoutLengthIsSentChunked) {
  loop([] {
    seen_request seen;
    auto server = serve_ok(seen);
    http::request_params p;
    p.url = url_of(server);
    p.method = "POST";
    p.source = ltn12::source::string(std::string(5000, 'q'));
    auto r = http::request(std::move(p)).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(seen.headers.get("transfer-encoding"), "chunked");
    EXPECT_EQ(seen.body, std::string(5000, 'q'));
    finish_servers({server});
  });
}

TEST(HttpRequest, CredentialsInUrlGiveBasicAuthorization) {
  loop([] {
    seen_request seen;
    auto server = serve([&](copas::socket& c, const seen_request& r) {
      seen = r;
      c.send(reply(200, ""));
      return true;
    });
    auto port = std::to_string(port_of(server));
    ASSERT_TRUE(http::request("http://luasocket:pass%20word@127.0.0.1:" + port + "/"));
    EXPECT_EQ(seen.headers.get("authorization"), "Basic bHVhc29ja2V0OnBhc3Mgd29yZA==");
    // Explicit user/password override the URL's.
    http::request_params p;
    p.url = "http://a:b@127.0.0.1:" + port + "/";
    p.user = "luasocket";
    p.password = "password";
    ASSERT_TRUE(http::request(std::move(p)));
    EXPECT_EQ(seen.headers.get("authorization"), "Basic bHVhc29ja2V0OnBhc3N3b3Jk");
    finish_servers({server});
  });
}

TEST(HttpRequest, InvalidHostAndEmptyPort) {
  loop([] {
    auto r = http::request("localhost/path");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "invalid host ''");
    http::request_params p;
    p.url = "localhost/path";
    auto g = http::request(std::move(p));
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().message(), "invalid host ''");
    auto ftp = http::request("ftp://localhost/x");  // LuaSocket raises; copas::http returns it
    ASSERT_FALSE(ftp);
    EXPECT_TRUE(ftp.error() == http::errc::unknown_scheme);
    EXPECT_EQ(ftp.error().message(), "unknown scheme 'ftp'");
  });
}

TEST(HttpRequest, ConnectionRefusedAndUnresolvableHost) {
  loop([] {
    auto r = http::request("http://127.0.0.1:" + std::to_string(free_port()) + "/");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "connection refused");
    auto dns_server = fake_dns();  // never a real resolver: NXDOMAIN from loopback
    dns::set_nameservers({"127.0.0.1:" + std::to_string(port_of(dns_server))});
    auto direct = wrap(tcp()).connect("nonexistent.invalid", 80);
    auto h = http::request("http://nonexistent.invalid/");
    ASSERT_FALSE(h);
    ASSERT_FALSE(direct);
    EXPECT_EQ(h.error().message(), direct.error().message());  // same as socket.connect
    EXPECT_EQ(h.error().message(), "host not found: nonexistent.invalid");
    dns::set_nameservers({});
    dns_server.close();
  });
}

TEST(HttpRequest, HeadAnd204And304HaveNoBody) {
  loop([] {
    auto server = serve([&](copas::socket& c, const seen_request& r) {
      if (r.line.starts_with("HEAD"))
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n");
      else if (r.line.find("/204") != std::string::npos)
        c.send("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
      else
        c.send("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
      return true;
    });
    auto before = http::pool::opened();
    http::request_params p;
    p.url = url_of(server);
    p.method = "HEAD";
    auto h = http::request(std::move(p)).value();
    EXPECT_EQ(h.code, 200);
    EXPECT_EQ(h.headers.get("content-length"), "50");
    auto a = http::request(url_of(server, "/204")).value();
    EXPECT_EQ(a.code, 204);
    EXPECT_EQ(a.body, "");
    auto b = http::request(url_of(server, "/304")).value();
    EXPECT_EQ(b.code, 304);
    EXPECT_EQ(http::pool::opened() - before, 1u);  // all three over one kept-alive connection
    finish_servers({server});
  });
}

TEST(HttpRequest, ContinueIsSkippedOther1xxReturned) {
  loop([] {
    auto server = serve([&](copas::socket& c, const seen_request& r) {
      if (r.line.find("/101") != std::string::npos) {
        c.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
        return false;
      }
      c.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\nX: y\r\n\r\n" +
             reply(200, "done"));
      return true;
    });
    auto r = http::request(url_of(server)).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.body, "done");
    auto u = http::request(url_of(server, "/101")).value();
    EXPECT_EQ(u.code, 101);
    EXPECT_EQ(u.headers.get("upgrade"), "x");
    finish_servers({server});
  });
}

TEST(HttpRequest, ChunkedResponseWithExtensionsAndTrailers) {
  loop([] {
    auto server = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
          "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Sum: 9\r\n\r\n");
      c.receive();  // until the client closes
    });
    auto r = http::request(url_of(server)).value();
    EXPECT_EQ(r.body, "Wikipedia in\r\n\r\nchunks.");
    EXPECT_FALSE(r.headers.contains("x-sum"));  // trailers are not merged (LuaSocket)
    finish_servers({server});
  });
}

TEST(HttpRequest, BodyUntilCloseAndHttp09) {
  loop([] {
    auto until_close = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.0 200 OK\r\n\r\nall of it");
    });
    auto r = http::request(url_of(until_close)).value();
    EXPECT_EQ(r.body, "all of it");
    auto old = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("just bytes\n");
    });
    auto o = http::request(url_of(old)).value();
    EXPECT_EQ(o.code, 200);
    EXPECT_EQ(o.body, "just bytes\n");
    EXPECT_TRUE(o.headers.empty());
    EXPECT_EQ(o.status, "");
    finish_servers({until_close, old});
  });
}

TEST(HttpRequest, TruncatedBodyIsClosedAndSinkGotThePart) {
  loop([] {
    auto server = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
    });
    std::vector<std::string> out;
    http::request_params p;
    p.url = url_of(server);
    p.sink = ltn12::sink::table(out);
    auto r = http::request(std::move(p));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "closed");
    EXPECT_EQ(joined(out), "only this");
    finish_servers({server});
  });
}

// The simple form has no sink to keep the part in: the error result carries it.
TEST(HttpRequest, TruncatedBodyInTheSimpleFormKeepsThePartInTheError) {
  loop([] {
    auto sized = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-Kind: sized\r\n\r\nonly this");
    });
    auto r = http::request(url_of(sized));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "closed");
    EXPECT_EQ(r.partial().body, "only this");
    EXPECT_EQ(r.partial().code, 200);
    EXPECT_EQ(r.partial().status, "HTTP/1.1 200 OK");
    EXPECT_EQ(r.partial().headers.get("x-kind"), "sized");
    EXPECT_THROW((void)r.value(), copas::system_error);

    auto chunked = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n9\r\nsec");
    });
    auto p = http::request(url_of(chunked), "form=1");  // the POST simple form too
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message(), "closed");
    EXPECT_EQ(p.partial().body, "firstsec");

    auto bad_chunk = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\nzz\r\n");
      c.receive();
    });
    auto b = http::request(url_of(bad_chunk));
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().message(), "invalid chunk size");
    EXPECT_EQ(b.partial().body, "first");

    auto none = serve_raw([](copas::socket c) { (void)c.receive(); });
    auto n = http::request(url_of(none));
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().message(), "closed");
    EXPECT_EQ(n.partial().code, 0);  // nothing arrived
    EXPECT_EQ(n.partial().body, "");
    finish_servers({sized, chunked, bad_chunk, none});
  });
}

TEST(HttpRequest, MalformedHeadersAndHugeHeaders) {
  loop([] {
    auto bad = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
    });
    auto r = http::request(url_of(bad));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "malformed reponse headers");
    auto huge = serve_raw([](copas::socket c) {
      (void)c.receive();
      c.send("HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'b') + "\r\n\r\n");
    });
    auto h = http::request(url_of(huge));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().message().substr(0, 46), "header line too long (limit 16384 bytes): X-Bi");
    finish_servers({bad, huge});
  });
}

TEST(HttpRequest, EmptyReplyIsClosed) {
  loop([] {
    auto server = serve_raw([](copas::socket c) { (void)c.receive(); });
    auto r = http::request(url_of(server));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "closed");
    finish_servers({server});
  });
}

// HT11: the request blocks only its fiber.
TEST(HttpRequest, OtherFibersKeepRunning) {
  loop([] {
    auto server = serve_raw([](copas::socket c) {
      (void)c.receive();
      copas::pause(0.2);
      c.send(reply(200, "slow"));
    });
    int ticks = 0;
    bool done = false;
    addthread([&] {
      while (!done) {
        ++ticks;
        copas::pause(0);
      }
    });
    auto r = http::request(url_of(server)).value();
    done = true;
    EXPECT_EQ(r.body, "slow");
    EXPECT_GT(ticks, 10);
    finish_servers({server});
  });
}
