// Expect: 100-continue on the sending side (request.hpp): the body waits for 100 Continue, for a
// final status (then it is never sent), or for 1 s of silence.
#include "http_test.hpp"

#include <memory>
#include <string>

using namespace copas;
using namespace copas::test;

namespace {

const std::string body(5000, 'b');

// What the server saw of one request.
struct server_view {
  std::string expect;       // the Expect header
  std::string body;         // the body it read
  std::string after;        // bytes that arrived after it answered without reading the body
  std::string after_error;  // how that read ended
};

enum class answer { continue_first, final_first, silent };

// Reads the head, then behaves as `how` says.
copas::socket server(answer how, std::shared_ptr<server_view> seen) {
  return serve_raw([how, seen](copas::socket c) {
    http::reader in(c);
    if (!in.line()) return;
    auto h = http::read_headers(in);
    if (!h) return;
    seen->expect = h->get("expect").value_or("");
    if (how == answer::final_first) {
      c.send(reply(417, "no thanks", "Connection: keep-alive\r\n"));
      c.settimeout(3);
      auto rest = c.receive(copas::all);  // until the client closes
      seen->after = rest.value_or_partial();
      seen->after_error = rest ? "" : rest.error().message();
      return;
    }
    if (how == answer::continue_first) c.send("HTTP/1.1 100 Continue\r\n\r\n");
    auto b = in.exactly(body.size());
    if (!b) return;
    seen->body = *b;
    c.send(reply(200, "got " + std::to_string(b->size())));
  });
}

http::request_params upload(const copas::socket& s) {
  http::request_params p;
  p.url = "http://127.0.0.1:" + std::to_string(port_of(s)) + "/up";
  p.method = "POST";
  p.source = ltn12::source::string(body);
  p.headers = {{"content-length", std::to_string(body.size())}, {"Expect", "100-continue"}};
  return p;
}

}  // namespace

TEST(HttpExpectContinue, BodyGoesRightAfter100) {
  loop([] {
    auto seen = std::make_shared<server_view>();
    auto s = server(answer::continue_first, seen);
    auto start = clock::now();
    auto r = http::request(upload(s));
    auto took = to_seconds(clock::now() - start);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 200);
    EXPECT_EQ(r->status, "HTTP/1.1 200 Reason");
    EXPECT_EQ(seen->expect, "100-continue");
    EXPECT_EQ(seen->body, body);
    EXPECT_LT(took, 0.8);  // did not sit out the 1 s fallback
    finish_servers({s});
  });
}

TEST(HttpExpectContinue, FinalStatusFirstMeansTheBodyIsNeverSent) {
  loop([] {
    auto seen = std::make_shared<server_view>();
    auto s = server(answer::final_first, seen);
    std::vector<std::string> out;
    auto p = upload(s);
    p.sink = ltn12::sink::table(out);
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 417);
    EXPECT_EQ(out, std::vector<std::string>{"no thanks"});
    copas::pause(0.2);                       // let the server see the close
    EXPECT_EQ(seen->after_error, "closed");  // the client closed instead of pooling...
    EXPECT_EQ(seen->after, "");              // ...and not one body byte went out
    finish_servers({s});
  });
}

TEST(HttpExpectContinue, SilentServerGetsTheBodyAfterOneSecond) {
  loop([] {
    auto seen = std::make_shared<server_view>();
    auto s = server(answer::silent, seen);
    auto start = clock::now();
    auto r = http::request(upload(s));
    auto took = to_seconds(clock::now() - start);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 200);
    EXPECT_EQ(seen->body, body);
    EXPECT_GE(took, 0.95);
    EXPECT_LT(took, 2.0);
    finish_servers({s});
  });
}

TEST(HttpExpectContinue, ShortReceiveTimeoutBoundsTheWaitAndChunkedBodiesWork) {
  loop([] {
    auto seen = std::make_shared<server_view>();
    auto s = serve([seen](copas::socket& c, const seen_request& r) {
      seen->expect = r.headers.get("expect").value_or("");
      seen->body = r.body;
      c.send(reply(200, "ok"));
      return true;
    });
    http::request_params p;
    p.url = "http://127.0.0.1:" + std::to_string(port_of(s)) + "/up";
    p.method = "PUT";
    p.source = ltn12::source::string(body);  // no content-length: sent chunked
    p.headers = {{"expect", "100-Continue"}};
    p.timeout = http::timeouts{.receive = 0.3};
    auto start = clock::now();
    auto r = http::request(std::move(p));
    auto took = to_seconds(clock::now() - start);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 200);
    EXPECT_EQ(seen->expect, "100-Continue");
    EXPECT_EQ(seen->body, body);
    EXPECT_GE(took, 0.3);
    EXPECT_LT(took, 0.9);
    finish_servers({s});
  });
}
