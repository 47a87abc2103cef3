// copas::http::strict: every vector a server or proxy must refuse (RFC 9112), one test each,
// named after the clause it enforces, and the heads it must keep accepting. I/O-free: the
// reader is fed from memory in small pieces, so a check that depends on where a read ends fails.
#include <copas/http/strict.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

namespace strict = copas::http::strict;

struct fed {
  std::string input;
  std::size_t pos = 0;
  copas::http::reader in{[this](std::string& buf) -> copas::result<void> {
                           if (pos >= input.size()) return copas::errc::closed;
                           auto n = std::min<std::size_t>(3, input.size() - pos);
                           buf.append(input, pos, n);
                           pos += n;
                           return {};
                         },
                         copas::http::limits{.max_line = 1024}};
  explicit fed(std::string s) : input(std::move(s)) {}
};

// The status a request head is answered with (0: accepted).
int request_status(const std::string& head) {
  fed f(head);
  auto r = strict::read_request_head(f.in);
  return r ? 0 : strict::status_of(r.error());
}

int response_status(const std::string& head) {
  fed f(head);
  auto r = strict::read_response_head(f.in);
  return r ? 0 : strict::status_of(r.error());
}

std::string get(const std::string& fields) {
  return "GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
}
std::string post(const std::string& fields) {
  return "POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
}

// ---- accepted ----------------------------------------------------------------------------------

TEST(rfc9112_3, ordinary_request_is_accepted) {
  fed f("GET /x?y HTTP/1.1\r\nHost: example.org:8080\r\nAccept: */*\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
  auto r = strict::read_request_head(f.in);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->target, "/x?y");
  EXPECT_EQ(r->version, 11);
  EXPECT_EQ(r->target_form, strict::request_head::origin);
  EXPECT_EQ(*r->fields.find("x-a"), "1, 2");
  EXPECT_EQ(strict::request_framing(*r).how, copas::http::framing::none);
}

TEST(rfc9112_2_2, empty_line_before_request_is_skipped) {
  EXPECT_EQ(request_status("\r\n" + get("")), 0);
}
TEST(rfc9112_2_2, bare_lf_line_ends_are_accepted) {
  EXPECT_EQ(request_status("GET / HTTP/1.1\nHost: a\n\n"), 0);
}
TEST(rfc9112_3_2, http10_without_host_is_accepted) {
  EXPECT_EQ(request_status("GET / HTTP/1.0\r\n\r\n"), 0);
}
TEST(rfc9112_3_2_2, absolute_form_is_accepted) {
  fed f("GET http://o.example/p HTTP/1.1\r\nHost: o.example\r\n\r\n");
  auto r = strict::read_request_head(f.in);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target_form, strict::request_head::absolute);
}
TEST(rfc9112_3_2_3, connect_authority_form_is_accepted) {
  fed f("CONNECT o.example:443 HTTP/1.1\r\nHost: o.example:443\r\n\r\n");
  auto r = strict::read_request_head(f.in);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target_form, strict::request_head::authority);
}
TEST(rfc9112_6_3, identical_content_length_list_is_one_length) {
  fed f(post("Content-Length: 5, 5\r\nContent-Length: 5, 5\r\n"));
  auto r = strict::read_request_head(f.in);
  ASSERT_TRUE(r) << r.error().message();
  auto fr = strict::request_framing(*r);
  EXPECT_EQ(fr.how, copas::http::framing::sized);
  EXPECT_EQ(fr.length, 5u);
}
TEST(rfc9112_6_1, gzip_then_chunked_is_accepted) {
  fed f(post("Transfer-Encoding: gzip, Chunked\r\n"));
  auto r = strict::read_request_head(f.in);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(strict::request_framing(*r).how, copas::http::framing::chunked);
}

// ---- RFC 9112 5 / 5.1: field syntax ----------------------------------------------------------

