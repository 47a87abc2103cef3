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
#include <copas/core/partial_result.hpp>
#include <copas/http/headers.hpp>

#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

struct response {
  std::string body;  // simple forms only
  int code = 0;
  http::headers headers;
  std::string status;                   // "HTTP/1.1 200 OK"; empty for HTTP/0.9
  int redirects = 0;                    // redirects followed
  bool redirect_limit_reached = false;  // the last 3xx of a chain cut by maxredirects
  // With request_params::received_names: the field lines as they came (names as sent by the
  // server, repeated names not merged), in order.
  http::headers received;
  std::string url;  // the URL of the last request made (after redirects)
};

// The response, or an error with the partial response (core/partial_result.hpp). Reads like
// copas::result<response>; compare its error with http::errc or copas::errc alike.
using request_result = copas::partial_result<response>;

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
