#pragma once
// copas::http::body_sink: an ltn12 sink writing an HTTP body to a socket, as is or in chunked
// transfer coding (LuaSocket's "keep-open" and "http-chunked" socket sinks). The request uses it
// for request bodies; a proxy for relaying bodies.
//
//   ltn12::pump::all(ltn12::source::string(data), http::body_sink(sock, /*chunked=*/true));
//
// Chunked: each chunk as "<HEX>\r\n<data>\r\n", the end mark as "0\r\n\r\n"; empty chunks are
// skipped (they would end the body early). Send errors ("closed", "timeout") abort the pump.

#include <copas/net/ltn12/sink.hpp>
#include <copas/net/socket.hpp>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

ltn12::sink body_sink(socket s, bool chunked);

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
