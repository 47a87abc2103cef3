// copas::http::proxy in one dispatcher: a client (raw socket) -> http::server running the proxy
// -> an origin (a fiber server with byte-exact behaviour). The RFC 9112 vectors on the way in
// and out, the forwarded head (hop-by-hop fields, Host, Via), 1xx relaying, Expect end to end,
// the upstream pool, and the relay's half-close and two-way idle deadline.
#include "fd_count.hpp"
#include "http_test.hpp"
#include "server_test.hpp"

#include <copas/http/proxy.hpp>

#include <functional>
#include <memory>
#include <string>

using namespace copas;
using namespace copas::test;

namespace {

namespace proxy = copas::http::proxy;

// One response's head and a Content-Length body, read from `c`.
std::string one_response(socket& c) {
  std::string out;
  std::size_t length = 0;
  for (;;) {
    auto l = c.receive(line);
    if (!l) return out + "<" + l.error().message() + ">";
    out += *l + "\n";
    if (l->starts_with("Content-Length: ")) length = std::stoul(l->substr(16));
    if (l->empty()) {
      if (out.starts_with("HTTP/1.1 1")) continue;  // an interim response: the final one follows
      break;
    }
  }
  if (length) {
    auto body = c.receive(length);
    out += body ? *body : "<short body>";
  }
  return out;
}

// An origin that reads one head per request (lenient: it is the victim, not the judge), records
// it, and answers with `reply_for(head)`.
// What it saw lives apart from it: a connection the proxy keeps (or has not yet closed) can still
// be read by its handler after the test's scope, and the `origin`, have ended.
struct origin {
  struct record {
    std::vector<std::string> heads;
    std::size_t connections = 0;
  };
  std::shared_ptr<record> seen = std::make_shared<record>();
  std::vector<std::string>& heads = seen->heads;
  std::size_t& connections = seen->connections;
  socket listener;
  std::uint16_t port;
  explicit origin(std::function<std::string(const std::string&)> reply_for) {
    listener = serve_raw([seen = seen, reply_for = std::move(reply_for)](socket c) {
      auto& heads = seen->heads;
      ++seen->connections;
      http::reader in(c);
      for (;;) {
        std::string head;
        for (;;) {
          auto l = in.line();
          if (!l) return;
          if (l->empty()) break;
          head += *l + "\n";
        }
        heads.push_back(head);
        if (!c.send(reply_for(head))) return;
      }
    });
    port = port_of(listener);
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

struct forward_proxy {
  proxy::upstream_pool pool;
  http::server web;
  socket listener;
  std::uint16_t port;
  explicit forward_proxy(proxy::options o = {})
      : web(proxy::forward_proxy(pool, o)),
        listener(bind("127.0.0.1", 0).value()),
        port(port_of(listener)) {
    web.serve(listener);
  }
  ~forward_proxy() { pool.clear(); }
};

std::string ok_reply(const std::string& body = "ok") { return reply(200, body); }

}  // namespace

TEST(ProxyToolkit, Rfc9112_5_1_SpaceBeforeColonIsRefusedNotForwarded) {
  std::string got;
  std::size_t forwarded = 99;
  loop([&] {
    origin o([](const std::string&) { return ok_reply(); });
    forward_proxy p;
    auto c = dial(p.port);
    std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    c.send("POST " + o.url() + " HTTP/1.1\r\nHost: x\r\nContent-Length : " +
           std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled);
    got = until_close(c);
    forwarded = o.heads.size();
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400 ")) << got;
  EXPECT_EQ(forwarded, 0u);
}

TEST(ProxyToolkit, Rfc9112_6_1_XchunkedWithContentLengthIs501NotAHang) {
  std::string got;
  loop([&] {
    origin o([](const std::string&) { return ok_reply(); });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("POST " + o.url() +
           " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 501 ")) << got;
}

TEST(ProxyToolkit, Rfc9112_3_2_2_HostComesFromTheUrlWithoutUserinfoAndHopByHopFieldsGo) {
  std::string seen;
  std::string got;
  loop([&] {
    origin o([](const std::string&) { return ok_reply(); });
    forward_proxy p;
    auto c = dial(p.port);
    c.send(
        "GET http://user:pw@127.0.0.1:" + std::to_string(o.port) +
        "/p?q HTTP/1.1\r\nHost: evil.example\r\n"
        "Proxy-Connection: keep-alive\r\nConnection: close, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: "
        "5\r\n"
        "TE: trailers\r\nProxy-Authorization: Basic eA==\r\nX-Kept: yes\r\nVia: 1.0 first\r\n\r\n");
    got = until_close(c);
    seen = o.heads.empty() ? "" : o.heads[0];
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_TRUE(seen.starts_with("GET /p?q HTTP/1.1\n")) << seen;
  EXPECT_NE(seen.find("Host: 127.0.0.1:"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("evil"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("user"), std::string::npos) << seen;
  for (auto gone :
       {"Proxy-Connection", "Connection", "X-Secret", "Keep-Alive", "TE:", "Proxy-Authorization"})
    EXPECT_EQ(seen.find(gone), std::string::npos) << gone << " in " << seen;
  EXPECT_NE(seen.find("x-kept: yes"), std::string::npos) << seen;  // names travel lower-cased
  EXPECT_NE(seen.find("Via: 1.0 first, 1.1 copas-proxy"), std::string::npos) << seen;
}

TEST(ProxyToolkit, Rfc9110_15_2_EarlyHintsAreRelayedAndPipelinedRequestsGetTheirOwnResponses) {
  std::string got;
  loop([&] {
    origin o([](const std::string& head) {
      if (head.starts_with("GET /hints"))
        return "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" + reply(200, "first");
      return reply(200, "second");
    });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("GET " + o.url("/hints") + " HTTP/1.1\r\nHost: x\r\n\r\nGET " + o.url("/two") +
           " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  auto hints = got.find("HTTP/1.1 103 Early Hints\r\nlink: </s.css>\r\n\r\n");
  auto first = got.find("first"), second = got.find("second");
  ASSERT_NE(hints, std::string::npos) << got;
  ASSERT_NE(first, std::string::npos) << got;
  ASSERT_NE(second, std::string::npos) << got;
  EXPECT_LT(hints, first);
  EXPECT_LT(first, second);
}

TEST(ProxyToolkit, Rfc9110_10_1_1_An100TheClientDidNotAskForIsNotRelayed) {
  std::string got;
  loop([&] {
    origin o(
        [](const std::string&) { return "HTTP/1.1 100 Continue\r\n\r\n" + reply(200, "done"); });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("GET " + o.url() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 Reason\r\n")) << got;  // the origin's reason phrase
  EXPECT_EQ(got.find("100 Continue"), std::string::npos) << got;
}

TEST(ProxyToolkit, Rfc9110_10_1_1_ExpectGoesEndToEndAndTheBodyFollowsTheOrigins100) {
  std::string interim, final_response, body_at_origin;
  loop([&] {
    auto listener = serve_raw([&](socket c) {
      http::reader in(c);
      while (auto l = in.line())
        if (l->empty()) break;
      c.send("HTTP/1.1 100 Continue\r\n\r\n");
      auto body = in.exactly(5);
      body_at_origin = body ? *body : "<none>";
      c.send(reply(201, "stored"));
    });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("PUT http://127.0.0.1:" + std::to_string(port_of(listener)) +
           "/f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    auto l = c.receive(line);
    interim = l ? *l : l.error().message();
    c.receive(line);
    c.send("hello");
    final_response = one_response(c);
    p.web.shutdown(0);
    removeserver(listener);
  });
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue");
  EXPECT_EQ(body_at_origin, "hello");
  EXPECT_TRUE(final_response.starts_with("HTTP/1.1 201 Reason")) << final_response;
}

TEST(ProxyToolkit, Rfc9110_10_1_1_AnOriginRefusingAtOnceIsRelayedWithoutTheBody) {
  std::string got;
  loop([&] {
    origin o([](const std::string&) { return reply(413, "too large", "Connection: close\r\n"); });
    forward_proxy p({.continue_timeout = 30});  // the refusal must come long before this
    auto c = dial(p.port);
    c.send("PUT " + o.url() +
           " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 413 ")) << got;
  EXPECT_EQ(got.find("100 Continue"), std::string::npos) << got;
}

TEST(ProxyToolkit, Rfc9112_2_3_AnOriginsBadVersionIs502) {
  std::string got;
  loop([&] {
    origin o([](const std::string&) {
      return std::string("HTTP/12.34 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("GET " + o.url() + " HTTP/1.1\r\nHost: x\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 502 Bad Gateway\r\n")) << got;
}

TEST(ProxyToolkit, Rfc9112_6_2_AnOriginsContentLengthWithTransferEncodingIs502) {
  std::string got;
  loop([&] {
    origin o([](const std::string&) {
      return std::string(
          "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("GET " + o.url() + " HTTP/1.1\r\nHost: x\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 502 Bad Gateway\r\n")) << got;
}

TEST(ProxyToolkit, Http10KeepAliveThroughTheProxyIsAnsweredKeepAlive) {
  std::string first, second;
  loop([&] {
    origin o([](const std::string&) { return ok_reply("abc"); });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("GET " + o.url() + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    first = one_response(c);
    c.send("GET " + o.url() + " HTTP/1.0\r\n\r\n");
    second = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_NE(first.find("Connection: keep-alive\n"), std::string::npos) << first;
  EXPECT_NE(first.find("abc"), std::string::npos) << first;
  EXPECT_NE(second.find("abc"), std::string::npos) << second;
}

TEST(ProxyToolkit, ReverseProxyKeepsOneUpstreamConnectionAlive) {
  int ok = 0;
  std::size_t origin_connections = 0, reused = 0;
  loop([&] {
    origin o([](const std::string& head) { return ok_reply(head.substr(0, head.find('\n'))); });
    proxy::upstream_pool pool;
    http::server web(proxy::reverse_proxy({"127.0.0.1", o.port}, pool));
    auto l = bind("127.0.0.1", 0).value();
    web.serve(l);
    for (int i = 0; i < 20; ++i) {
      auto c = dial(port_of(l));
      c.send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: site\r\nConnection: close\r\n\r\n");
      if (until_close(c).find("GET /n" + std::to_string(i) + " HTTP/1.1") != std::string::npos)
        ++ok;
    }
    origin_connections = o.connections;
    reused = pool.reused();
    web.shutdown(0);
    pool.clear();
    removeserver(o.listener);
  });
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(origin_connections, 1u);
  EXPECT_EQ(reused, 19u);
}

// ---- relay
// ------------------------------------------------------------------------------------------

// The origin reads until the client's FIN, then answers: the answer must still reach the client
// (half-close: the client's FIN closes only that direction).
TEST(ProxyToolkit, RelayPassesAHalfCloseOnAndKeepsTheOtherDirection) {
  int echoed = 0;
  loop([&] {
    auto upstream = serve_raw([](socket c) {
      auto all_in = c.receive(all);  // until the FIN
      c.send("got " + (all_in ? *all_in : all_in.partial()));
    });
    auto relay_l = bind("127.0.0.1", 0).value();
    addserver(relay_l, [&](socket client) {
      proxy::relay_to(client, {"127.0.0.1", port_of(upstream)}, {});
    });
    for (int i = 0; i < 10; ++i) {
      auto c = dial(port_of(relay_l));
      c.send("message " + std::to_string(i));
      c.shutdown("send");
      if (until_close(c) == "got message " + std::to_string(i)) ++echoed;
    }
    removeserver(relay_l);
    removeserver(upstream);
  });
  EXPECT_EQ(echoed, 10);
}

// A download with a silent client lasts longer than the idle deadline: bytes moving one way
// keep the relay alive.
TEST(ProxyToolkit, RelayIdleDeadlineCountsEitherDirection) {
  std::string got;
  double quiet_cut_after = 0;
  loop([&] {
    auto upstream = serve_raw([](socket c) {
      auto first = c.receive(line);
      if (first && *first == "quiet") {
        c.receive(line);  // says nothing: the relay's idle deadline must end this
        return;
      }
      for (int i = 0; i < 12; ++i) {
        if (!c.send(std::to_string(i % 10))) return;
        pause(0.1);  // 1.2 s in all, against a 0.4 s idle deadline
      }
    });
    auto relay_l = bind("127.0.0.1", 0).value();
    addserver(relay_l, [&](socket client) {
      proxy::relay_to(client, {"127.0.0.1", port_of(upstream)}, {.idle_timeout = 0.4});
    });
    auto c = dial(port_of(relay_l));
    c.send("stream\n");
    got = until_close(c);
    auto q = dial(port_of(relay_l));
    q.send("quiet\n");
    auto t = gettime();
    until_close(q);
    quiet_cut_after = gettime() - t;
    removeserver(relay_l);
    removeserver(upstream);
  });
  EXPECT_EQ(got, "012345678901");
  EXPECT_GE(quiet_cut_after, 0.35);
}

TEST(ProxyToolkit, ConnectTunnelRelaysBothWaysWithHalfClose) {
  std::string got;
  // Counted once the dispatcher (and its own descriptors) exists: it outlives loop().
  std::size_t before = 0;
  loop([&] {
    before = open_fd_count();
    auto upstream = serve_raw([](socket c) {
      auto all_in = c.receive(all);
      c.send("tunnelled " + (all_in ? *all_in : all_in.partial()));
    });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("CONNECT 127.0.0.1:" + std::to_string(port_of(upstream)) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nearly");
    auto l = c.receive(line);
    EXPECT_EQ(l ? *l : l.error().message(), "HTTP/1.1 200 Connection Established");
    c.receive(line);
    c.send(" bytes");
    c.shutdown("send");
    got = until_close(c);
    c.close();
    while (p.web.connections() > 0) pause(0.01);
    p.web.shutdown(0);
    removeserver(upstream);
  });
  EXPECT_EQ(got, "tunnelled early bytes");
  EXPECT_EQ(open_fd_count(), before);
}

TEST(ProxyToolkit, Rfc9112_7_1_AClientsBadChunkSizeIs400NotABadGateway) {
  std::string got;
  loop([&] {
    origin o([](const std::string&) { return ok_reply(); });
    forward_proxy p;
    auto c = dial(p.port);
    c.send("POST " + o.url() +
           " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
    removeserver(o.listener);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400 Bad Request\r\n")) << got;
  EXPECT_NE(got.find("chunk size is not hex"), std::string::npos) << got;
}

TEST(ProxyToolkit, Rfc9112_3_2_3_ConnectToAPortOutOfRangeIs400) {
  std::string got;
  loop([&] {
    forward_proxy p;
    auto c = dial(p.port);
    // 4294967376 wraps to 80 in 32 bits: it must be refused, not connected.
    c.send("CONNECT 127.0.0.1:4294967376 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    got = until_close(c);
    p.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400 Bad Request\r\n")) << got;
}
