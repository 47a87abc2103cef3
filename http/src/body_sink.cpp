#include <copas/http/body_sink.hpp>

#include <cstdio>

namespace copas::http {

namespace {

ltn12::sink chunked_sink(socket s) {
  return [s](ltn12::chunk c, const std::optional<copas::error>&) mutable -> result<void> {
    std::string out;
    if (!c) {
      out = "0\r\n\r\n";
    } else {
      if (c->empty()) return {};  // "" would end the body early; a source must not send it
      char size[20];
      int n = std::snprintf(size, sizeof size, "%zX\r\n", c->size());
      out.reserve(c->size() + n + 2);
      out.append(size, n).append(*c).append("\r\n");
    }
    if (auto r = s.send(out); !r) return r.error();
    return {};
  };
}

ltn12::sink raw_sink(socket s) {
  return [s](ltn12::chunk c, const std::optional<copas::error>&) mutable -> result<void> {
    if (c && !c->empty())
      if (auto r = s.send(*c); !r) return r.error();
    return {};
  };
}

}  // namespace

ltn12::sink body_sink(socket s, bool chunked) {
  return chunked ? chunked_sink(std::move(s)) : raw_sink(std::move(s));
}

}  // namespace copas::http
