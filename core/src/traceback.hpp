#pragma once
// Stack tracebacks as Lua prints them: one frame a line, "<file>:<line>: in <function>".

#include <boost/stacktrace/stacktrace_fwd.hpp>

#include <string>

namespace copas::detail {

// "stack traceback:\n\t..." for `frames` (innermost first). Calls inlined into a frame (lambdas,
// small functions at -O2) get a line each, as if they had frames of their own.
std::string format_stack(const boost::stacktrace::stacktrace& frames);

}  // namespace copas::detail
