#pragma once
// ltn12 sources: where data comes from (LuaSocket's ltn12.source).
//
// A source is called repeatedly. Each call returns the next non-empty chunk, std::nullopt at the
// end of the data (and on every call after that), or an error, which aborts the transfer. A
// source must never return "" (a chunked HTTP sink would take it for the last chunk).
//
//   auto src = ltn12::source::chain(ltn12::source::string(data), mime::encode("base64"));
//   std::vector<std::string> out;
//   auto ok = ltn12::pump::all(src, ltn12::sink::table(out));

#include <copas/core/error.hpp>
#include <copas/net/ltn12/chunk.hpp>
#include <copas/net/ltn12/filter.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::ltn12 {

struct source;
class rewind_source;

// What a "fancy" source returns (LTN12's sources that replace themselves): a chunk and, when
// `next` is set, the source to read from from now on. source::simplify makes a plain source of it.
struct fancy_chunk;
using fancy_source = std::function<result<fancy_chunk>()>;

struct source : std::function<result<chunk>()> {
  using std::function<result<chunk>()>::function;

  // Always returns std::nullopt.
  static source empty();
  // Always returns `err`.
  static source error(copas::error err);
  // `s` in BLOCKSIZE-byte chunks, then std::nullopt. An empty string gives an empty source.
  static source string(std::string s);
  // The entries of `t`, in order, then std::nullopt (LuaSocket's source.table).
  static source table(std::vector<std::string> t);
  // Reads BLOCKSIZE-byte chunks from `handle`, which it owns: it is closed (fclose) at the end
  // of the file, on a read error (returned as the errno error), or when the source is destroyed.
  // A null handle gives source::error(io_err) with io_err's default "unable to open file", so
  // `source::file(std::fopen(name, "rb"))` reports a missing file the way LuaSocket does.
  static source file(std::FILE* handle, std::string io_err = "unable to open file");
  // Concatenation: the data of each source in turn. An error from one is returned; calling again
  // goes on with the same source.
  static source cat(std::vector<source> sources);
  // `src` filtered by `f` (several filters are chained first, see filter::chain). Throws
  // std::logic_error "source is empty!" when called again after it returned std::nullopt,
  // "filter returned inappropriate nil" when the filter ends the stream while input remains,
  // and `filter returned ""` when the filter returns "" after its input ended (where LuaSocket
  // can loop forever instead).
  static source chain(source src, filter f);
  template <class... More>
  static source chain(source src, filter f, filter g, More... more) {
    return chain(std::move(src),
                 filter::chain(std::move(f), std::move(g), filter(std::move(more))...));
  }
  // Adapts a fancy source: returns its chunks and switches to the source it hands over.
  static source simplify(fancy_source src);
  // A source with a push-back stack in front of `src` (see rewind_source).
  static rewind_source rewind(source src);
};

struct fancy_chunk {
  chunk data;
  source next;  // empty: keep the current source
};

// LuaSocket's source.rewind(src): a source with a push-back stack. push(chunk) (Lua's `r(chunk)`)
// stores a chunk; calls return the pushed chunks first, last pushed first, then read from `src`.
// Copies share the stack, so a rewind_source can be handed to a pump as a `source` and still be
// pushed to through the original.
class rewind_source {
 public:
  explicit rewind_source(source src);

  result<chunk> operator()() const;
  void push(std::string c) const;

  // NOLINTNEXTLINE(google-explicit-constructor): usable wherever a source is.
  operator source() const {
    return source([s = *this] { return s(); });
  }

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace copas::ltn12

#include <copas/core/api_suffix.hpp>
