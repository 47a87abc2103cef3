// Timeouts (tests.md 1.6 HT1-HT5, HT13): each phase of a request is bounded by its own timeout,
// and a stall anywhere gives "timeout" -- never early.
#include "http_test.hpp"

#include <string>

using namespace copas;
using namespace copas::test;

namespace {

constexpr double client_timeout = 0.5;

// HT1's request: POST with 6 custom headers, content-length and a 1 KB body.
http::request_params ht_request(const copas::socket& server) {
  http::request_params p;
  p.url = "http://127.0.0.1:" + std::to_string(port_of(server)) + "/";
  p.method = "POST";
  p.headers = {{"X-1", "a"},
               {"X-2", "b"},
               {"X-3", "c"},
               {"X-4", "d"},
               {"X-5", "e"},
               {"X-6", "f"},
               {"content-length", "1024"}};
  p.source = ltn12::source::string(std::string(1024, 'p'));
  p.timeout = client_timeout;
  return p;
}

std::string full_response() { return reply(200, std::string(1024, 'r')); }

// Runs the HT request against `handler` and returns the result and the time it took.
std::pair<http::request_result, double> run(std::function<void(copas::socket)> handler) {
  std::pair<http::request_result, double> out{error(errc::closed), 0};
  loop([&] {
    auto server = serve_raw(std::move(handler));
    auto start = clock::now();
    out.first = http::request(ht_request(server));
    out.second = to_seconds(clock::now() - start);
    finish_servers({server});
  });
  return out;
}

void expect_timeout(const std::pair<http::request_result, double>& r) {
  ASSERT_FALSE(r.first);
  EXPECT_EQ(r.first.error().message(), "timeout");
  EXPECT_GE(r.second, client_timeout);
  EXPECT_LT(r.second, client_timeout + 0.5);
}

}  // namespace

TEST(HttpTimeout, HT1_CompleteExchangeSucceeds) {
  auto r = run([](copas::socket c) {
    c.settimeout(0.2);  // HT1 uses 1 s against the client's 5; scaled down with the client's
    (void)c.receive(copas::all);  // res or partial: the client never closes its side
    c.send(full_response());
  });
  ASSERT_TRUE(r.first) << r.first.error().message();
  EXPECT_EQ(r.first->code, 200);
  EXPECT_EQ(r.first->status, "HTTP/1.1 200 Reason");
  EXPECT_EQ(r.first->headers.get("content-length"), "1024");
}

TEST(HttpTimeout, HT2_ServerStallsInsideTheRequestHead) {
  expect_timeout(run([](copas::socket c) {
    (void)c.receive(100);
    copas::pause(2);
  }));
}

TEST(HttpTimeout, HT3_ServerStallsInsideTheRequestBody) {
  expect_timeout(run([](copas::socket c) {
    (void)c.receive(500);
    copas::pause(2);
  }));
}

TEST(HttpTimeout, HT4_ServerStallsInsideTheResponseHeaders) {
  expect_timeout(run([](copas::socket c) {
    c.settimeout(0.2);
    (void)c.receive(copas::all);
    c.send(full_response().substr(0, 100));
    copas::pause(2);
  }));
}

TEST(HttpTimeout, HT5_ServerStallsInsideTheResponseBody) {
  expect_timeout(run([](copas::socket c) {
    c.settimeout(0.2);
    (void)c.receive(copas::all);
    auto all = full_response();
    c.send(all.substr(0, all.size() - 500));
    copas::pause(2);
  }));
}

// A peer trickling its response slowly but steadily never times out: the timeout bounds each
// read, not the whole request (protocols.md 5.3 point 5).
TEST(HttpTimeout, SlowButSteadyPeerSucceeds) {
  auto r = run([](copas::socket c) {
    c.settimeout(0.2);
    (void)c.receive(copas::all);
    auto all = full_response();
    for (std::size_t i = 0; i < all.size(); i += 100) {
      c.send(all.substr(i, 100));
      copas::pause(0.1);
    }
  });
  ASSERT_TRUE(r.first) << r.first.error().message();
  EXPECT_EQ(r.first->code, 200);
  EXPECT_GT(r.second, 1.0);
}

TEST(HttpTimeout, HT13_UnknownTimeoutKeyIsRejected) {
  loop([] {
    http::request_params p;
    p.url = "http://127.0.0.1:1/";
    p.timeout = {{"connect", 1}, {"sendd", 2}};
    try {
      (void)http::request(std::move(p));
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(),
                   "'sendd' is not a valid timeout option. Valid: 'connect', 'send', 'receive'");
    }
  });
}

TEST(HttpTimeout, PerPhaseTimeoutsApply) {
  std::pair<http::request_result, double> out{error(errc::closed), 0};
  loop([&] {
    auto server = serve_raw([](copas::socket c) {
      (void)c.receive(100);
      copas::pause(1);
    });
    auto p = ht_request(server);
    p.timeout = http::timeouts{.connect = 5, .send = 5, .receive = 0.3};
    auto start = clock::now();
    out.first = http::request(std::move(p));
    out.second = to_seconds(clock::now() - start);
    finish_servers({server});
  });
  ASSERT_FALSE(out.first);
  EXPECT_EQ(out.first.error().message(), "timeout");
  EXPECT_GE(out.second, 0.3);
  EXPECT_LT(out.second, 0.8);
}
