#pragma once
// ltn12 pumps: move data from a source to a sink (LuaSocket's ltn12.pump).

#include <copas/core/error.hpp>
#include <copas/net/ltn12/sink.hpp>
#include <copas/net/ltn12/source.hpp>

#include <functional>

#include <copas/core/api_prefix.hpp>

namespace copas::ltn12::pump {

// Moves one chunk: reads `src` and hands the chunk, or the end mark with the source's error, to
// `snk`. Returns true when a chunk was delivered, false at a clean end of data, and the
// source's error (else the sink's) when either failed.
result<bool> step(const source& src, const sink& snk);

// A step function: pump::step, or your own with the same contract.
using step_function = std::function<result<bool>(const source&, const sink&)>;

// Runs `step_fn` until it returns false (success) or an error (returned). Throws
// std::invalid_argument for an empty source or sink (LuaSocket asserts them).
result<void> all(const source& src, const sink& snk, const step_function& step_fn = step);

}  // namespace copas::ltn12::pump

#include <copas/core/api_suffix.hpp>
