// filter::chain, after LuaSocket 3.1.0's ltn12.lua (Wim Couwenberg's algorithm). The index/top
// walk is kept as in Lua: it is what makes "" and end-of-stream hand-offs between filters right.
#include <copas/net/ltn12/filter.hpp>

#include <memory>
#include <stdexcept>

namespace copas::ltn12 {

filter filter::chain(std::vector<filter> filters) {
  if (filters.empty()) throw std::invalid_argument("filter::chain needs at least one filter");
  for (const auto& f : filters) {
    if (!f) throw std::invalid_argument("filter::chain got an empty filter");
  }
  const std::size_t n = filters.size();
  if (n == 1) return std::move(filters.front());
  struct state {
    std::vector<filter> f;
    std::size_t top = 0, index = 0;
    // "" while input may still come; nullopt once the input ended (Lua's `retry`).
    chunk retry = std::string();
  };
  auto st = std::make_shared<state>(state{std::move(filters)});
  return [st, n](chunk c) -> chunk {
    auto& s = *st;
    if (!c) s.retry.reset();
    while (true) {
      if (s.index == s.top) {
        c = s.f[s.index](std::move(c));
        if ((c && c->empty()) || s.top == n - 1) return c;
        if (c) {
          ++s.index;
        } else {
          ++s.top;
          s.index = s.top;
        }
      } else {
        c = s.f[s.index](c ? std::move(c) : chunk(std::string()));
        if (c && c->empty()) {
          --s.index;
          c = s.retry;
        } else if (c) {
          if (s.index == n - 1) return c;
          ++s.index;
        } else {
          throw std::logic_error("filter returned inappropriate nil");
        }
      }
    }
  };
}

}  // namespace copas::ltn12
