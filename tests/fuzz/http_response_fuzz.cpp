// libFuzzer target over the HTTP response reader: status line, headers, framing and body, fed
// in pieces whose sizes come from the input, with small limits so that the bounds are hit.
#include "piecewise_feed.hpp"

#include <copas/http/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  copas::fuzz::piecewise_feed feed(data, size);
  auto in = feed.reader();
  auto sink = feed.counting_sink();
  for (int round = 0; round < 4; ++round) {  // a few responses on one stream (keep-alive)
    auto st = copas::http::read_status(in);
    if (!st) return 0;
    if (st->version == 9) {
      (void)copas::http::read_body(in, {.how = copas::http::framing::until_close}, sink);
      return 0;
    }
    auto h = copas::http::read_headers(in);
    if (!h) return 0;
    auto f = copas::http::response_framing(round % 2 ? "HEAD" : "GET", st->code, *h);
    if (!f) return 0;
    copas::http::headers trailers;
    auto n = copas::http::read_body(in, *f, sink, &trailers);
    if (!n) return 0;
  }
  if (feed.delivered > feed.input.size())
    __builtin_trap();  // a body is never larger than its input
  return 0;
}
