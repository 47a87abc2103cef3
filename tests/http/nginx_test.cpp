// http::request against a real nginx on loopback, plain and TLS (tests.md 3.3 httptest.lua,
// restated for nginx: documents, HEAD, 404, directory redirect, PUT round trip, basic auth,
// https with the test CA, cross-scheme redirects, keep-alive).
#include "http_test.hpp"
#include "nginx_server.hpp"

#include <memory>
#include <string>

using namespace copas;
using namespace copas::test;

class Nginx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<nginx_server>(pki().cert, pki().key); }
  static void TearDownTestSuite() { server_.reset(); }
  void TearDown() override { http::pool::clear(); }

  static std::string http_url(const std::string& path) {
    return "http://localhost:" + std::to_string(server_->http_port()) + path;
  }
  static std::string https_url(const std::string& path) {
    return "https://localhost:" + std::to_string(server_->https_port()) + path;
  }
  static http::request_params tls(std::string url) {
    http::request_params p;
    p.url = std::move(url);
    p.sslparams = client_tls();
    return p;
  }
  static inline std::unique_ptr<nginx_server> server_;
};

TEST_F(Nginx, DocumentRetrievalAndHead) {
  loop([] {
    auto r = http::request(http_url("/index.html")).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.body, "<html>copas-cpp test page</html>\n");
    EXPECT_EQ(r.headers.get("content-type"), "text/html");
    EXPECT_EQ(r.headers.get("server").value_or("").substr(0, 5), "nginx");
    http::request_params h;
    h.url = http_url("/index.html");
    h.method = "HEAD";
    std::vector<std::string> out;
    h.sink = ltn12::sink::table(out);
    auto head = http::request(std::move(h)).value();
    EXPECT_EQ(head.code, 200);
    EXPECT_EQ(head.headers.get("content-length"), "33");
    EXPECT_TRUE(out.empty());
  });
}

TEST_F(Nginx, NotFoundAndDirectoryRedirect) {
  server_->put_file("dir/index.html", "dir index");
  loop([] {
    EXPECT_EQ(http::request(http_url("/missing"))->code, 404);
    auto d = http::request(http_url("/dir")).value();  // 301 to /dir/, followed
    EXPECT_EQ(d.code, 200);
    EXPECT_EQ(d.body, "dir index");
    http::request_params p;
    p.url = http_url("/dir");
    p.redirect = http::redirect_mode::none;
    EXPECT_EQ(http::request(std::move(p))->code, 301);
  });
}

