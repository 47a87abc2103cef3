// Error handlers, tracebacks and copas::raise.
#include "dispatcher_impl.hpp"

#include <copas/core/errors.hpp>

#include "traceback.hpp"

// The libbacktrace backend (libboost_stacktrace_backtrace) names frames that have no debug
// information; traceback.cpp adds each frame's file and line.
#define BOOST_STACKTRACE_LINK
#include <boost/stacktrace.hpp>

#include <cstdio>
#include <sstream>

namespace copas {

struct runtime_error::captured_stack {
  boost::stacktrace::stacktrace frames;
};

using detail::format_stack;

namespace {

std::string traceback_of(std::exception_ptr err) {
  try {
    if (err) std::rethrow_exception(err);
  } catch (const runtime_error& e) {
    return e.traceback();
  } catch (...) {
  }
  return format_stack(boost::stacktrace::stacktrace());
}

std::string header(std::string_view msg, const thread& co, const socket_ref* skt) {
  std::string h(msg);
  if (!h.empty()) h += ' ';
  h += "(coroutine: ";
  h += co ? getthreadname(co) : "nil";
  h += ", socket: ";
  h += skt ? skt->socket_name() : "nil";
  h += ")";
  return h;
}

void print_line(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void default_handler(std::exception_ptr err, const thread& co, const socket_ref* skt) {
  print_line(header(error_message(err), co, skt) + "\n" + traceback_of(err));
}

}  // namespace

runtime_error::runtime_error(std::string_view msg, boost::source_location where)
    : std::runtime_error(std::string(where.file_name()) + ":" + std::to_string(where.line()) +
                         ": " + std::string(msg)),
      // Only the addresses now: resolving names and lines is for whoever prints the traceback.
      stack_(
          std::make_shared<const captured_stack>(captured_stack{boost::stacktrace::stacktrace()})) {
}

std::string runtime_error::traceback() const { return format_stack(stack_->frames); }

void raise(std::string_view msg, boost::source_location where) { throw runtime_error(msg, where); }

std::string error_message(std::exception_ptr err) {
  try {
    if (err) std::rethrow_exception(err);
  } catch (const std::exception& e) {
    return e.what();
  } catch (const thread_cancelled&) {
    return "cancelled";
  } catch (...) {
  }
  return "unknown error";
}

void seterrorhandler(error_handler handler, bool is_default) {
  auto& d = detail::current_impl();
  if (is_default) {
    if (!handler)
      throw std::invalid_argument("Expected the handler to be a function when setting the default");
    d.default_handler = std::move(handler);
    return;
  }
  d.current_state()->handler = std::move(handler);
}

error_handler geterrorhandler(const thread& co) {
  auto& d = detail::current_impl();
  if (co && co.state()->handler) return co.state()->handler;
  if (d.default_handler) return d.default_handler;
  return default_handler;
}

std::string gettraceback(std::string_view msg, const thread& co, const socket_ref* skt) {
  // Skips this function's own frame: the stack starts at its caller.
  return header(msg, co, skt) + "\n" +
         format_stack(boost::stacktrace::stacktrace(1, static_cast<std::size_t>(-1)));
}

void report_error(std::exception_ptr err, const thread& co, const socket_ref* skt) {
  error_handler handler = geterrorhandler(co);
  try {
    handler(err, co, skt);
  } catch (...) {
    print_line("Failed executing error handler: " + error_message(std::current_exception()));
  }
  if (co) co.state()->handler = nullptr;
}

}  // namespace copas
