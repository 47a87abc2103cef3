#pragma once
// copas::net: sockets, servers, TLS and DNS that block only their fiber; plus the codecs the
// protocol clients share (url, mime, ltn12).
#include <copas/net/debug_socket.hpp>
#include <copas/net/dns.hpp>
#include <copas/net/free_functions.hpp>
#include <copas/net/io_result.hpp>
#include <copas/net/ltn12.hpp>
#include <copas/net/mime.hpp>
#include <copas/net/receive_limits.hpp>
#include <copas/net/receive_pattern.hpp>
#include <copas/net/serve_threads.hpp>
#include <copas/net/server.hpp>
#include <copas/net/socket.hpp>
#include <copas/net/ssl_params.hpp>
#include <copas/net/tls_server.hpp>
#include <copas/net/url.hpp>