TEST_F(Nginx, RedirectLoopEndsWithAnErrorKeepingTheFinal302) {
  loop([] {
    auto r = http::request(http_url("/loop"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "too many redirects (limit 5)");
    EXPECT_EQ(r.partial().code, 302);
  });
}

// nginx answers "Expect: 100-continue" with 100 when it wants the body (an upload), and with the
// final status at once when it does not (authentication fails first): no 1 s wait either way.
TEST_F(Nginx, ExpectContinueUploadsAfter100AndNotAfterA401) {
  std::string data(200000, 'e');
  loop([&] {
    auto put = [&](const std::string& path) {
      http::request_params p;
      p.url = http_url(path);
      p.method = "PUT";
      p.source = ltn12::source::string(data);
      p.headers = {{"content-length", std::to_string(data.size())}, {"expect", "100-continue"}};
      return p;
    };
    auto start = clock::now();
    auto r = http::request(put("/upload/expect.bin"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 201);
    EXPECT_EQ(http::request(http_url("/upload/expect.bin"))->body, data);
    auto denied = http::request(put("/auth/expect.bin"));
    ASSERT_TRUE(denied) << denied.error().message();
    EXPECT_EQ(denied->code, 401);
    EXPECT_LT(to_seconds(clock::now() - start), 0.9);  // never fell back to the 1 s wait
  });
}

TEST_F(Nginx, PutThenGetRoundTripsFileData) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += static_cast<char>('a' + i % 26);
  loop([&] {
    http::request_params put;
    put.url = http_url("/upload/file.bin");
    put.method = "PUT";
    put.source = ltn12::source::string(data);
    put.headers = {{"content-length", std::to_string(data.size())}};
    auto p = http::request(std::move(put)).value();
    EXPECT_EQ(p.code, 201);
    EXPECT_EQ(http::request(http_url("/upload/file.bin"))->body, data);
    // Chunked upload: nginx decodes it.
    http::request_params chunked;
    chunked.url = http_url("/upload/chunked.bin");
    chunked.method = "PUT";
    chunked.source = ltn12::source::string(data);
    EXPECT_EQ(http::request(std::move(chunked))->code, 201);
    EXPECT_EQ(http::request(http_url("/upload/chunked.bin"))->body, data);
  });
}

TEST_F(Nginx, BasicAuthentication) {
  server_->put_file("auth/index.html", "secret");
  loop([] {
    auto port = std::to_string(server_->http_port());
    EXPECT_EQ(http::request(http_url("/auth/index.html"))->code, 401);
    EXPECT_EQ(http::request("http://luasocket:wrong@localhost:" + port + "/auth/index.html")->code,
              401);
    auto ok =
        http::request("http://luasocket:password@localhost:" + port + "/auth/index.html").value();
    EXPECT_EQ(ok.code, 200);
    EXPECT_EQ(ok.body, "secret");
    http::request_params manual;
    manual.url = http_url("/auth/index.html");
    manual.headers = {{"authorization", "Basic bHVhc29ja2V0OnBhc3N3b3Jk"}};
    EXPECT_EQ(http::request(std::move(manual))->code, 200);
  });
}

TEST_F(Nginx, HttpsVerifiedWithTestCa) {
  loop([] {
    std::vector<std::string> out;
    auto p = tls(https_url("/index.html"));
    p.sink = ltn12::sink::table(out);
    auto r = http::request(std::move(p)).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(out.empty() ? "" : out[0], "<html>copas-cpp test page</html>\n");
    auto untrusted = http::request(https_url("/index.html"));
    ASSERT_FALSE(untrusted);
    EXPECT_EQ(untrusted.error(), errc::handshake_failed);
  });
}

TEST_F(Nginx, CrossSchemeRedirects) {
  loop([] {
    auto up = http::request(tls(http_url("/to-https"))).value();
    EXPECT_EQ(up.code, 200);
    EXPECT_EQ(up.headers.get("location"), https_url("/index.html"));
    auto down = http::request(tls(https_url("/to-http")));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().message(), "Unallowed insecure redirect https to http");
    auto all = tls(https_url("/to-http"));
    all.redirect = http::redirect_mode::all;
    auto r = http::request(std::move(all)).value();
    EXPECT_EQ(r.code, 200);
    EXPECT_EQ(r.headers.get("location"), http_url("/index.html"));
  });
}

TEST_F(Nginx, KeepAliveReusesConnectionsPlainAndTls) {
  loop([] {
    auto before = http::pool::opened();
    for (int i = 0; i < 200; ++i) ASSERT_EQ(http::request(http_url("/index.html"))->code, 200);
    for (int i = 0; i < 200; ++i)
      ASSERT_EQ(http::request(tls(https_url("/index.html")))->code, 200);
    EXPECT_EQ(http::pool::opened() - before, 2u);
  });
}

TEST_F(Nginx, ConcurrentFibers) {
  int ok = 0;
  auto before = http::pool::opened();
  loop([&] {
    for (int f = 0; f < 50; ++f)
      addthread([&] {
        for (int i = 0; i < 10; ++i)
          if (http::request(http_url("/index.html"))->code == 200) ++ok;
      });
  });
  EXPECT_EQ(ok, 500);
  EXPECT_LE(http::pool::opened() - before, 50u);
}
