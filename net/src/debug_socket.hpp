#pragma once
// The call log behind copas::debug::socket (debug_socket.cpp).

#include "socket_impl.hpp"

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace copas::detail {

using described = std::pair<std::string_view, std::string>;  // parameter name, description

std::string describe(std::string_view text);
std::string describe(double number);
std::string describe_nil();
std::vector<described> describe_result(const result<void>& r);
std::vector<described> describe_result(const send_result& r);
std::vector<described> describe_result(const receive_result& r);
std::vector<described> describe_result(bool r);

void log_calling(socket_impl& s, int id, std::string_view method,
                 std::initializer_list<described> args);
void log_results(socket_impl& s, int id, std::string_view method,
                 const std::vector<described>& res);
int next_call_id();

// Runs `call` (the same method, with logging suspended) between the two log entries.
template <class F>
auto logged(socket_impl& s, std::string_view method, std::initializer_list<described> args,
            F&& call) {
  int id = next_call_id();
  log_calling(s, id, method, args);
  s.debug_busy = true;
  struct resume {
    socket_impl& s;
    ~resume() { s.debug_busy = false; }
  } guard{s};
  auto r = call();
  log_results(s, id, method, describe_result(r));
  return r;
}

inline bool logging(const std::shared_ptr<socket_impl>& s) {
  return s && s->debug_log && !s->debug_busy;
}

}  // namespace copas::detail
