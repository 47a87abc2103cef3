// copas::http::server on 127.0.0.1: keep-alive, pipelining, HTTP/1.0 keep-alive, chunked bodies,
// Expect: 100-continue, 1xx from the handler, the strict parser's answers on the wire, the
// whole-head and idle deadlines, graceful shutdown; and real clients (curl, wget, ab -k,
// Python's http.client) against it.
#include "server_test.hpp"
#include "child_process.hpp"
#include "fd_count.hpp"
#include "http_test.hpp"

#include <copas/http/server.hpp>

#include <atomic>
#include <string>
#include <thread>

using namespace copas;
using namespace copas::test;

namespace {

// The test handler: echoes what it saw. "/body" reads the body, "/early" sends 103 first,
// "/stream" answers in three writes, "/refuse" answers 413 without reading the body.
void echo_handler(http::exchange& ex) {
  if (ex.target() == "/refuse") {
    ex.respond(413, {}, "too big\n");
    return;
  }
  if (ex.target() == "/early") ex.inform(103, {{"Link", "</style.css>; rel=preload"}});
  if (ex.target() == "/stream") {
    ex.start(200, {{"Content-Type", "text/plain"}});
    for (auto part : {"one ", "two ", "three"}) ex.write(part);
    ex.finish();
    return;
  }
  std::string body;
  if (ex.target() == "/body") {
    auto b = ex.body(1 << 20);
    body = b ? *b : "error: " + b.error().message();
  }
  ex.respond(200, {{"Content-Type", "text/plain"}},
             ex.method() + " " + ex.target() + " [" + body + "]");
}

struct fixture {
  http::server web;
  socket listener;
  std::uint16_t port;
  explicit fixture(http::server_options o = {}, http::request_handler h = echo_handler)
      : web(std::move(h), o), listener(bind("127.0.0.1", 0).value()), port(port_of(listener)) {
    web.serve(listener);
  }
};

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send(
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /body HTTP/1.1\r\nHost: x\r\nContent-Length: "
        "3\r\n\r\nabc"
        "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    got = until_close(c);
    f.web.shutdown(0);
  });
  auto a = got.find("GET /a []"), b = got.find("POST /body [abc]"), c = got.find("GET /c []");
  ASSERT_NE(a, std::string::npos) << got;
  ASSERT_NE(b, std::string::npos) << got;
  ASSERT_NE(c, std::string::npos) << got;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(count(got, "HTTP/1.1 200 OK"), 3u);
  EXPECT_EQ(count(got, "Connection: close"), 1u);
}

TEST(HttpServer, Http10KeepAliveIsAnsweredWithConnectionKeepAlive) {
  std::string first, second;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto head = c.receive(line);
    while (head && !head->empty()) {
      first += *head + "\n";
      head = c.receive(line);
    }
    auto body = c.receive(std::size_t{11});
    first += body ? *body : "";
    c.send("GET /two HTTP/1.0\r\n\r\n");  // no keep-alive this time: closed after
    second = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_NE(first.find("Connection: keep-alive\n"), std::string::npos) << first;
  EXPECT_NE(first.find("GET /one []"), std::string::npos) << first;
  EXPECT_NE(second.find("GET /two []"), std::string::npos) << second;
  EXPECT_NE(second.find("Connection: close"), std::string::npos) << second;
}

TEST(HttpServer, ChunkedRequestBodyAndChunkedResponse) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send(
        "POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
        "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_NE(got.find("POST /body [abcde]"), std::string::npos) << got;
  EXPECT_NE(got.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\n\r\n"), std::string::npos)
      << got;
}

TEST(HttpServer, ExpectContinueIsAnsweredWhenTheHandlerReadsTheBody) {
  std::string interim, rest;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    auto l = c.receive(line);  // the client holds the body back until this arrives
    interim = l ? *l : l.error().message();
    c.receive(line);
    c.send("hello");
    c.send("GET /z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    rest = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue");
  EXPECT_NE(rest.find("POST /body [hello]"), std::string::npos) << rest;
  EXPECT_NE(rest.find("GET /z []"), std::string::npos) << rest;
}

TEST(HttpServer, ExpectContinueIsNotSentWhenTheHandlerRefusesTheBody) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send(
        "PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: "
        "100-continue\r\n\r\n");
    got = until_close(c);  // the final answer, then a close: the body is never sent
    f.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 413 Content Too Large\r\n")) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  EXPECT_EQ(got.find("100 Continue"), std::string::npos) << got;
}

TEST(HttpServer, EarlyHintsFromTheHandlerPrecedeTheResponse) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send("GET /early HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with(
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n"))
      << got;
}

TEST(HttpServer, AnUnknownExpectationIs417) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send("GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n");
    got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 417 ")) << got;
}

