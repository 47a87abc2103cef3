// Symbolizing a captured stack with libbacktrace (GCC's, which Boost.Stacktrace's backtrace
// backend is built on). Boost's frame::source_line() keeps only the outermost function of each
// address, so a lambda or helper inlined into its caller (the common case at -O2) would be
// reported at the caller's line, deep inside <functional>; libbacktrace's pcinfo reports every
// inlined call, which is what a reader of the traceback wants to see.
#include "traceback.hpp"

#include <backtrace.h>
#include <boost/core/demangle.hpp>
#include <boost/stacktrace.hpp>

#include <cstdint>
#include <sstream>
#include <vector>

namespace copas::detail {

namespace {

struct located {
  std::string file;
  int line = 0;
  std::string function;
};

void on_error(void*, const char*, int) {}

backtrace_state* state() {
  // Created once and kept: it caches the parsed debug information (threaded: any dispatcher
  // thread may print a traceback).
  static backtrace_state* s = backtrace_create_state(nullptr, 1, on_error, nullptr);
  return s;
}

int on_pcinfo(void* data, std::uintptr_t, const char* file, int line, const char* function) {
  if (!file && !function) return 0;
  static_cast<std::vector<located>*>(data)->push_back(
      {file ? file : "", line, function ? boost::core::demangle(function) : ""});
  return 0;
}

void on_syminfo(void* data, std::uintptr_t, const char* symbol, std::uintptr_t, std::uintptr_t) {
  if (symbol) *static_cast<std::string*>(data) = boost::core::demangle(symbol);
}

}  // namespace

std::string format_stack(const boost::stacktrace::stacktrace& frames) {
  std::ostringstream out;
  out << "stack traceback:";
  for (const auto& frame : frames) {
    // A return address: the call is the instruction before it.
    auto pc = reinterpret_cast<std::uintptr_t>(frame.address()) - 1;
    std::vector<located> calls;  // innermost inlined call first
    if (state()) backtrace_pcinfo(state(), pc, on_pcinfo, on_error, &calls);
    std::string symbol;
    if (state()) backtrace_syminfo(state(), pc, on_syminfo, on_error, &symbol);
    if (symbol.empty()) symbol = frame.name();
    for (std::size_t i = 0; i < calls.size(); ++i) {
      // The outermost entry is the frame's own function, whose symbol name is the more exact.
      const auto& c = calls[i];
      std::string name = (i + 1 == calls.size() && !symbol.empty()) ? symbol : c.function;
      out << "\n\t" << (c.file.empty() ? "?" : c.file) << ':' << c.line << ": in "
          << (name.empty() ? "?" : name);
    }
    if (calls.empty())
      out << "\n\t" << (symbol.empty() ? "?" : symbol) << " [" << frame.address() << "]";
  }
  return out.str();
}

}  // namespace copas::detail
