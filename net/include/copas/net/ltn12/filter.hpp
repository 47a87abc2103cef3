#pragma once
// ltn12 filters: stateful chunk transformers (LuaSocket's ltn12.filter).
//
// A filter is called with each input chunk and returns some output, possibly "" when it needs
// more input. Calling it with "" asks for more output without new input; calling it with
// std::nullopt means the input ended: it flushes and eventually returns std::nullopt. Chunk
// boundaries do not matter: the concatenated outputs equal the filter applied to the
// concatenated input.
//
// Protocol violations (a filter returning std::nullopt while input remains) are programming
// errors, reported like LuaSocket's error() calls: std::logic_error with LuaSocket's message.

#include <copas/net/ltn12/chunk.hpp>

#include <functional>
#include <utility>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::ltn12 {

struct filter : std::function<chunk(chunk)> {
  using std::function<chunk(chunk)>::function;

  // Composes filters: the output of each feeds the next, with the "" / end-of-stream hand-offs
  // done right (Wim Couwenberg's algorithm, as in LuaSocket). Throws std::logic_error
  // "filter returned inappropriate nil" when a filter in the middle ends the stream too early.
  // Throws std::invalid_argument for an empty list.
  static filter chain(std::vector<filter> filters);
  template <class... More>
  static filter chain(filter first, filter second, More... more) {
    return chain(
        std::vector<filter>{std::move(first), std::move(second), filter(std::move(more))...});
  }

  // Turns a low-level context-passing function into a filter (LuaSocket's filter.cycle(low, ctx,
  // extra)): each call runs `low(ctx, chunk, extra...)`, which returns low_result<Context>, keeps
  // its ctx for the next call and returns its out.
  template <class Low, class Context, class... Extra>
  static filter cycle(Low low, Context ctx, Extra... extra) {
    return [low = std::move(low), ctx = std::move(ctx),
            ... extra = std::move(extra)](chunk in) mutable -> chunk {
      auto r = low(ctx, std::move(in), extra...);
      ctx = std::move(r.ctx);
      return std::move(r.out);
    };
  }
};

}  // namespace copas::ltn12

#include <copas/core/api_suffix.hpp>