// RFC 9112 11.2: a request the parser refuses is answered and the connection closed -- the
// bytes after it are never read as a second request.
TEST(HttpServer, Rfc9112_5_1_SmugglingVectorIs400AndClosesTheConnection) {
  std::string got;
  int handled = 0;
  loop([&] {
    fixture f({}, [&](http::exchange& ex) {
      ++handled;
      echo_handler(ex);
    });
    auto c = dial(f.port);
    c.send(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 34\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: "
        "x\r\n\r\n");
    got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400 Bad Request\r\n")) << got;
  EXPECT_NE(got.find("whitespace before the colon"), std::string::npos) << got;
  EXPECT_EQ(got.find("smuggled"), std::string::npos) << got;
  EXPECT_EQ(handled, 0);
}

TEST(HttpServer, Rfc9112_6_1_UnknownTransferCodingIs501) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: "
        "3\r\n\r\nabc");
    got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 501 Not Implemented\r\n")) << got;
}

TEST(HttpServer, Rfc9112_7_1_BadChunkSizeEndsTheConnection) {
  std::string got;
  loop([&] {
    fixture f;
    auto c = dial(f.port);
    c.send(
        "POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"
        "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_NE(got.find("error: chunk size is not hex"), std::string::npos) << got;
  EXPECT_EQ(got.find("/after"), std::string::npos) << got;
}

// On a fresh connection the head deadline counts from the accept, however slowly the head arrives.
// The clock starts before the dial, so it can only be behind the server's (the accept comes after).
TEST(HttpServer, AHeadDrippedByteByByteIsCutAtTheHeadDeadline) {
  std::string got;
  double sent_for = 0;
  loop([&] {
    fixture f({.head_timeout = 0.5});
    auto start = gettime();
    auto c = dial(f.port);
    std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
    for (char ch : head) {
      if (!c.send(std::string(1, ch))) break;
      auto r = c.receivepartial(std::size_t{4096});
      if (r || !r.partial().empty()) {
        got = r ? *r : r.partial();
        break;
      }
      pause(0.05);  // 20 bytes a second: each byte well inside any per-read timeout
    }
    sent_for = gettime() - start;
    if (got.empty()) got = until_close(c);
    f.web.shutdown(0);
  });
  EXPECT_TRUE(got.starts_with("HTTP/1.1 408 Request Timeout\r\n")) << got;
  EXPECT_GE(sent_for, 0.5);
}

TEST(HttpServer, AnIdleKeptAliveConnectionIsClosedAtTheIdleDeadline) {
  std::string first;
  copas::error after;
  loop([&] {
    fixture f({.idle_timeout = 0.2});
    auto c = dial(f.port);
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.receivepartial(std::size_t{4096});
    first = r ? *r : r.partial();
    auto more = c.receive(line);  // nothing more comes: the server closes
    after = more.error();
    f.web.shutdown(0);
  });
  EXPECT_TRUE(first.starts_with("HTTP/1.1 200 OK")) << first;
  EXPECT_EQ(after, errc::closed);
}

TEST(HttpServer, ShutdownClosesIdleConnectionsAndLetsBusyOnesFinish) {
  std::string busy_got;
  copas::error idle_after;
  std::size_t left = 99;
  loop([&] {
    bool in_handler = false;
    fixture f({}, [&](http::exchange& ex) {
      if (ex.target() == "/slow") {
        in_handler = true;
        pause(0.2);
      }
      echo_handler(ex);
    });
    auto idle = dial(f.port);
    idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    idle.receivepartial(std::size_t{4096});
    auto busy = dial(f.port);
    busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    while (!in_handler) pause(0.01);
    auto reader = addthread([&] { busy_got = until_close(busy); });
    f.web.shutdown(5);
    left = f.web.connections();
    idle_after = idle.receive(line).error();
    while (busy_got.empty()) pause(0.01);
  });
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(idle_after, errc::closed);
  EXPECT_NE(busy_got.find("GET /slow []"), std::string::npos) << busy_got;
  EXPECT_NE(busy_got.find("Connection: close"), std::string::npos) << busy_got;
}

TEST(HttpServer, ClosingClientsLeaveNoDescriptorsBehind) {
  // Counted once the dispatcher (and its own descriptors) exists: it outlives loop().
  std::size_t before = 0;
  loop([&] {
    before = open_fd_count();
    fixture f;
    for (int i = 0; i < 50; ++i) {
      auto c = dial(f.port);
      c.send(i % 2 ? "GET / HTTP/1.1\r\nHost: x\r\n\r\n" : "GET / HTT");
      c.close();
    }
    while (f.web.connections() > 0) pause(0.01);
    f.web.shutdown(0);
  });
  EXPECT_EQ(open_fd_count(), before);
}

// ---- real clients -----------------------------------------------------------------------------

TEST(HttpServer, CurlReusesOneConnectionForTwoRequestsAndSendsAChunkedUpload) {
  child_result r, up;
  std::size_t accepted = 0;
  loop([&] {
    fixture f({}, [&](http::exchange& ex) {
      if (ex.target() == "/a") ++accepted;  // one per connection curl opened for /a then /b
      echo_handler(ex);
    });
    auto base = "http://127.0.0.1:" + std::to_string(f.port);
    r = run_child({"curl", "-sS", "-v", base + "/a", base + "/b"});
    up = run_child({"curl", "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "payload",
                    base + "/body"});
    f.web.shutdown(0);
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "GET /a []GET /b []");
  EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.out, "POST /body [payload]");
  EXPECT_EQ(accepted, 1u);
}

TEST(HttpServer, WgetDownloadsAStreamedResponse) {
  child_result r;
  loop([&] {
    fixture f;
    r = run_child(
        {"wget", "-q", "-O", "-", "http://127.0.0.1:" + std::to_string(f.port) + "/stream"});
    f.web.shutdown(0);
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "one two three");
}

TEST(HttpServer, AbKeepAliveCompletesEveryRequestOnKeptConnections) {
  child_result r;
  loop([&] {
    fixture f;
    r = run_child(
        {"ab", "-k", "-n", "400", "-c", "4", "http://127.0.0.1:" + std::to_string(f.port) + "/"});
    f.web.shutdown(0);
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Complete requests:      400"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Failed requests:        0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Keep-Alive requests:    400"), std::string::npos) << r.out;
}

TEST(HttpServer, PythonHttpClientKeepsAliveWithExpectContinueAndChunkedBodies) {
  child_result r;
  loop([&] {
    fixture f;
    std::string script =
        "import http.client\n"
        "c = http.client.HTTPConnection('127.0.0.1', " +
        std::to_string(f.port) +
        ")\n"
        "out = []\n"
        "c.request('GET', '/x'); r = c.getresponse(); out.append(r.read().decode())\n"
        "c.request('POST', '/body', body=iter([b'ab', b'cd']), encode_chunked=True,\n"
        "          headers={'Transfer-Encoding': 'chunked'}); r = c.getresponse(); "
        "out.append(r.read().decode())\n"
        "c.request('PUT', '/body', body=b'xyz', headers={'Expect': '100-continue'})\n"
        "r = c.getresponse(); out.append(r.read().decode())\n"
        "c.request('HEAD', '/h'); r = c.getresponse(); out.append(str(r.status) + ' ' + "
        "r.getheader('Content-Length'))\n"
        "print('|'.join(out))\n";
    r = run_child({"/usr/bin/python3", "-c", script});
    f.web.shutdown(0);
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "GET /x []|POST /body [abcd]|PUT /body [xyz]|200 10\n");
}

// copas::serve_threads: two dispatchers on one address, each with its own http::server; many
// connections reach both (the kernel spreads them: 40 connections all on one of two listeners
// would be a 2^-39 chance).
TEST(HttpServer, ServeThreadsRunsOneServerPerThreadOnOneAddress) {
  std::atomic<bool> stop{false};
  std::atomic<int> served[2] = {0, 0};
  std::atomic<std::uint16_t> port{0};
  std::jthread servers([&] {
    auto ok = serve_threads(
        {.host = "127.0.0.1", .port = 0, .threads = 2},
        [&](socket listener, unsigned i) {
          auto web = std::make_shared<http::server>([&, i](http::exchange& ex) {
            ++served[i];
            ex.respond(200, {}, "thread " + std::to_string(i));
          });
          web->serve(listener);
          addthread([web, &stop] {
            while (!stop) pause(0.02);
            web->shutdown(1);
          });
        },
        [&](std::uint16_t p) { port = p; });
    EXPECT_TRUE(ok) << ok.error().message();
  });
  while (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  int answered = 0;
  loop([&] {
    for (int i = 0; i < 40; ++i) {
      auto c = dial(port);
      c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      if (until_close(c).find("thread ") != std::string::npos) ++answered;
    }
  });
  stop = true;
  servers.join();
  EXPECT_EQ(answered, 40);
  EXPECT_GT(served[0], 0);
  EXPECT_GT(served[1], 0);
}

TEST(HttpServer, ServeThreadsFailsAsAWholeOnABusyAddress) {
  auto taken = bind("127.0.0.1", 0).value();
  bool started = false;
  auto ok = serve_threads({.host = "127.0.0.1", .port = port_of(taken), .threads = 2},
                          [&](socket, unsigned) { started = true; });
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error(), errc::address_in_use);
  EXPECT_FALSE(started);
}
