#pragma once
// copas::http::response and request_result: what http::request hands back.
//
//   auto r = copas::http::request("http://localhost:8080/big");
//   if (r) use(r->body);
//   else if (r.partial().code != 0) keep(r.partial().body);   // what came before the failure
//
// LuaSocket answers `nil, err` and loses what had arrived; here the error comes with the
// response as far as it got (Copas's `nil, err, partial` habit, as receive_result does):
//   - a failure while reading the body (truncated body: "closed"; "timeout"; a malformed chunk):
//     partial() has the code, headers and status line, and -- in the simple forms -- the body
//     bytes received so far (in the generic form they went to the sink, which was then called
//     with (nil, err));
//   - "too many redirects (limit <n>)": partial() is the last 3xx response, its body read as
//     above, with redirect_limit_reached set;
//   - a failure before the status line: partial() is empty (code 0).

#include <copas/core/error.hpp>
#include <copas/http/headers.hpp>

#include <string>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

struct response {
  std::string body;  // simple forms only
  int code = 0;
  http::headers headers;
  std::string status;  // "HTTP/1.1 200 OK"; empty for HTTP/0.9
  int redirects = 0;   // redirects followed
  bool redirect_limit_reached = false;  // the last 3xx of a chain cut by maxredirects
  // With request_params::received_names: the field lines as they came (names as sent by the
  // server, repeated names not merged), in order.
  http::headers received;
  std::string url;  // the URL of the last request made (after redirects)
};

// The response, or an error with the partial response. Reads like copas::result<response>.
class request_result {
 public:
  request_result(response r) : r_(std::move(r)), ok_(true) {}  // NOLINT(google-explicit-constructor): implicit, like result<T>
  request_result(copas::error err, response partial = {})        // NOLINT(google-explicit-constructor): implicit, like result<T>
      : r_(std::move(partial)), err_(std::move(err)) {}
  request_result(errc e) : err_(e) {}  // NOLINT(google-explicit-constructor): implicit, like result<T>

  bool has_value() const noexcept { return ok_; }
  bool has_error() const noexcept { return !ok_; }
  explicit operator bool() const noexcept { return ok_; }

  // The response; throws copas::system_error with the error's message if this is an error.
  const response& value() const& {
    if (!ok_) throw system_error(err_);
    return r_;
  }
  response& value() & {
    if (!ok_) throw system_error(err_);
    return r_;
  }
  response&& value() && {
    if (!ok_) throw system_error(err_);
    return std::move(r_);
  }
  const response& operator*() const& { return value(); }
  response& operator*() & { return value(); }
  const response* operator->() const { return &value(); }
  response* operator->() { return &value(); }

  // The error; an empty error on success.
  const copas::error& error() const noexcept { return err_; }
  // What had arrived before the error (see above); empty on success.
  const response& partial() const noexcept {
    static const response none;
    return ok_ ? none : r_;
  }

 private:
  response r_;
  copas::error err_;
  bool ok_ = false;
};

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
