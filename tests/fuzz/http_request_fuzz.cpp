// libFuzzer target over the strict (server and proxy side) parser: request heads and their
// bodies on one keep-alive stream, then response heads, fed in pieces whose sizes come from the
// input, with small limits so that the bounds are hit.
#include "piecewise_feed.hpp"

#include <copas/http/strict.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace strict = copas::http::strict;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  bool responses = data[0] & 0x80;
  copas::fuzz::piecewise_feed feed(data, size);
  auto in = feed.reader();
  const strict::head_limits lim{.max_head_bytes = 1024, .max_fields = 16};
  auto sink = feed.counting_sink();
  for (int round = 0; round < 4; ++round) {
    copas::http::framing f;
    if (responses) {
      auto h = strict::read_response_head(in, lim);
      if (!h) return 0;
      if (h->code < 100 || h->code > 599) __builtin_trap();
      f = strict::response_framing(round % 2 ? "HEAD" : "GET", *h);
    } else {
      auto h = strict::read_request_head(in, lim);
      if (!h) {
        int st = strict::status_of(h.error());
        if (st != 0 && (st < 400 || st > 505)) __builtin_trap();
        return 0;
      }
      // An accepted head never carries what the parser must refuse.
      if (h->fields.contains("transfer-encoding") && h->fields.contains("content-length"))
        __builtin_trap();
      for (auto& [k, v] : h->fields)
        for (char c : v)
          if (c == '\r' || c == '\n' || c == '\0') __builtin_trap();
      f = strict::request_framing(*h);
    }
    if (f.how == copas::http::framing::until_close) {
      (void)strict::read_body(in, f, sink);
      break;
    }
    if (!strict::read_body(in, f, sink)) return 0;
  }
  if (feed.delivered > feed.input.size())
    __builtin_trap();  // a body is never larger than its input
  return 0;
}
