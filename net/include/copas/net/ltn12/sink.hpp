#pragma once
// ltn12 sinks: where data goes (LuaSocket's ltn12.sink).
//
// A sink is called with each chunk and finally once with std::nullopt, which marks the end of
// the data and may carry the error that ended it (the source's error, when a pump stops on one).
// It returns success to go on, or an error to abort the transfer.

#include <copas/core/error.hpp>
#include <copas/net/ltn12/chunk.hpp>
#include <copas/net/ltn12/filter.hpp>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::ltn12 {

struct sink;

// A "fancy" sink returns the sink to use from now on (an empty one: keep this one);
// sink::simplify makes a plain sink of it.
using fancy_sink = std::function<result<sink>(chunk, const std::optional<copas::error>&)>;

struct sink : std::function<result<void>(chunk, const std::optional<copas::error>&)> {
  using std::function<result<void>(chunk, const std::optional<copas::error>&)>::function;

  // Appends every chunk to `t`, which must outlive the sink. Like LuaSocket's sink.table, empty
  // chunks are stored too (sink::chain hands the sink a "" after each filtered chunk), so join
  // the parts rather than count them. Never fails.
  static sink table(std::vector<std::string>& t);
  // Writes each chunk to `handle`, which it owns: closed (fclose) on the final call or when the
  // sink is destroyed. A write failure is returned as the errno error. A null handle gives
  // sink::error(io_err), default "unable to open file".
  static sink file(std::FILE* handle, std::string io_err = "unable to open file");
  // Discards everything.
  static sink null();
  // Always fails with `err`.
  static sink error(copas::error err);
  // Filters the data before `snk`: each chunk goes through `f` and every output is handed to
  // `snk`; at the end the filter is flushed into `snk`, followed by the end mark. An empty chunk
  // is ignored. Several filters are chained first (filter::chain).
  static sink chain(filter f, sink snk);
  template <class... More>
  static sink chain(filter f, filter g, More&&... more_then_sink) {
    // The last argument is the sink, the ones before it are filters.
    constexpr std::size_t n = sizeof...(More);
    auto args = std::forward_as_tuple(std::forward<More>(more_then_sink)...);
    std::vector<filter> filters{std::move(f), std::move(g)};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (filters.emplace_back(std::get<I>(std::move(args))), ...);
    }
    (std::make_index_sequence<n - 1>{});
    return chain(filter::chain(std::move(filters)), sink(std::get<n - 1>(std::move(args))));
  }
  // Adapts a fancy sink.
  static sink simplify(fancy_sink snk);
};

}  // namespace copas::ltn12

#include <copas/core/api_suffix.hpp>
