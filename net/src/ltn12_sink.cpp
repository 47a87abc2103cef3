// The stock sinks, after LuaSocket 3.1.0's ltn12.lua.
#include <copas/net/ltn12/sink.hpp>

#include "ltn12_owned_file.hpp"

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace copas::ltn12 {

sink sink::table(std::vector<std::string>& t) {
  return [&t](chunk c, const std::optional<copas::error>&) -> result<void> {
    if (c) t.push_back(std::move(*c));
    return {};
  };
}

sink sink::file(std::FILE* handle, std::string io_err) {
  if (!handle)
    return sink::error(copas::error(std::make_error_code(std::errc::io_error), std::move(io_err)));
  return [f = detail::own(handle)](chunk c, const std::optional<copas::error>&) -> result<void> {
    if (!f->get()) return {};
    if (!c) {
      // Lua ignores what close() says; a failed final flush is data loss worth reporting.
      if (auto ec = f->close()) return copas::error(ec);
      return {};
    }
    if (!c->empty() && std::fwrite(c->data(), 1, c->size(), f->get()) != c->size()) {
      return copas::error(detail::owned_file::last_error());
    }
    return {};
  };
}

sink sink::null() {
  return [](chunk, const std::optional<copas::error>&) -> result<void> { return {}; };
}

sink sink::error(copas::error err) {
  return [err = std::move(err)](chunk, const std::optional<copas::error>&) -> result<void> {
    return err;
  };
}

sink sink::chain(filter f, sink snk) {
  if (!f || !snk) throw std::invalid_argument("sink::chain needs a filter and a sink");
  return [f = std::move(f), snk = std::move(snk)](
             chunk c, const std::optional<copas::error>& err) mutable -> result<void> {
    if (c && c->empty()) return {};
    // Lua's `done`: "" while data flows (drain until the filter has nothing more), nil at the
    // end (flush until the filter returns nil, which reaches the sink as its end mark).
    const bool at_end = !c;
    chunk filtered = f(std::move(c));
    while (true) {
      const bool done = at_end ? !filtered : (filtered && filtered->empty());
      auto r = snk(std::move(filtered), err);
      if (!r) return r;
      if (done) return {};
      filtered = f(at_end ? chunk() : chunk(std::string()));
    }
  };
}

sink sink::simplify(fancy_sink snk) {
  if (!snk) throw std::invalid_argument("sink::simplify needs a sink");
  return [snk = std::move(snk)](chunk c,
                                const std::optional<copas::error>& err) mutable -> result<void> {
    auto r = snk(std::move(c), err);
    if (!r) return r.error();
    if (*r) {
      sink next = std::move(*r);
      snk = [next](chunk c2, const std::optional<copas::error>& e2) -> result<sink> {
        auto r2 = next(std::move(c2), e2);
        if (!r2) return r2.error();
        return sink();
      };
    }
    return {};
  };
}

}  // namespace copas::ltn12
