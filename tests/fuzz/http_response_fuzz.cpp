// libFuzzer target over the HTTP response reader: status line, headers, framing and body, fed
// in pieces whose sizes come from the input, with small limits so that the bounds are hit.
#include <copas/http/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t step = 1 + data[0] % 64;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t pos = 0;
  copas::http::reader in(
      [&](std::string& buf) -> copas::result<void> {
        if (pos >= input.size()) return copas::errc::closed;
        auto n = std::min(step, input.size() - pos);
        buf.append(input, pos, n);
        pos += n;
        return {};
      },
      copas::http::limits{.max_line = 256, .max_fields = 16, .max_header_bytes = 1024});
  std::size_t delivered = 0;
  auto sink = copas::ltn12::sink([&](copas::ltn12::chunk c, const std::optional<copas::error>&) -> copas::result<void> {
    if (c) delivered += c->size();
    return {};
  });
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
  if (delivered > input.size()) __builtin_trap();  // a body is never larger than its input
  return 0;
}
