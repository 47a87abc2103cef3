#pragma once
// Results of receive and send: LuaSocket's `data` / `nil, err, partial` and
// `last_index` / `nil, err, last_index_sent`, as copas::partial_result (core/partial_result.hpp).
//
//   auto r = sock.receive(copas::line);
//   if (r) use(*r);
//   else if (r.error() == copas::errc::timeout) retry_with(r.partial());
//
// The partial data is never lost: pass it back as the prefix of the next receive.

#include <copas/core/error.hpp>
#include <copas/core/partial_result.hpp>

#include <cstddef>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas {

// The outcome of receive / receivepartial: the data, or an error with what was read so far
// (the prefix included) as partial(). value_or_partial() is Lua's `data or partial`.
using receive_result = partial_result<std::string>;

// The outcome of send: the (1-based, absolute) index of the last byte sent, or an error with the
// index of the last byte that did go out (i - 1 if none) as partial(). value_or_partial() is
// that index either way: resume with send(data, r.value_or_partial() + 1).
using send_result = partial_result<std::size_t>;

}  // namespace copas

#include <copas/core/api_suffix.hpp>
