#pragma once
// Error handlers: what happens when an exception escapes a fiber.
//
// The fiber is dead; its own handler (seterrorhandler from inside it) or else the default handler
// is called with the exception, the fiber and the socket involved (accepted client sockets; null
// otherwise). The default handler prints gettraceback() to standard output. A handler that throws
// gets "Failed executing error handler: <what>" printed instead. The loop always goes on.

#include <copas/core/socket_ref.hpp>
#include <copas/core/thread.hpp>

#include <boost/assert/source_location.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas {

using error_handler =
    std::function<void(std::exception_ptr err, const thread& co, const socket_ref* skt)>;

// Sets the running fiber's handler (an empty function clears it), or with `is_default` the
// handler for every fiber that has none. Throws std::invalid_argument "Expected the handler to be
// a function when setting the default" for an empty default.
void seterrorhandler(error_handler handler, bool is_default = false);

// The handler of `co` (default: the running fiber), falling back to the default handler.
error_handler geterrorhandler(const thread& co = running_thread());

// "<msg> (coroutine: <name>, socket: <name>)\nstack traceback:\n\t..." -- the fixed Copas
// header (names are "nil" where absent), then the caller's stack, one frame a line, innermost
// first: "<file>:<line>: in <function>" where the binary has debug information (Debug and
// RelWithDebInfo builds; lambdas too), else "<function> [<address>]". The default error handler
// prints the stack captured where copas::raise() threw instead.
std::string gettraceback(std::string_view msg = {}, const thread& co = {},
                         const socket_ref* skt = nullptr);

// The message of an exception as error handlers report it: what(), or "unknown error".
std::string error_message(std::exception_ptr err);

// Lua's error(): an exception whose message starts with "<file>:<line>: " and that carries the
// stack where it was raised, for gettraceback().
class runtime_error : public std::runtime_error {
 public:
  runtime_error(std::string_view msg, boost::source_location where);
  // "stack traceback:\n\t<file>:<line>: in <function>..." for the stack where it was raised
  // (file and line where the binary has debug information: Debug and RelWithDebInfo builds).
  std::string traceback() const;

 private:
  struct captured_stack;
  std::shared_ptr<const captured_stack> stack_;
};

// (boost::source_location rather than std's: clang 14 with libstdc++ 12 lacks the latter.)
[[noreturn]] void raise(std::string_view msg,
                        boost::source_location where = BOOST_CURRENT_LOCATION);

// Reports an exception escaping a fiber to its handler. The core calls it for every fiber; a
// module that runs fiber bodies of its own (servers) calls it to pass the socket along.
void report_error(std::exception_ptr err, const thread& co, const socket_ref* skt = nullptr);

}  // namespace copas

#include <copas/core/api_suffix.hpp>