TEST(rfc9112_5_1, whitespace_before_colon_is_400) {
  EXPECT_EQ(request_status(post("Content-Length : 5\r\n")), 400);
}
TEST(rfc9112_5_1, tab_before_colon_is_400) { EXPECT_EQ(request_status(get("X-A\t: 1\r\n")), 400); }
TEST(rfc9112_5, field_name_with_space_is_400) { EXPECT_EQ(request_status(get("X A: 1\r\n")), 400); }
TEST(rfc9112_5, field_name_with_separator_is_400) {
  EXPECT_EQ(request_status(get("X(A): 1\r\n")), 400);
}
TEST(rfc9112_5, empty_field_name_is_400) { EXPECT_EQ(request_status(get(": 1\r\n")), 400); }
TEST(rfc9112_5, line_without_colon_is_400) { EXPECT_EQ(request_status(get("NoColon\r\n")), 400); }
TEST(rfc9110_5_5, nul_in_value_is_400) {
  EXPECT_EQ(request_status(get("X-A: a" + std::string(1, '\0') + "b\r\n")), 400);
}
TEST(rfc9110_5_5, control_byte_in_value_is_400) {
  EXPECT_EQ(request_status(get("X-A: a\x01"
                               "b\r\n")),
            400);
}
TEST(rfc9110_5_5, del_in_value_is_400) {
  EXPECT_EQ(request_status(get("X-A: a\x7f"
                               "b\r\n")),
            400);
}
TEST(rfc9112_2_2, bare_cr_in_value_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: 1\r0\r\n")), 400);
}
TEST(rfc9112_2_2, bare_cr_in_name_is_400) { EXPECT_EQ(request_status(get("X\rA: 1\r\n")), 400); }
TEST(rfc9112_2_2, bare_cr_in_target_is_400) {
  EXPECT_EQ(request_status("GET /a\rX-Injected: 1 HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_2_2, bare_cr_as_line_end_is_400) {
  EXPECT_EQ(request_status("GET / HTTP/1.1\rHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_5_2, obs_fold_in_request_is_400) {
  EXPECT_EQ(request_status(get("X-A: 1\r\n 2\r\n")), 400);
}
TEST(rfc9112_5_2, obs_fold_with_tab_in_request_is_400) {
  EXPECT_EQ(request_status(get("X-A: 1\r\n\t2\r\n")), 400);
}
TEST(rfc9112_5_2, obs_fold_in_response_becomes_one_space) {
  fed f("HTTP/1.1 200 OK\r\nX-A: 1\r\n   2\r\nContent-Length: 0\r\n\r\n");
  auto r = strict::read_response_head(f.in);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r->fields.find("x-a"), "1 2");
}

// ---- RFC 9112 6: framing ------------------------------------------------------------------------

TEST(rfc9112_6_1, te_not_ending_in_chunked_is_400) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: chunked, gzip\r\n")), 400);
}
TEST(rfc9112_6_1, te_gzip_alone_in_request_is_400) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: gzip\r\n")), 400);
}
TEST(rfc9112_6_1, te_unknown_coding_is_501) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: xchunked\r\n")), 501);
}
TEST(rfc9112_6_1, te_identity_is_501) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: identity\r\n")), 501);
}
TEST(rfc9112_6_1, te_chunked_twice_is_400) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: chunked, chunked\r\n")), 400);
}
TEST(rfc9112_6_1, te_chunked_in_two_lines_twice_is_400) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")),
            400);
}
TEST(rfc9112_6_1, te_empty_is_400) {
  EXPECT_EQ(request_status(post("Transfer-Encoding: \r\n")), 400);
}
TEST(rfc9112_6_1, te_in_http10_is_400) {
  EXPECT_EQ(request_status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
}
TEST(rfc9112_6_2, cl_with_te_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")), 400);
}
TEST(rfc9112_6_3, differing_content_lengths_are_400) {
  EXPECT_EQ(request_status(post("Content-Length: 5\r\nContent-Length: 6\r\n")), 400);
}
TEST(rfc9112_6_3, differing_content_length_list_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: 5, 6\r\n")), 400);
}
TEST(rfc9112_6_3, negative_content_length_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: -1\r\n")), 400);
}
TEST(rfc9112_6_3, signed_content_length_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: +5\r\n")), 400);
}
TEST(rfc9112_6_3, hex_content_length_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: 0x5\r\n")), 400);
}
TEST(rfc9112_6_3, empty_content_length_is_400) {
  EXPECT_EQ(request_status(post("Content-Length:\r\n")), 400);
}
TEST(rfc9112_6_3, content_length_with_inner_space_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: 1 0\r\n")), 400);
}
TEST(rfc9112_6_3, overflowing_content_length_is_400) {
  EXPECT_EQ(request_status(post("Content-Length: 99999999999999999999999\r\n")), 400);
}

// ---- RFC 9112 3: request line and Host
// ------------------------------------------------------------

TEST(rfc9112_3_2, missing_host_in_http11_is_400) {
  EXPECT_EQ(request_status("GET / HTTP/1.1\r\n\r\n"), 400);
}
TEST(rfc9112_3_2, duplicate_host_is_400) { EXPECT_EQ(request_status(get("Host: b\r\n")), 400); }
TEST(rfc9112_3_2, host_with_userinfo_is_400) {
  EXPECT_EQ(request_status("GET / HTTP/1.1\r\nHost: u:p@a\r\n\r\n"), 400);
}
TEST(rfc9112_3_2, host_with_space_is_400) {
  EXPECT_EQ(request_status("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
}
TEST(rfc9112_3_2, host_with_bad_port_is_400) {
  EXPECT_EQ(request_status("GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n"), 400);
}
TEST(rfc9112_3, space_in_target_is_400) {
  EXPECT_EQ(request_status("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3, tab_in_target_is_400) {
  EXPECT_EQ(request_status("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3, control_in_target_is_400) {
  EXPECT_EQ(request_status("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3, nul_in_target_is_400) {
  EXPECT_EQ(request_status("GET /a" + std::string(1, '\0') + " HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3, two_spaces_after_method_is_400) {
  EXPECT_EQ(request_status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3, method_not_a_token_is_400) {
  EXPECT_EQ(request_status("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3, missing_version_is_400) {
  EXPECT_EQ(request_status("GET /\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3_2, relative_target_is_400) {
  EXPECT_EQ(request_status("GET a/b HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3_2_3, connect_without_port_is_400) {
  EXPECT_EQ(request_status("CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_3_2_4, asterisk_outside_options_is_400) {
  EXPECT_EQ(request_status("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_2_3, lowercase_http_version_is_400) {
  EXPECT_EQ(request_status("GET / http/1.1\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_2_3, two_digit_version_is_400) {
  EXPECT_EQ(request_status("GET / HTTP/1.10\r\nHost: a\r\n\r\n"), 400);
}
TEST(rfc9112_2_3, http2_version_is_505) {
  EXPECT_EQ(request_status("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
}

// ---- bounds
// ---------------------------------------------------------------------------------------

TEST(rfc9112_bounds, too_many_fields_is_431) {
  std::string many;
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(request_status(get(many)), 431);
}
TEST(rfc9112_bounds, head_over_its_limit_is_431) {
  std::string big;
  for (int i = 0; i < 80; ++i)
    big += "X-" + std::to_string(i) + ": " + std::string(900, 'v') + "\r\n";
  EXPECT_EQ(request_status(get(big)), 431);
}
TEST(rfc9112_bounds, line_over_its_limit_is_431) {
  EXPECT_EQ(request_status(get("X-A: " + std::string(2000, 'v') + "\r\n")), 431);
}
TEST(rfc9112_bounds, endless_empty_lines_are_400) {
  EXPECT_EQ(request_status(std::string(100, '\n')), 400);
}
TEST(rfc9112_bounds, truncated_head_is_closed_not_a_status) {
  fed f("GET / HTTP/1.1\r\nHost: a\r\n");
  auto r = strict::read_request_head(f.in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::closed);
  EXPECT_EQ(strict::status_of(r.error()), 0);
}

// ---- RFC 9112 7.1: chunked bodies
// -------------------------------------------------------------------

// The status a chunked body is refused with (0: read), its bytes in `out`.
int chunked_status(const std::string& body, std::string* out = nullptr) {
  fed f(body);
  std::string got;
  auto sink = copas::ltn12::sink(
      [&](copas::ltn12::chunk c, const std::optional<copas::error>&) -> copas::result<void> {
        if (c) got += *c;
        return {};
      });
  auto r = strict::read_body(f.in, {.how = copas::http::framing::chunked}, sink);
  if (out) *out = got;
  return r ? 0 : (strict::status_of(r.error()) ? strict::status_of(r.error()) : -1);
}

TEST(rfc9112_7_1, chunked_body_is_read) {
  std::string got;
  EXPECT_EQ(chunked_status("5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n", &got), 0);
  EXPECT_EQ(got, "hello0123456789");
}
TEST(rfc9112_7_1, chunk_size_with_leading_space_is_400) {
  EXPECT_EQ(chunked_status(" 5\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1, chunk_size_with_sign_is_400) {
  EXPECT_EQ(chunked_status("+5\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1, chunk_size_with_0x_is_400) {
  EXPECT_EQ(chunked_status("0x5\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1, chunk_size_with_trailing_garbage_is_400) {
  EXPECT_EQ(chunked_status("5g\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1, empty_chunk_size_is_400) {
  EXPECT_EQ(chunked_status("\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1, overflowing_chunk_size_is_400) {
  EXPECT_EQ(chunked_status("10000000000000000\r\nx\r\n"), 400);
}
TEST(rfc9112_7_1, chunk_longer_than_its_size_is_400) {
  EXPECT_EQ(chunked_status("3\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1, bare_cr_in_chunk_size_is_400) {
  EXPECT_EQ(chunked_status("5\r3\r\nhello\r\n0\r\n\r\n"), 400);
}
TEST(rfc9112_7_1_2, trailer_with_space_before_colon_is_400) {
  EXPECT_EQ(chunked_status("0\r\nX-T : 1\r\n\r\n"), 400);
}

// ---- responses (what a proxy gets from an origin): 502
// ---------------------------------------------

TEST(rfc9112_4, ordinary_response_is_accepted) {
  fed f("HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n");
  auto r = strict::read_response_head(f.in);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->code, 103);
  EXPECT_TRUE(r->informational());
  EXPECT_EQ(r->reason, "Early Hints");
}
TEST(rfc9112_4, status_without_reason_is_accepted) {
  EXPECT_EQ(response_status("HTTP/1.1 204\r\n\r\n"), 0);
}
TEST(rfc9112_2_3, response_version_12_34_is_502) {
  EXPECT_EQ(response_status("HTTP/12.34 200 OK\r\n\r\n"), 502);
}
TEST(rfc9112_4, two_digit_status_is_502) {
  EXPECT_EQ(response_status("HTTP/1.1 20 OK\r\n\r\n"), 502);
}
TEST(rfc9112_4, status_600_is_502) { EXPECT_EQ(response_status("HTTP/1.1 600 OK\r\n\r\n"), 502); }
TEST(rfc9112_5_1, response_whitespace_before_colon_is_502) {
  EXPECT_EQ(response_status("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n"), 502);
}
TEST(rfc9112_2_2, response_bare_cr_is_502) {
  EXPECT_EQ(response_status("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n"), 502);
}
TEST(rfc9112_6_2, response_cl_with_te_is_502) {
  EXPECT_EQ(
      response_status("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
      502);
}
TEST(rfc9112_6_3, response_differing_content_lengths_are_502) {
  EXPECT_EQ(response_status("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n"),
            502);
}
TEST(rfc9112_6_1, response_unknown_coding_is_502) {
  EXPECT_EQ(response_status("HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n"), 502);
}
TEST(rfc9112_6_3, response_te_not_ending_in_chunked_reads_until_close) {
  fed f("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
  auto r = strict::read_response_head(f.in);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(strict::response_framing("GET", *r).how, copas::http::framing::until_close);
}
TEST(rfc9112_6_3, response_to_head_has_no_body) {
  fed f("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  auto r = strict::read_response_head(f.in);
  ASSERT_TRUE(r);
  EXPECT_EQ(strict::response_framing("HEAD", *r).how, copas::http::framing::none);
  EXPECT_EQ(strict::response_framing("GET", *r).how, copas::http::framing::sized);
}

}  // namespace
