#pragma once
// The unit LTN12 moves around: a chunk of bytes, or the end of the stream.
//
// LuaSocket passes `nil` for "no more data"; here that is an empty optional. An empty string is
// a real value with its own meaning for filters (`""` asks a filter for more output without
// giving it more input) and must never come out of a source.

#include <cstddef>
#include <optional>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas::ltn12 {

// LuaSocket's ltn12.BLOCKSIZE: the size of the chunks the stock string and file sources return.
inline constexpr std::size_t BLOCKSIZE = 2048;

// A chunk of data; std::nullopt marks the end of the stream.
using chunk = std::optional<std::string>;

// What a low-level, context-passing function returns (LuaSocket's `out, new_ctx`): the output
// (std::nullopt where Lua returns nil) and the context for the next call. filter::cycle turns
// such a function into a filter; the mime functions (b64, qp, wrp, eol, dot, ...) are of this kind.
template <class Context>
struct low_result {
  chunk out;
  Context ctx;
};

}  // namespace copas::ltn12

#include <copas/core/api_suffix.hpp>
